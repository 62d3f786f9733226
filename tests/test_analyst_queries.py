"""The analyst queries of bench/analyst_bench.py keep answering on the real build.

Each bench/analyst/*.rq names its shape on its first line, parses, and returns at least
one row (or triple) from the real build held in memory, as ``kg serve`` holds it: a
query with no answer would measure nothing. No timing here: the speed is the bench's.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from bench.analyst_bench import QUERY_DIR, AnalystQuery, analyst_queries, main
from kg.config import Settings
from kg.store import open_store

QUERIES = analyst_queries()


@pytest.fixture(scope="module")
def memory_store(real_store: Settings) -> ox.Store:
    memory = ox.Store()
    memory.bulk_extend(open_store(real_store).quads_for_pattern(None, None, None, None))
    return memory


def answer(store: ox.Store, query: AnalystQuery) -> list:
    result = store.query(query.text)
    assert not isinstance(result, bool), f"{query.name}: an ASK measures no fan-out"
    return list(result)


def test_the_set_covers_the_shapes() -> None:
    assert len(QUERIES) >= 15
    shapes = " ".join(q.shape for q in QUERIES)
    for shape in (
        "label",
        "NOT EXISTS",
        "MINUS",
        "OPTIONAL",
        "sg:partOf*",
        "sg:within*",
        "rdfs:subClassOf*",
        "date",
        "aggregate",
        "CONTAINS",
        "REGEX",
        "DESCRIBE",
    ):
        assert shape in shapes, f"no query in {QUERY_DIR} names the shape {shape!r}"


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_answers_on_the_real_build(memory_store: ox.Store, query: AnalystQuery) -> None:
    rows = answer(memory_store, query)
    assert rows, f"{QUERY_DIR / query.name}.rq returns nothing on the real build"
    assert query.graph == query.text.split("\n\n", 1)[-1].lstrip().startswith("DESCRIBE")


def test_not_exists_and_minus_variants_agree(memory_store: ox.Store) -> None:
    """The bench compares a03 with a04 as two ways of asking one question."""
    by_name = {q.name: q for q in QUERIES}
    not_exists = answer(memory_store, by_name["a03-gap-not-exists-group"])
    minus = answer(memory_store, by_name["a04-gap-minus-group"])
    assert sorted(str(r["la"]) for r in not_exists) == sorted(str(r["la"]) for r in minus)


def test_a_query_without_its_shape_line_is_named(tmp_path: Path) -> None:
    (tmp_path / "x1-plain.rq").write_text("SELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"x1-plain\.rq:1: the first line must say the shape"):
        analyst_queries(directories=[tmp_path])


def test_a_subset_that_matches_nothing_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x1-a.rq").write_text("# Shape: a\nASK {}\n", encoding="utf-8")
    assert [q.name for q in analyst_queries("x1", [tmp_path])] == ["x1-a"]
    with pytest.raises(SystemExit, match="no query in .* matches 'zz'"):
        analyst_queries("zz", [tmp_path])


def test_unknown_size_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--sizes", "real,2m"])
    assert "--sizes: unknown 2m (known: real, 10k, 100k, 1m)" in capsys.readouterr().err
