"""Command line: ``kg build``, ``kg query``, ``kg validate``, ``kg serve``.

Kept thin: each command parses arguments and calls the library. Expected errors
(:class:`kg.errors.KGError`) print one line to stderr, without a traceback, and
exit with the error's code; anything else exits 70 (set ``KG_DEBUG=1`` for the
traceback).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence

from kg import __version__
from kg.config import Settings
from kg.errors import KGError, QueryError

EXIT_SOFTWARE = 70  # sysexits.h EX_SOFTWARE: an internal error
EXIT_INTERRUPTED = 130


def _progress(started: float) -> Callable[[str], None]:
    def report(message: str) -> None:
        print(f"kg build [{time.perf_counter() - started:6.2f}s] {message}", file=sys.stderr)

    return report


def cmd_build(args: argparse.Namespace, settings: Settings) -> int:
    from kg.store import build_store

    if args.no_reason:
        settings = settings.with_(reason=False)
    started = time.perf_counter()
    progress = (lambda _m: None) if args.quiet else _progress(started)
    result = build_store(settings, progress)
    if not args.quiet:
        graphs = result.manifest["graphs"]
        width = max((len(g) for g in graphs), default=0)
        print(f"built {settings.relative(result.store_dir)}: quads per named graph")
        for graph, count in graphs.items():
            print(f"  {graph.ljust(width)}  {count:>8}")
        print(f"  {'total'.ljust(width)}  {result.manifest['total_quads']:>8}")
    return 0


def cmd_query(args: argparse.Namespace, settings: Settings) -> int:
    from kg.query import format_result, load_query, parse_assignment, run_query
    from kg.store import open_store

    overrides: dict[str, str] = {}
    for assignment in args.param:
        name, value = parse_assignment(assignment)
        if name in overrides:
            raise QueryError(f"--param {name} given twice")
        overrides[name] = value
    query = load_query(args.query, settings)
    store = open_store(settings)
    result = run_query(store, query, overrides)
    sys.stdout.write(format_result(result, args.format))
    sys.stdout.flush()
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import waitress

    from kg.store import open_store
    from webui import create_app

    open_store(settings)  # fail now, not on the first request, if nothing is built
    app = create_app({"KG_SETTINGS": settings})
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    print(f"kg serve: http://{args.host}:{args.port}/ (Ctrl-C to stop)", file=sys.stderr)
    waitress.serve(app, host=args.host, port=args.port, threads=args.threads, ident="kg")
    return 0


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    from kg.validation.cli import run

    return run(args)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kg",
        description="Build, query and serve the safeguarding duties knowledge graph.",
        epilog="The repository root is $KG_HOME, else the current directory if it has "
        "ontology/ and data/, else the folder above the kg package.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("build", help="parse, check, infer and build the store")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing unless it fails")
    p.add_argument(
        "--no-reason", action="store_true", help="skip the HermiT consistency check (no Java)"
    )
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("query", help="run a SPARQL query on the built store")
    p.add_argument("query", help="a .rq file (also looked up in queries/) or SPARQL text")
    p.add_argument(
        "--format",
        "-f",
        choices=["table", "csv", "json", "turtle", "ntriples"],
        default="table",
        help="output format (turtle/ntriples: CONSTRUCT and DESCRIBE only); default table",
    )
    p.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="bind ?NAME; VALUE is <IRI>, prefix:name or a literal such as "
        "'\"2017-08-01\"^^xsd:date' (a bare value takes the datatype of a literal default)",
    )
    p.set_defaults(func=cmd_query)

    from kg.validation.cli import add_arguments as add_validate_arguments

    p = sub.add_parser(
        "validate",
        help="validate an area configuration against the statute, as at a date",
        description="Exit 0: no violations; 1: violations; 2: an input cannot be used.",
    )
    add_validate_arguments(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("serve", help="serve the web UI with waitress")
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=5000, help="port (default 5000)")
    p.add_argument("--threads", type=int, default=4, help="worker threads (default 4)")
    p.set_defaults(func=cmd_serve)
    return parser


def _print_error(error: KGError) -> None:
    print(f"kg: error: {error}", file=sys.stderr)
    if error.detail:
        for line in error.detail.splitlines():
            print(f"  {line}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        return args.func(args, settings)
    except KGError as e:
        _print_error(e)
        return e.exit_code
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # e.g. `kg query ... | head`: stop quietly; keep Python from complaining at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as e:  # the last line of defence
        print(
            f"kg: internal error ({type(e).__name__}: {e}); this is a bug, please report it "
            "with the command you ran",
            file=sys.stderr,
        )
        if os.environ.get("KG_DEBUG"):
            raise
        return EXIT_SOFTWARE


if __name__ == "__main__":
    sys.exit(main())
