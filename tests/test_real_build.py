"""The repository's own ontology/ and data/ build into a consistent store."""

import pytest

from kg.config import INFERRED_GRAPH, ONTOLOGY_GRAPH, graph_iri_for_data_stem
from kg.store import open_store, quad_counts, read_manifest
from tests.helpers import REPO

pytestmark = pytest.mark.java


def test_every_file_has_its_graph(real_store):
    counts = quad_counts(open_store(real_store))
    ontology_files = sorted((REPO / "ontology").glob("*.ttl"))
    data_files = sorted((REPO / "data").glob("*.ttl"))
    assert ontology_files, "ontology/ has no *.ttl file"
    assert counts.get(ONTOLOGY_GRAPH, 0) > 0
    for path in data_files:
        graph = graph_iri_for_data_stem(path.stem)
        assert graph in counts or path.read_text(encoding="utf-8").strip() == "", graph
    expected = {ONTOLOGY_GRAPH, INFERRED_GRAPH} | {
        graph_iri_for_data_stem(p.stem) for p in data_files
    }
    assert set(counts) <= expected


def test_real_build_is_consistent_and_complete(real_store):
    manifest = read_manifest(real_store)
    assert manifest["reasoner"]["consistent"] is True
    assert manifest["reasoner"]["unsatisfiable_classes"] == []
    rule_files = sorted(p.name for p in (REPO / "queries" / "rules").glob("*.rq"))
    assert sorted(f.rsplit("/", 1)[-1] for f in manifest["rules"]["files"]) == rule_files
    inputs = {i["path"] for i in manifest["inputs"]}
    assert inputs == {f"ontology/{p.name}" for p in (REPO / "ontology").glob("*.ttl")} | {
        f"data/{p.name}" for p in (REPO / "data").glob("*.ttl")
    }
