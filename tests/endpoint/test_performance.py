"""The shipped queries stay fast on national-scale data.

Fails when a shipped query (queries/cq*.rq, default parameters) takes more than
ten times its budget (bench/budgets.toml) on the generated data at about 100k
triples, scaled by how loaded the machine is: a calibration query (a count of every
statement) runs beside each query in the same pool, and the budgets are multiplied by
its time over its reference time (never by less than 1). A busy machine slows both
alike, so load alone cannot fail the test; a query whose plan went wrong (hundreds of
times slower) still does. The timings themselves belong in bench/ (endpoint_bench.py,
scale_bench.py). Also fails when a shipped or page query uses ``NOT EXISTS``, a shape
Oxigraph evaluates very slowly (37 s on 118k quads where the same question as ``MINUS``
took 31 ms), and checks what the pages' speed rests on (docs/performance.md): the read
model the build saves is the one the store gives, and area networks are narrowed from
one national network that no caller can change.
"""

from __future__ import annotations

import os
import shutil
import statistics
import time
import tomllib
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from bench.generate import generate
from kg import analysis
from kg.browse.catalog import SNAPSHOT_NAME, load_catalog, load_snapshot
from kg.config import SGD, Settings
from kg.endpoint import errors
from kg.endpoint.guard import tokens
from kg.endpoint.workers import Job, WorkerPool
from kg.query import bind_values, load_query, resolve_bindings
from kg.store import open_store
from tests.helpers import REPO

BUDGETS = tomllib.loads((REPO / "bench" / "budgets.toml").read_text(encoding="utf-8"))
CALIBRATION = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SHIPPED = sorted((REPO / "queries").glob("cq*.rq"))
LINTED = SHIPPED + sorted((REPO / "queries" / "pages").glob("*.rq"))


def budget_ms(stem: str) -> float:
    return float(BUDGETS.get("queries", {}).get(stem, BUDGETS["default"]))


def _not_exists(text: str) -> list[int]:
    """Lines where ``NOT EXISTS`` occurs (as keywords, not in strings or comments)."""
    words = [(text[s:e].upper(), s) for kind, s, e in tokens(text) if kind == "word"]
    return [
        text.count("\n", 0, start) + 1
        for (word, start), (following, _) in zip(words, words[1:], strict=False)
        if word == "NOT" and following == "EXISTS"
    ]


@pytest.mark.parametrize("path", LINTED, ids=[f"{p.parent.name}/{p.stem}" for p in LINTED])
def test_no_not_exists(path: Path) -> None:
    lines = _not_exists(path.read_text(encoding="utf-8"))
    assert not lines, (
        f"{path.relative_to(REPO)} uses FILTER NOT EXISTS (line {lines[0]}); Oxigraph evaluates "
        "it very slowly over large groups: ask the same question with MINUS "
        "(see docs/endpoint.md, 'Writing queries Oxigraph evaluates well')"
    )


def test_the_lint_sees_through_comments_and_strings() -> None:
    assert _not_exists("SELECT * { ?s ?p ?o FILTER NOT EXISTS { ?s a ?t } }") == [1]
    assert _not_exists('SELECT * { ?s ?p "NOT EXISTS" } # FILTER NOT EXISTS') == []


