"""Parameters bound in the query text vs pyoxigraph ``substitutions``, side by side.

``kg query`` used to bind a shipped query's parameters with pyoxigraph's
``substitutions``; Oxigraph then planned the query with the parameter unbound. It
now writes them into the text (``kg.query.bind_values``). This prints, for each
shipped query with parameters, the median time of both on a generated store.

Usage::

    python bench/generate.py --triples 100000 --out build/bench/100k   # once
    python bench/binding_bench.py --store build/bench/100k/store --runs 5 --cap 30

Each way runs in its own process, stopped after ``--cap`` seconds.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import pyoxigraph as ox  # noqa: E402

from kg.config import Settings  # noqa: E402
from kg.query import _read_result, bind_values, load_query, resolve_bindings  # noqa: E402


def _time(db: str, path: str, way: str, runs: int, out: multiprocessing.Queue) -> None:
    store = ox.Store.read_only(db)
    query = load_query(Path(path), Settings.from_env())
    bindings = resolve_bindings(query)
    times, rows = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        if way == "substitutions":
            subs = {ox.Variable(n): v for n, v in bindings.items()}
            raw = store.query(query.text, use_default_graph_as_union=True, substitutions=subs)
        else:
            raw = store.query(bind_values(query.text, bindings), use_default_graph_as_union=True)
        rows = len(_read_result(raw).rows)
        times.append((time.perf_counter() - started) * 1000)
    out.put((statistics.median(times), rows))


def measure(db: str, path: Path, way: str, runs: int, cap: float) -> str:
    out: multiprocessing.Queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=_time, args=(db, str(path), way, runs, out))
    process.start()
    process.join(cap)
    if process.is_alive():
        process.kill()
        process.join()
        return f"> {cap:g} s"
    if out.empty():
        return "failed"
    median, rows = out.get()
    return f"{median:.1f} ms ({rows} rows)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, default=REPO / "build/bench/100k/store")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cap", type=float, default=30.0, help="seconds per query and way")
    args = parser.parse_args()
    db = str(args.store.resolve() / "db")
    settings = Settings.from_env()
    print("| query | substitutions | in the text |\n|---|---|---|")
    for path in sorted(settings.queries_dir.glob("cq*.rq")):
        if not load_query(path, settings).params:
            continue
        cells = [measure(db, path, way, args.runs, args.cap) for way in ("substitutions", "text")]
        print(f"| {path.stem} | {cells[0]} | {cells[1]} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
