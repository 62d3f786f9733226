"""``kg validate FILE... [--as-at DATE] [--format text|json|turtle|html]``.

The configuration is checked against the shapes and compared with the statutory frame
of its area, read from the built store (``KG_STORE_DIR``, else ``build/store``).

Exit codes: 0 no violations (warnings and notes allowed), 1 violations, 2 an input
cannot be used (unreadable, malformed, too large, unknown key, bad date, an IRI
that does not resolve, ``owl:imports``, ...) or its validation did not end within
the time limit (``KG_VALIDATION_TIMEOUT``, the Validate page's). Errors raise
:class:`kg.errors.KGError` subclasses; :func:`main` (and the ``kg`` CLI) print them as one line.

To wire into ``kg``::

    sub = subparsers.add_parser("validate", help="validate an area configuration")
    kg.validation.cli.add_arguments(sub)
    sub.set_defaults(func=kg.validation.cli.run)
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from kg.config import Settings
from kg.errors import KGError
from kg.validation.render import FORMATS, render
from kg.validation.validator import check_as_at, default_validator


def _as_at(text: str) -> date:
    try:
        return check_as_at(text, field="--as-at")
    except KGError as e:
        raise argparse.ArgumentTypeError(e.message) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "The configuration is also compared with the statutory frame of its area, read "
        "from the built store ($KG_STORE_DIR, else build/store; run `kg build` first)."
    )
    parser.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="configuration files (.yaml, .ttl, .jsonld, .rdf); "
        "together they form one configuration",
    )
    parser.add_argument(
        "--as-at",
        type=_as_at,
        default=None,
        metavar="DATE",
        help="judge the configuration as at this date (YYYY-MM-DD); "
        "default: the configuration's own date, else today",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (default, grouped by body), json, turtle (the SHACL validation report) or html",
    )


#: Exit code of a validation stopped at the time limit (as for an input that cannot be used).
EXIT_TIME_LIMIT = 2


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """End the process (exit 2, with a message) if the block runs longer than ``seconds``.

    The validation may be inside pyoxigraph, which no signal or exception can
    interrupt; the web runs it in a worker process that is killed at the same limit,
    and the command line, being that process, ends itself."""

    def stop() -> None:
        sys.stderr.write(
            f"kg validate: error: the validation was stopped after {seconds:g} s, the time "
            "limit (KG_VALIDATION_TIMEOUT); split the configuration or raise the limit\n"
        )
        sys.stderr.flush()
        os._exit(EXIT_TIME_LIMIT)

    timer = threading.Timer(seconds, stop)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def run(args: argparse.Namespace, settings: Settings | None = None) -> int:
    """Validate and print the report to stdout; return the exit code (0 or 1).

    The validation runs under ``settings.validation_timeout`` (:func:`time_limit`).

    Raises:
        KGError: an input cannot be used (exit code 2).
    """
    settings = settings or Settings.from_env()
    with time_limit(settings.validation_timeout):
        report = default_validator().validate(args.files, as_at=args.as_at)
    sys.stdout.write(render(report, args.format))
    return report.exit_code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kg.validation",
        description="Validate a local area's configuration against the statute, as at a date.",
    )
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except KGError as e:
        print(f"error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # noqa: BLE001 - never show a traceback to the user
        print(f"internal error ({type(e).__name__}): {e}; please report it", file=sys.stderr)
        return 70