@pytest.mark.slow
def test_shipped_queries_within_ten_times_their_budget(
    real_store: Settings, tmp_path_factory: pytest.TempPathFactory
) -> None:
    out = tmp_path_factory.mktemp("national-100k")
    manifest = generate(100_000, out, base_store=real_store.store_dir)
    assert 90_000 <= manifest["total_quads"] <= 120_000
    pool = WorkerPool(out / "store", size=2, memory_mb=2048, mode="memory")
    pool.start()
    report, slow = [], []
    reference = float(BUDGETS["calibration_ms"])

    def timed(text: str, timeout: float) -> float:
        started = time.perf_counter()
        pool.run(Job(text, solutions_format="json"), timeout=timeout)
        return (time.perf_counter() - started) * 1000

    try:
        assert pool.memory_ready.wait(60), "the generated store did not load into memory"
        for path in SHIPPED:
            query = load_query(path, real_store)
            text = bind_values(query.text, resolve_bindings(query))
            limit = budget_ms(path.stem)
            timings, calibrations = [], []
            for _ in range(4):
                calibrations.append(timed(CALIBRATION, 120))
                load = max(1.0, statistics.median(calibrations) / reference)
                try:
                    timings.append(timed(text, limit * 10 * load * 2 / 1000))
                except errors.QueryTimeoutError:
                    timings = [float("inf")]
                    break
            load = max(1.0, statistics.median(calibrations) / reference)
            measured = statistics.median(timings[1:] or timings)  # the first run warms up
            report.append(f"{path.stem}: {measured:.1f} ms (budget {limit:g} ms, load x{load:.1f})")
            if measured > limit * 10 * load:
                shown = "stopped at" if measured == float("inf") else f"{measured:.0f} ms >"
                slow.append(f"{path.stem}: {shown} {limit * 10 * load:.0f} ms (10 x budget x load)")
    finally:
        pool.close()
    print("\n".join(report))
    assert not slow, (
        "shipped queries over ten times their budget on the generated national-scale data "
        "(bench/budgets.toml; see docs/endpoint.md, 'Writing queries Oxigraph evaluates "
        "well'):\n" + "\n".join(slow)
    )


# What the pages' speed at scale rests on (docs/performance.md), checked for what it
# gives, not for how fast.


def _unordered(index: dict) -> dict:
    """An index of the read model, each list as a multiset (the store's order varies)."""
    return {s: {p: Counter(values) for p, values in ps.items()} for s, ps in index.items()}


def test_the_build_saves_the_read_model_the_store_gives(real_store: Settings) -> None:
    folder = Path(os.path.realpath(real_store.store_dir))
    saved = load_snapshot(real_store, folder / SNAPSHOT_NAME)
    assert saved is not None, "kg build saves the pages' read model beside the store"
    read = load_catalog(open_store(real_store), real_store)
    for index in ("out", "inc", "vocab"):
        assert _unordered(getattr(saved, index)) == _unordered(getattr(read, index)), index
    assert saved.inferred == read.inferred
    assert Counter(tuple(d.items()) for d in saved.sources) == Counter(
        tuple(d.items()) for d in read.sources
    )


def test_a_read_model_made_with_other_pages_queries_is_not_used(
    real_store: Settings, tmp_path: Path
) -> None:
    folder = Path(os.path.realpath(real_store.store_dir))
    shutil.copytree(REPO / "queries", tmp_path / "queries")
    statements = tmp_path / "queries" / "pages" / "statements.rq"
    statements.write_text(statements.read_text() + "\n# changed\n")
    changed = real_store.with_(queries_dir=tmp_path / "queries")
    assert load_snapshot(changed, folder / SNAPSHOT_NAME) is None
    damaged = tmp_path / SNAPSHOT_NAME
    damaged.write_bytes((folder / SNAPSHOT_NAME).read_bytes()[:1000])
    assert load_snapshot(real_store, damaged) is None


def test_area_networks_are_narrowed_from_one_national_network_left_unchanged(
    real_store: Settings,
) -> None:
    catalog = load_catalog(open_store(real_store), real_store)
    when = date(2017, 8, 1)
    area = analysis.Filters(area=SGD + "mappa-area-cumbria")
    first = analysis.duty_network(catalog, when, area)
    whole = analysis.duty_network(catalog, when)
    whole.clear()  # what a caller does with the whole network is its own affair
    again = analysis.duty_network(catalog, when, area)
    assert first.number_of_edges() > 0
    assert sorted(first.edges(keys=True, data=True)) == sorted(again.edges(keys=True, data=True))
    assert analysis.duty_network(catalog, when).number_of_edges() > 0
