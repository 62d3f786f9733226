"""Command line: ``kg build``, ``kg query``, ``kg validate``, ``kg changes``, ``kg serve``,
``kg push``.

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
import threading
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from kg import __version__
from kg.config import Settings
from kg.errors import KGError, QueryError

if TYPE_CHECKING:
    from kg.endpoint.workers import WorkerPool

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


def _limit_malloc_arenas(arenas: int = 2) -> None:
    """Cap glibc's heap arenas before the server's threads start.

    glibc gives threads their own arenas (up to 8 per CPU); with 32 server threads
    the web process's memory crept up under load (bench/load.py: +8 MB every 15 s
    round; with 2 arenas, flat after the first round).
    """
    import contextlib
    import ctypes

    m_arena_max = -8
    with contextlib.suppress(OSError, AttributeError):  # not glibc
        ctypes.CDLL(None).mallopt(m_arena_max, arenas)


def _start_after(pool: WorkerPool, first: WorkerPool, wait: float = 120.0) -> None:
    """Start ``pool`` once ``first`` serves from memory (or has given up, or ``wait`` s)."""
    deadline = time.monotonic() + wait
    while not first.memory_ready.wait(0.2):
        if first.refused is not None or not first.loading or time.monotonic() > deadline:
            break
    if first.refused is None:
        pool.ensure_started()


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from kg.store import MANIFEST_NAME, verify_store

    _limit_malloc_arenas()

    if args.store:
        settings = settings.with_(store_url=args.store)
    if args.workers:
        settings = settings.with_(endpoint_workers=args.workers)
    if args.base_url:
        settings = settings.with_(base_url=args.base_url)  # checked by Settings
    elif settings.base_url is None:
        host = f"[{args.host}]" if ":" in args.host else args.host
        settings = settings.with_(base_url=f"http://{host}:{args.port}")
    if settings.store_url:
        # an external server that is down now may be back soon: serve anyway, say so
        # plainly here and on every page (503) until it answers
        from kg.endpoint.errors import EndpointError
        from kg.remote import remote_store_for

        try:
            graphs = remote_store_for(settings).graphs()
        except EndpointError as e:
            print(
                f"kg serve: warning: {e}; serving anyway: pages and /sparql answer 503 "
                "until the SPARQL server is back",
                file=sys.stderr,
            )
        else:
            if not graphs:
                print(
                    f"kg serve: warning: no graphs under the project's graph IRIs at "
                    f"{settings.store_url}; load them with `kg push`",
                    file=sys.stderr,
                )
    from kg.endpoint.workers import WorkerPool

    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    config: dict[str, object] = {"KG_SETTINGS": settings}
    pools: list[tuple[WorkerPool, threading.Thread]] = []
    if not settings.store_url:
        # start the SPARQL query workers (and the load into memory) first, while the
        # store's checksums are checked and the web app loads (cold start)
        pool = WorkerPool.from_settings(settings)
        starting = threading.Thread(target=pool.start, name="kg-start-workers", daemon=True)
        built = (settings.store_dir / MANIFEST_NAME).is_file()
        if built:
            starting.start()
        try:
            verify_store(settings)  # fail now, not on the first request: nothing built, or damaged
        except BaseException:
            pool.close()
            raise
        if not built:
            starting.start()
        pools.append((pool, starting))
        config["KG_SPARQL_POOL"] = pool
    # uploads are validated in sandboxed, killable workers, not in the web process
    validation = WorkerPool.for_validation(settings)
    if pools and pools[0][0].mode == "memory":
        # Their fork server imports the validator (about 0.35 s of CPU): started once the
        # query workers serve from memory, which it would delay on a small machine (a
        # validation sent before starts them itself). Same sandbox policy: the query
        # workers' check at start stands for both.
        later = threading.Thread(
            target=_start_after, args=(validation, pools[0][0]), name="kg-start-validation"
        )
        later.daemon = True
        later.start()
    else:
        starting = threading.Thread(
            target=validation.start, name="kg-start-validation", daemon=True
        )
        starting.start()
        pools.append((validation, starting))
    config["KG_VALIDATION_POOL"] = validation
    from webui import create_serving_app
    from webui.server import serve

    app = create_serving_app(config)
    # fail closed: no worker runs without its network sandbox unless the policy allows
    # it (each pool logs the sandbox in force when it starts)
    for _pool, starting in pools:
        starting.join()
    for pool, _ in pools:
        if pool.refused is not None:
            for other, _ in pools:
                other.close()
            pool.check_sandbox()
    sparql = app.extensions.get("kg_sparql")
    source = settings.store_url or settings.relative(settings.store_dir)
    print(
        f"kg serve: http://{args.host}:{args.port}/ (SPARQL: /sparql; data: {source}; "
        "Ctrl-C to stop)",
        file=sys.stderr,
    )
    try:
        serve(
            app,
            host=args.host,
            port=args.port,
            threads=args.threads,
            ident="kg",
            # refuse very large bodies before buffering them; bodies a little over
            # the limit get the app's own 413 message
            max_request_body_size=settings.max_request_bytes * 4,
        )
    finally:
        if sparql is not None:
            sparql.close()
        validation.close()
    return 0


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    from kg.validation.cli import run

    return run(args, settings)


def cmd_changes(args: argparse.Namespace, settings: Settings) -> int:
    from kg.changes.cli import run

    return run(args, settings)


def cmd_push(args: argparse.Namespace, settings: Settings) -> int:
    from kg.push import push

    started = time.perf_counter()
    report = push(
        settings,
        args.url,
        method=args.method,
        graphs=args.graph or None,
        batch_triples=args.batch,
        user=os.environ.get("KG_PUSH_USER") or None,
        password=os.environ.get("KG_PUSH_PASSWORD") or None,
        progress=(lambda _m: None) if args.quiet else _push_progress(started),
    )
    if not args.quiet:
        width = max((len(g) for g in report.graphs), default=0)
        print(f"pushed to {args.url} ({report.method}): triples per named graph")
        for graph, count in report.graphs.items():
            print(f"  {graph.ljust(width)}  {count:>8}")
        print(f"  {'total'.ljust(width)}  {report.total:>8}  ({report.seconds:.1f} s)")
    return 0


def _push_progress(started: float) -> Callable[[str], None]:
    def report(message: str) -> None:
        print(f"kg push [{time.perf_counter() - started:6.2f}s] {message}", file=sys.stderr)

    return report


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

    from kg.changes.cli import add_arguments as add_changes_arguments

    p = sub.add_parser(
        "changes",
        help="what began, ended or changed between two dates, by instrument",
        description="Exit 0: done (even if nothing changed); 2: a bad date or an unknown "
        "area, kind, body, board or provision.",
    )
    add_changes_arguments(p)
    p.set_defaults(func=cmd_changes)

    p = sub.add_parser("serve", help="serve the web UI and the SPARQL endpoint with waitress")
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=5000, help="port (default 5000)")
    p.add_argument(
        "--threads",
        type=int,
        default=48,
        help="HTTP threads (default 48: a request waiting on a long query holds one)",
    )
    p.add_argument(
        "--store",
        metavar="URL",
        help="serve from this SPARQL 1.1 query endpoint (Virtuoso, Fuseki, GraphDB) "
        "instead of the built store (default: $KG_STORE_URL, else the built store)",
    )
    p.add_argument(
        "--workers",
        type=int,
        help="query worker processes (default: $KG_ENDPOINT_WORKERS, else 2)",
    )
    p.add_argument(
        "--base-url",
        metavar="URL",
        help="the service's public address (e.g. https://kg.example.org), named in /void and "
        "the service description; never the request's Host header "
        "(default: $KG_BASE_URL, else http://HOST:PORT)",
    )
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser(
        "push",
        help="load the built graph into a SPARQL server, named graph by named graph",
        description="Replace each named graph of the built store on a SPARQL server. "
        "Credentials: $KG_PUSH_USER and $KG_PUSH_PASSWORD (HTTP Basic or Digest).",
    )
    p.add_argument(
        "url",
        help="the Graph Store Protocol endpoint (--method gsp, e.g. Virtuoso "
        "http://HOST:8890/sparql-graph-crud-auth, Fuseki http://HOST:3030/DS/data) or the "
        "SPARQL Update endpoint (--method update, e.g. http://HOST:8890/sparql-auth)",
    )
    p.add_argument(
        "--method",
        choices=["gsp", "update"],
        default="gsp",
        help="SPARQL 1.1 Graph Store Protocol (PUT then POST per graph; default) or "
        "SPARQL Update (DROP SILENT GRAPH then INSERT DATA)",
    )
    p.add_argument(
        "--graph", action="append", metavar="IRI", help="push only this graph (repeatable)"
    )
    p.add_argument("--batch", type=int, default=20000, help="triples per request (default 20000)")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing unless it fails")
    p.set_defaults(func=cmd_push)
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
