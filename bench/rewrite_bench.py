"""Measure the query rewriter (kg/endpoint/rewrite.py): each slow shape of issue 14,
as an analyst writes it, against what the rewriter turns it into, in one run.

For each store (the real build, and generated data from ``bench/generate.py``) the
quads are loaded into an in-memory pyoxigraph store, as ``kg serve`` holds them; then
each query, written and rewritten, is run in turn (interleaved) ``--runs`` times (once
when the query as written takes over 10 s). It prints the medians, the rows (which must
be equal: it stops otherwise), the rewrites applied and the rewriter's own time
(median, in microseconds, uncached). The shipped queries (queries/cq*.rq, sent as
they are) that the rewriter changes are measured too.

It also measures whether Oxigraph keeps the written order of a group: the same
joins written in two orders (plain triple patterns; a path towards a fixed object).

Usage::

    python bench/rewrite_bench.py [--store build/store] [--store build/bench/100k/store]
        [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import pyoxigraph as ox  # noqa: E402

from kg.endpoint.rewrite import rewrite  # noqa: E402

PREFIXES = """PREFIX sg: <https://w3id.org/safeguarding-kg/ontology#>
PREFIX sgd: <https://w3id.org/safeguarding-kg/id/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
CHILDREN_ACT_2004 = "<https://www.legislation.gov.uk/ukpga/2004/31>"
QUERIES = REPO / "queries"

#: the issue's shapes, written as an analyst writes them (docs/modelling.md)
SHAPES = {
    "area by label, fanned out": """
SELECT ?body ?bodyLabel ?duty ?dutyLabel ?owedLabel WHERE {
  ?area rdfs:label "Merseyside"@en .
  ?body sg:area ?area ; rdfs:label ?bodyLabel .
  ?duty sg:bearer ?body ; rdfs:label ?dutyLabel .
  OPTIONAL { ?duty sg:owedTo ?owed . ?owed rdfs:label ?owedLabel }
}""",
    "gap: NOT EXISTS over a group": """
SELECT ?la ?laLabel WHERE {
  ?la a sg:LocalAuthorityArea ; rdfs:label ?laLabel .
  FILTER NOT EXISTS {
    ?partnership a sg:SafeguardingPartnership ; sg:area ?la ; sg:earliestStart ?start .
  }
}""",
    "gap: NOT EXISTS, duties owed to no labelled party": """
SELECT ?duty WHERE {
  ?duty a sg:DutyOrPower ; sg:bearer ?bearer .
  FILTER NOT EXISTS { ?duty sg:owedTo ?party . ?party rdfs:label ?label }
}""",
    "subClassOf* written last": """
SELECT ?board ?label WHERE {
  ?board rdfs:label ?label .
  ?board a/rdfs:subClassOf* sg:Board .
}""",
    "subClassOf* written first": """
SELECT ?board ?class ?label WHERE {
  ?class rdfs:subClassOf* sg:Board .
  ?board a ?class ; rdfs:label ?label .
}""",
    "in force on a date": """
SELECT ?duty ?label ?from ?to WHERE {
  ?duty a sg:DutyOrPower ; rdfs:label ?label ; sg:latestStart ?from .
  OPTIONAL { ?duty sg:earliestEnd ?to }
  FILTER(?from <= "2015-06-01"^^xsd:date && (!BOUND(?to) || ?to >= "2015-06-01"^^xsd:date))
}""",
    "partOf* closure written last": f"""
SELECT ?part ?label WHERE {{
  ?part rdfs:label ?label .
  ?part sg:partOf* {CHILDREN_ACT_2004} .
}}""",
    "kind by FILTER(=)": """
SELECT ?duty ?label WHERE {
  ?duty rdfs:label ?label ; sg:bearer ?kind .
  FILTER(?kind = sgd:kind-local-authority)
}""",
    "kind by a trailing VALUES": """
SELECT ?duty ?label WHERE {
  ?duty rdfs:label ?label ; sg:bearer ?kind .
} VALUES ?kind { sgd:kind-local-authority }""",
    "labels after an OPTIONAL": """
SELECT * WHERE {
  ?duty a sg:DutyOrPower .
  OPTIONAL { ?duty sg:owedTo ?owed }
  ?duty rdfs:label ?label ; sg:bearer ?bearer .
  ?bearer rdfs:label ?bearerLabel .
}""",
    "labels after a BIND": """
SELECT * WHERE {
  ?duty a sg:DutyOrPower .
  BIND(STR(?duty) AS ?address)
  ?duty rdfs:label ?label ; sg:bearer ?bearer .
  ?bearer rdfs:label ?bearerLabel .
}""",
}

#: the same joins in two written orders: does Oxigraph keep the order of a group?
ORDERS = {
    "plain patterns, label lookup last / first": (
        """SELECT ?d ?l WHERE { ?d rdfs:label ?l . ?d sg:bearer ?k .
           ?k rdfs:label "local authority"@en }""",
        """SELECT ?d ?l WHERE { ?k rdfs:label "local authority"@en .
           ?d sg:bearer ?k . ?d rdfs:label ?l }""",
    ),
    "path to a fixed object last / first": (
        f"SELECT ?x ?l WHERE {{ ?x rdfs:label ?l . ?x sg:partOf* {CHILDREN_ACT_2004} }}",
        f"SELECT ?x ?l WHERE {{ ?x sg:partOf* {CHILDREN_ACT_2004} . ?x rdfs:label ?l }}",
    ),
}


