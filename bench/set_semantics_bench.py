"""Measure set semantics for the default graph: the ways side by side, in one run.

The default graph must hold each distinct triple once, however many named graphs
state it (kg/dataset.py). For the real build and generated data (``bench/generate.py``,
about 100k and 1M quads, where an area's label is restated in tens to hundreds of
graphs) it prints medians over interleaved runs of:

* **queries**: the shipped queries (queries/cq*.rq, default parameters), a count of
  the default graph and a join on areas' type and label, each run

  - ``union``: named graphs only, ``use_default_graph_as_union`` (the old way: a
    triple once per graph that states it, so wrong counts);
  - ``materialised``: the default graph written by the build (each distinct triple
    once), no union flag (the way chosen);
  - ``distinct``: the union, with the query's first ``SELECT`` made ``SELECT
    DISTINCT`` (right only when the query wants a set; shown for its cost);
  - ``default only``: a second in-memory store holding only the default graph (right
    for queries without ``GRAPH`` or a dataset; not how ``kg serve`` runs: shown to
    size what it would gain, at the cost of the memory);

  and the first two again on the on-disk store (RocksDB, ``store_mode = disk``), with
  the rows each returns;
* **several default graphs** (``default-graph-uri`` x N): Oxigraph's list (a triple
  once per graph) against the merge copied into memory (kg/endpoint/dataset.py), and
  every graph of the store (the default graph as it is);
* **build**: writing the store with and without the default graph (the ``write``
  step of ``kg build``, interleaved), and its size on disk.

The in-memory stores are loaded in the on-disk store's order, as ``kg serve`` loads
them. The figures of 2026-12-06 are in docs/endpoint.md ("The default graph: set
semantics"). Usage::

    python bench/set_semantics_bench.py [--sizes real,100k,1m] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import pyoxigraph as ox  # noqa: E402

from bench.endpoint_bench import shipped_queries  # noqa: E402
from bench.generate import generate  # noqa: E402
from kg.config import PREFIXES, Settings  # noqa: E402
from kg.dataset import named_quads  # noqa: E402
from kg.endpoint.dataset import dataset_for  # noqa: E402
from kg.store import write_db  # noqa: E402

SIZES = {"100k": 100_000, "1m": 1_000_000}
PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
EXTRA = {
    "count-default-graph": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "area-type-and-label": PROLOGUE
    + "SELECT ?x ?label WHERE { ?x a sg:LocalAuthorityArea ; rdfs:label ?label }",
}
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _distinct(text: str) -> str:
    """The query with its first SELECT made SELECT DISTINCT (if it is not already)."""
    index = text.upper().find("SELECT")
    if index < 0 or text[index + 6 :].lstrip().upper().startswith(("DISTINCT", "REDUCED")):
        return text
    return text[: index + 6] + " DISTINCT" + text[index + 6 :]


def _rows(result: object) -> int:
    if isinstance(result, ox.QueryBoolean):
        return 1
    return sum(1 for _ in result)  # type: ignore[attr-defined]


def _time(run: Callable[[], int]) -> tuple[float, int]:
    started = time.perf_counter()
    rows = run()
    return (time.perf_counter() - started) * 1000, rows


def _median(values: list[float]) -> str:
    return f"{statistics.median(values):9.1f}"


def _du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _write(named: list[ox.Quad], runs: int, keep: Path) -> dict[str, Path]:
    """Time the build's write step both ways (interleaved); keep one store of each."""
    write: dict[str, list[float]] = {"named only": [], "with default graph": []}
    kept: dict[str, Path] = {}
    for run in range(runs):
        for way in write:
            db = keep / f"{way.replace(' ', '-')}-{run}"
            started = time.perf_counter()
            if way == "named only":
                store = ox.Store(str(db))
                store.bulk_extend(named)
                store.flush()
                del store
            else:
                write_db(named, db)
            write[way].append((time.perf_counter() - started) * 1000)
            if way in kept:
                shutil.rmtree(kept[way], ignore_errors=True)
            kept[way] = db
    print(f"\nwriting the store on disk (the build's write step), median of {runs} (ms), size")
    for way, values in write.items():
        print(f"  {way:<20} {_median(values)}  {_du(kept[way]) / 1e6:7.1f} MB")
    return kept


