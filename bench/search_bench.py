"""Benchmark search: the median and the maximum time per query over several runs.

Times ``kg.browse.search.search`` on the built store (``build/store``, or
``--store DIR``) with the index ``kg build`` wrote beside it, as ``kg serve``
uses them: catalog loaded and index open before the first timed run (the first
search of a server also loads the catalog, which every page does). ``--view``
times the Flask view instead (``/search.json`` through the test client: adds
parameter parsing and JSON encoding). The target is under 50 ms per search.
The CPU time column tells the cost of a search from time spent waiting for a
CPU on a shared machine.

    python bench/search_bench.py [--runs 20] [--store build/store] [--view]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kg.browse.catalog import CatalogCache  # noqa: E402
from kg.browse.search import search  # noqa: E402
from kg.browse.search_index import SearchIndexCache  # noqa: E402
from kg.config import Settings  # noqa: E402

AS_AT = date(2017, 8, 1)
TARGET_MS = 50.0

#: The cases of issue 12 (deliverable 4), broad words with thousands of matches,
#: misspellings ("did you mean") and input that looks like FTS5 syntax.
QUERIES = [
    "section 11",
    "s.14",
    "s 325(6)",
    "reg 5",
    "s.16E",
    "CA 2004 s.11",
    "duty to cooperate",
    "Duty-to-co-operate",
    "MAPPA",
    "RA",
    "DTC",
    "SMB",
    "LSCB",
    "SCR",
    "CSODS",
    "GPMS",
    "YOT",
    "local safeguarding children board",
    "youth offending team duties",
    "knowsley lscb",
    "council",
    "duty",
    "safeguarding partners information",
    "safegaurding",
    "merseyside protocl",
    '"NEAR(* ^',
    "<script>alert(1)</script>",
    "a " * 99,
]


def runner(settings: Settings, view: bool) -> tuple[Callable[[str], int], str]:
    """A function running one search and returning its number of results, and the
    source of the index it uses."""
    catalogs = CatalogCache(settings)
    cat = catalogs.get()
    index = SearchIndexCache(settings).get(cat)
    if not view:
        return lambda q: len(search(cat, q, AS_AT, index)["results"]), index.source

    from webui import create_app

    client = create_app({"KG_SETTINGS": settings, "TESTING": True}).test_client()

    def run(q: str) -> int:
        response = client.get("/search.json", query_string={"q": q, "as_at": AS_AT.isoformat()})
        assert response.status_code == 200, (q, response.status_code)
        return len(response.get_json()["results"])

    return run, index.source


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs of every query")
    parser.add_argument("--store", type=Path, default=None, help="a built store (build/store)")
    parser.add_argument("--view", action="store_true", help="time the Flask view, not search()")
    args = parser.parse_args()

    overrides = {"store_dir": args.store.resolve()} if args.store else {}
    settings = Settings.for_home(REPO, **overrides)
    started = time.perf_counter()
    run, source = runner(settings, args.view)
    print(f"catalog and index ready in {time.perf_counter() - started:.2f} s (index: {source})")
    for q in QUERIES:  # warm-up: first searches fill the caches (dates, stems)
        run(q)

    times: dict[str, list[float]] = {q: [] for q in QUERIES}
    cpu: dict[str, list[float]] = {q: [] for q in QUERIES}  # apart from waiting for a CPU
    counts: dict[str, int] = {}
    for _ in range(args.runs):
        for q in QUERIES:
            t, c = time.perf_counter(), time.process_time()
            counts[q] = run(q)
            times[q].append((time.perf_counter() - t) * 1000)
            cpu[q].append((time.process_time() - c) * 1000)

    width = max(len(repr(q)) for q in QUERIES if len(q) < 60)
    print(f"{'query'.ljust(width)}  results  median ms  max ms  median CPU ms")
    for q in QUERIES:
        name = repr(q) if len(q) < 60 else repr(q[:20] + "...")
        ms = times[q]
        print(
            f"{name.ljust(width)}  {counts[q]:>7}  {statistics.median(ms):>9.1f}  {max(ms):>6.1f}"
            f"  {statistics.median(cpu[q]):>13.1f}"
        )
    medians = [statistics.median(ms) for ms in times.values()]
    worst = max(max(ms) for ms in times.values())
    over = sum(1 for m in medians if m >= TARGET_MS)
    print(
        f"{len(QUERIES)} queries x {args.runs} runs ({'view' if args.view else 'search()'}): "
        f"median of medians {statistics.median(medians):.1f} ms, slowest median "
        f"{max(medians):.1f} ms, max {worst:.1f} ms; {over} medians over {TARGET_MS:g} ms; "
        f"slowest median CPU time {max(statistics.median(c) for c in cpu.values()):.1f} ms"
    )
    return 0 if over == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