def _load(store_dir: Path) -> ox.Store:
    disk = ox.Store.read_only(str(store_dir.resolve() / "db"))
    mem = ox.Store()
    mem.bulk_extend(disk.quads_for_pattern(None, None, None, None))
    return mem


def _answers(store: ox.Store, query: str) -> Counter[tuple[str | None, ...]]:
    result = store.query(query)
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    return Counter(
        tuple(None if s[n] is None else str(s[n]) for n in names)
        for s in result  # type: ignore[union-attr]
    )


def _time(store: ox.Store, query: str) -> float:
    started = time.perf_counter()
    for _ in store.query(query):  # type: ignore[union-attr]
        pass
    return (time.perf_counter() - started) * 1000


#: a query as written slower than this (ms) is run once, not --runs times
ONCE_OVER_MS = 10_000.0


def _timed_answers(store: ox.Store, query: str) -> tuple[float, Counter[tuple[str | None, ...]]]:
    started = time.perf_counter()
    answers = _answers(store, query)
    return (time.perf_counter() - started) * 1000, answers


def _pair(
    store: ox.Store, a: str, b: str, runs: int, first: tuple[float, float] | None = None
) -> tuple[float, float, int]:
    """Medians of ``a`` and ``b`` run in turn, and how many runs; ``first`` is a
    run of each already timed (with the answers read)."""
    ta, tb = ([first[0]], [first[1]]) if first else ([], [])
    while len(ta) < runs and not (ta and ta[0] > ONCE_OVER_MS):
        ta.append(_time(store, a))  # interleaved: a load spike hits both
        tb.append(_time(store, b))
    return statistics.median(ta), statistics.median(tb), len(ta)


def bench_store(store_dir: Path, runs: int, skip_written: tuple[str, ...] = ()) -> None:
    started = time.perf_counter()
    store = _load(store_dir)
    print(
        f"\n### {store_dir} ({len(store)} quads, loaded in {time.perf_counter() - started:.1f} s)"
    )
    print(
        "\n| shape | rewrites applied | rows | as written (ms) | rewritten (ms) | "
        "speed-up | rewriter (µs) |"
    )
    print("|---|---|---|---|---|---|---|")
    shipped = {p.stem: p.read_text(encoding="utf-8") for p in sorted(QUERIES.glob("cq*.rq"))}
    for name, query in [*((n, PREFIXES + b) for n, b in SHAPES.items()), *shipped.items()]:
        if name in shipped and not rewrite(query).changed:
            continue  # the shipped queries the rewriter changes (sent as they are)
        rewritten = rewrite.__wrapped__(query)
        spent = []
        for _ in range(max(runs, 5)):
            t0 = time.perf_counter()
            rewrite.__wrapped__(query)
            spent.append((time.perf_counter() - t0) * 1e6)
        if name in skip_written:  # too slow as written to wait for: the rewritten only
            first_b, rows_b = _timed_answers(store, rewritten.text)
            b = statistics.median(
                [first_b] + [_time(store, rewritten.text) for _ in range(runs - 1)]
            )
            print(
                f"| {name} | {rewritten.header()} | {sum(rows_b.values())} | not run | "
                f"{b:.1f} | - | {statistics.median(spent):.0f} |"
            )
            continue
        first_a, rows = _timed_answers(store, query)
        first_b, rows_b = _timed_answers(store, rewritten.text)
        if rows_b != rows:
            raise SystemExit(f"{name}: the rewritten query gives other answers")
        a, b, n = _pair(store, query, rewritten.text, runs, (first_a, first_b))
        speed = f"{a / b:.1f}x" if rewritten.changed and b > 0 else "-"
        once = "" if n == runs else f" ({n} run)"
        print(
            f"| {name} | {rewritten.header()} | {sum(rows.values())} | {a:.1f}{once} | "
            f"{b:.1f} | {speed} | {statistics.median(spent):.0f} |"
        )
    print("\nDoes Oxigraph keep the written order of a group? (the same joins, two orders)\n")
    print("| joins | written one way (ms) | the other way (ms) |")
    print("|---|---|---|")
    for name, (a, b) in ORDERS.items():
        ta, tb, _ = _pair(store, PREFIXES + a, PREFIXES + b, runs)
        print(f"| {name} | {ta:.1f} | {tb:.1f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", action="append", type=Path, help="a store folder (repeat)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--skip-written",
        action="append",
        default=[],
        help="a shape not to run as written (too slow to wait for); the rewritten runs",
    )
    args = parser.parse_args(argv)
    print(f"load average before: {os.getloadavg()[0]:.1f}, runs: {args.runs}")
    for store_dir in args.store or [REPO / "build" / "store"]:
        bench_store(store_dir, args.runs, tuple(args.skip_written))
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