def bench(label: str, db: Path, runs: int, queries: dict[str, str]) -> None:
    disk = ox.Store.read_only(str(db))
    named = list(named_quads(disk.quads_for_pattern(None, None, None, None)))
    del disk
    graphs = sorted({q.graph_name.value for q in named})  # type: ignore[union-attr]
    print(f"\n## {label}: {len(named)} quads in {len(graphs)} named graphs")
    tmp = Path(tempfile.mkdtemp(prefix="kg-bench-sets-"))
    try:
        kept = _write(named, runs, tmp)
        disk_union = ox.Store.read_only(str(kept["named only"]))
        disk_materialised = ox.Store.read_only(str(kept["with default graph"]))
        # in memory as kg serve loads it: in the on-disk store's order
        union = ox.Store()
        union.bulk_extend(disk_union.quads_for_pattern(None, None, None, None))
        materialised = ox.Store()
        materialised.bulk_extend(disk_materialised.quads_for_pattern(None, None, None, None))
        default_only = ox.Store()
        default_only.bulk_extend(
            disk_materialised.quads_for_pattern(None, None, None, ox.DefaultGraph())
        )
        _queries(runs, queries, union, materialised, default_only, disk_union, disk_materialised)
        _several(runs, graphs, materialised)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _queries(runs: int, queries: dict[str, str], *stores: ox.Store) -> None:
    union, materialised, default_only, disk_union, disk_materialised = stores
    ways: dict[str, Callable[[str], int]] = {
        "union": lambda q: _rows(union.query(q, use_default_graph_as_union=True)),
        "materialised": lambda q: _rows(materialised.query(q)),
        "distinct": lambda q: _rows(union.query(_distinct(q), use_default_graph_as_union=True)),
        "default only": lambda q: _rows(default_only.query(q)),
        "disk union": lambda q: _rows(disk_union.query(q, use_default_graph_as_union=True)),
        "disk materialised": lambda q: _rows(disk_materialised.query(q)),
    }
    times: dict[tuple[str, str], list[float]] = {}
    rows: dict[tuple[str, str], int] = {}
    for _ in range(runs):
        for name, text in queries.items():
            for way, run in ways.items():  # interleaved: load changes hit all ways alike
                ms, n = _time(lambda run=run, text=text: run(text))
                times.setdefault((name, way), []).append(ms)
                rows[(name, way)] = n
    print(f"\nquery latency, median of {runs} (ms) / rows; the first four in memory")
    print(f"{'query':<38}" + "".join(f"{w:>19}" for w in ways))
    totals = dict.fromkeys(ways, 0.0)
    for name in queries:
        cells = []
        for way in ways:
            median = statistics.median(times[(name, way)])
            totals[way] += median
            cells.append(f"{median:>10.1f} {rows[(name, way)]:>7}")
        print(f"{name[:37]:<38}" + " ".join(f"{c:>18}" for c in cells))
    print(f"{'sum of medians':<38}" + "".join(f"{totals[w]:>11.1f}{'':>8}" for w in ways))


def _several(runs: int, graphs: list[str], materialised: ox.Store) -> None:
    """Several default-graph-uri: Oxigraph's list (a triple once per graph), the merge
    copied per query (all graphs but the first), and every graph (the default graph)."""
    most = tuple(graphs[1:])

    def count(store: ox.Store, **kwargs: object) -> int:
        return int(next(iter(store.query(COUNT, **kwargs)))["n"].value)  # type: ignore[index,arg-type]

    def listed() -> int:
        return count(materialised, default_graph=[ox.NamedNode(g) for g in most])

    def merged() -> int:
        store, kwargs = dataset_for(materialised, COUNT, most, (), False, "http://x/")
        return count(store, **kwargs)

    def every() -> int:
        store, kwargs = dataset_for(materialised, COUNT, tuple(graphs), (), False, "http://x/")
        return count(store, **kwargs)

    ways = {"list (wrong)": listed, "merged": merged, "every graph": every}
    several: dict[str, list[float]] = {w: [] for w in ways}
    counts: dict[str, int] = {}
    for _ in range(runs):
        for way, run in ways.items():
            ms, counts[way] = _time(run)
            several[way].append(ms)
    print(
        f"\ndefault-graph-uri x {len(most)} (every graph: x {len(graphs)}), COUNT(*), median (ms)"
    )
    for way, values in several.items():
        print(f"  {way:<13} {_median(values)}  count {counts[way]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="real,100k,1m", help="comma-separated: real,100k,1m")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", help="only queries whose name contains one of these")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    queries = {**shipped_queries(settings), **EXTRA}
    if args.only:
        queries = {k: v for k, v in queries.items() if any(o in k for o in args.only.split(","))}
    print(f"load average at start: {os.getloadavg()}")
    for label in args.sizes.split(","):
        if label == "real":
            db = Path(os.path.realpath(settings.store_dir)) / "db"
        else:
            out = REPO / "build" / "bench" / label
            manifest = out / "store" / "manifest.json"
            if not manifest.exists() or '"default_graph_triples"' not in manifest.read_text():
                print(f"[{label}] generating ...", file=sys.stderr)
                generate(SIZES[label], out, settings.store_dir)
            db = Path(os.path.realpath(out / "store")) / "db"
        bench(label, db, args.runs, queries)
    print(f"\nload average at end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
