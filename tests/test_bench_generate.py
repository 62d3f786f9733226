"""bench/generate.py follows the real geography.

The generated national-scale data (benchmarks, tests/endpoint/test_performance.py)
keeps the real MAPPA areas, local authority areas, councils and police forces, and
puts generated boards, members and protocols on top: each copy of the local
arrangements belongs to one real MAPPA area and names its real authorities.
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest

from bench.generate import generate
from kg.config import SG, SGD, Settings

pytestmark = pytest.mark.slow

PREFIXES = (
    f"PREFIX sg: <{SG}>\nPREFIX sgd: <{SGD}>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)
#: real areas and forces with more than one label
RELABELLED = (
    "SELECT ?x WHERE { ?x rdfs:label ?a , ?b FILTER(?a != ?b) "
    "{ ?x a sg:LocalAuthorityArea } UNION { ?x a sg:MappaArea } UNION "
    "{ ?x sg:ofKind sgd:kind-chief-officer-of-police } }"
)
COPY = re.compile(r"-b(\d+)$")


def _open(store_dir: Path) -> ox.Store:
    return ox.Store.read_only(str(Path(os.path.realpath(store_dir)) / "db"))


def _values(store: ox.Store, query: str) -> set[str]:
    return {
        row[0].value
        for row in store.query(PREFIXES + query, use_default_graph_as_union=True)  # type: ignore[union-attr]
    }


@pytest.fixture(scope="module")
def generated(real_store: Settings, tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = json.loads((real_store.store_dir / "manifest.json").read_text())["total_quads"]
    out = tmp_path_factory.mktemp("generated")
    manifest = generate(base + 15_000, out, base_store=real_store.store_dir)
    return {
        "manifest": manifest,
        "store": _open(out / "store"),
        "real": _open(real_store.store_dir),
    }


def test_the_real_geography_is_kept_not_copied(generated: dict) -> None:
    real, store = generated["real"], generated["store"]
    assert generated["manifest"]["copies"] >= 3
    for query in (
        "SELECT ?x WHERE { ?x a sg:MappaArea }",
        "SELECT ?x WHERE { ?x a sg:LocalAuthorityArea }",
        "SELECT ?x WHERE { ?x a sg:PoliceArea }",
        "SELECT ?c WHERE { ?c sg:ofKind sgd:kind-local-authority }",
        "SELECT ?c WHERE { ?c sg:ofKind sgd:kind-chief-officer-of-police }",
    ):
        assert _values(store, query) == _values(real, query), query
    # no real area or force gets a second label from a copy
    assert _values(store, RELABELLED) == _values(real, RELABELLED)


def test_each_copy_belongs_to_one_real_area_and_names_its_authorities(generated: dict) -> None:
    store, real = generated["store"], generated["real"]
    areas = _values(real, "SELECT ?x WHERE { ?x a sg:MappaArea }")
    within: dict[str, set[str]] = defaultdict(set)
    for row in real.query(
        PREFIXES + "SELECT ?la ?a WHERE { ?la a sg:LocalAuthorityArea ; sg:within ?a }",
        use_default_graph_as_union=True,
    ):
        within[row["la"].value].add(row["a"].value)  # type: ignore[index]
    councils = {
        row["c"].value: row["la"].value  # type: ignore[index]
        for row in real.query(
            PREFIXES + "SELECT ?c ?la WHERE { ?c sg:area ?la . ?la a sg:LocalAuthorityArea }",
            use_default_graph_as_union=True,
        )
    }
    copies: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for q in store.quads_for_pattern(None, None, None, None):
        match = COPY.search(q.graph_name.value) if isinstance(q.graph_name, ox.NamedNode) else None
        if not match:
            continue
        k = int(match.group(1))
        if q.predicate.value == SG + "area":
            copies[k]["area"].add(q.object.value)
        elif q.predicate.value == SG + "establishedBy":
            copies[k]["council"].add(q.object.value)
        elif q.predicate.value == "http://www.w3.org/2000/01/rdf-schema#label":
            copies[k]["label"].add(q.object.value)
    complete = [k for k in copies if k < generated["manifest"]["copies"]]  # the last may stop early
    assert len(complete) >= 2
    seen = []
    for k in sorted(complete):
        found = copies[k]
        mappa = found["area"] & areas
        assert len(mappa) == 1, f"copy {k} is in {mappa}"
        (area,) = mappa
        seen.append(area)
        authorities = found["area"] - areas
        assert authorities, f"copy {k} names no local authority area"
        assert all(area in within[la] for la in authorities), f"copy {k}: {authorities}"
        assert found["council"], f"copy {k} names no council"
        assert all(councils.get(c) in authorities for c in found["council"])
        assert all(label.endswith(f"[b{k}]") for label in found["label"])
    assert len(set(seen)) == len(seen), "the areas get a copy each in turn"
