"""``kg changes [--from DATE] [--to DATE] [--area A] [--kind K] [--body B] [--board B]
[--provision P] [--format text|csv|json]``.

Exit codes: 0 on success (whether or not anything changed), 2 for a bad date or an
unknown area, kind, body, board or provision (one line naming the field), 3 when no
store is built.
"""

from __future__ import annotations

import argparse
import sys

from kg.browse.catalog import CatalogCache
from kg.changes.filters import parse_query
from kg.changes.formats import FORMATS, render
from kg.changes.report import changes
from kg.config import Settings
from kg.remote import open_reader


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # dates are checked by parse_query, not argparse, so that a bad one is reported
    # as the pages report it: one line naming the field, exit 2
    parser.add_argument("--from", dest="from_", metavar="DATE", help="first day (YYYY-MM-DD); "
                        "default two years before --to")  # fmt: skip
    parser.add_argument("--to", metavar="DATE", help="last day (YYYY-MM-DD); default today")
    parser.add_argument("--area", help="an area: merseyside, mappa-area-merseyside, or its IRI")
    parser.add_argument("--kind", help="a kind of body: YOT, kind-youth-offending-team, lscb ...")
    parser.add_argument("--body", help="a body: merseyside-police, or its IRI or name")
    parser.add_argument("--board", help="a board or kind of board: merseyside-smb, kind-lscb")
    parser.add_argument("--provision", help="a provision or Act: ukpga/2004/31/section/16E")
    parser.add_argument(
        "--format",
        "-f",
        choices=FORMATS,
        default="text",
        help="text (sentences grouped by instrument; default), csv or json",
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    cat = CatalogCache(settings, open_reader(settings)).get()
    values = {
        "from": args.from_,
        "to": args.to,
        "area": args.area,
        "kind": args.kind,
        "body": args.body,
        "board": args.board,
        "provision": args.provision,
    }
    result = changes(cat, parse_query(cat, values))
    sys.stdout.write(render(result, args.format))
    sys.stdout.flush()
    return 0
