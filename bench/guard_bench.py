"""The SPARQL guard's cost: per shipped query, and on long hostile inputs.

    .venv/bin/python bench/guard_bench.py [--runs 7]

The guard (kg/endpoint/guard.py) reads every query before the engine does, so its cost
is paid on every request; its lexer must stay linear on hostile input (120,000
characters of one token). Prints medians over --runs, and for each hostile input the
time at 12,000 and at 120,000 characters with their ratio (about 10 when linear, about
100 when quadratic). tests/endpoint/test_guard.py checks the ratio, not the times.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from kg.endpoint.guard import _cached_check, check_query, read_query  # noqa: E402

#: One token repeated (or an opening that never closes): the lexer's worst cases.
HOSTILE = {
    "name": ("a", ""),
    "prefixed name": ("a", "sg:"),
    "unclosed string": ("a", '"'),
    "unclosed long string": ("a", "'''"),
    "unclosed IRI": ("a", "<"),
    "number": ("1", ""),
    "dotted name": (".", "sg:a"),
    "dotted blank node": (".", "_:a"),
    "question marks": ("?", ""),
}


def hostile(kind: str, size: int) -> str:
    unit, head = HOSTILE[kind]
    return head + unit * size


def lex_seconds(text: str, runs: int) -> float:
    """The fastest of ``runs`` readings: what the lexer costs without the machine's noise."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        read_query(text)
        best = min(best, time.perf_counter() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    queries = [p.read_text(encoding="utf-8") for p in sorted((REPO / "queries").glob("cq*.rq"))]
    per_query = []
    for _ in range(args.runs):
        _cached_check.cache_clear()  # the first reading of each, as a new query pays
        started = time.perf_counter()
        for text in queries:
            check_query(text)
        per_query.append((time.perf_counter() - started) * 1000 / len(queries))
    print(f"load average {os.getloadavg()[0]:.1f}; {args.runs} runs")
    print(
        f"guard, shipped queries ({len(queries)}): median {statistics.median(per_query):.2f} ms "
        f"a query (max {max(per_query):.2f})"
    )
    print("| hostile input | 12,000 chars | 120,000 chars | ratio |")
    print("|---|---|---|---|")
    for kind in HOSTILE:
        small = lex_seconds(hostile(kind, 12_000), args.runs)
        large = lex_seconds(hostile(kind, 120_000), args.runs)
        print(f"| {kind} | {small * 1000:.1f} ms | {large * 1000:.1f} ms | {large / small:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
