import pyoxigraph as ox
import pytest

from kg.config import INFERRED_GRAPH
from kg.errors import RuleError
from kg.rules import apply_rules, load_rules
from tests.helpers import RULES

EX = "http://example.org/"
DATA = f"""
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <{EX}> .
ex:A rdfs:subClassOf ex:B . ex:B rdfs:subClassOf ex:C .
ex:x a ex:A .
ex:p rdfs:subPropertyOf ex:q . ex:q rdfs:subPropertyOf ex:r .
ex:x ex:p ex:y .
ex:R rdfs:subClassOf [ a <http://www.w3.org/2002/07/owl#Restriction> ] .
ex:z a ex:R .
"""


def store_with(data: str) -> ox.Store:
    store = ox.Store()
    store.bulk_load(data.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(EX + "g"))
    return store


def inferred(store: ox.Store) -> set[tuple[str, str, str]]:
    return {
        (q.subject.value, q.predicate.value, q.object.value)
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED_GRAPH))
    }


def write_rule(folder, name, text):
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_generic_rules_propagate_types_and_properties():
    generic = [r for r in load_rules(RULES) if r.name in {"subclass-types", "subproperty-values"}]
    assert len(generic) == 2
    store = store_with(DATA)
    report = apply_rules(store, generic, INFERRED_GRAPH, max_iterations=10)
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    assert inferred(store) == {
        (EX + "x", rdf_type, EX + "B"),
        (EX + "x", rdf_type, EX + "C"),
        (EX + "x", EX + "q", EX + "y"),
        (EX + "x", EX + "r", EX + "y"),
    }  # nothing about the blank-node superclass of ex:R
    assert report.added == 4
    assert report.iterations == 2  # one productive round, one that finds nothing


def test_all_rule_files_are_applied_to_a_fixpoint(tmp_path):
    # Each rule feeds the other: needs several rounds.
    write_rule(tmp_path, "a.rq", f"CONSTRUCT {{ ?s <{EX}m> ?o }} WHERE {{ ?s <{EX}l> ?o }}")
    write_rule(tmp_path, "b.rq", f"CONSTRUCT {{ ?o <{EX}l> ?s }} WHERE {{ ?s <{EX}m> ?o }}")
    rules = load_rules(tmp_path)
    assert [r.name for r in rules] == ["a", "b"]
    store = store_with(f"<{EX}s> <{EX}l> <{EX}o> .")
    report = apply_rules(store, rules, INFERRED_GRAPH, max_iterations=10)
    assert inferred(store) == {
        (EX + "s", EX + "m", EX + "o"),
        (EX + "o", EX + "l", EX + "s"),
        (EX + "o", EX + "m", EX + "s"),
    }
    assert report.iterations == 3


def test_fixpoint_guard(tmp_path):
    write_rule(tmp_path, "grow.rq", f"CONSTRUCT {{ ?s <{EX}p> [] }} WHERE {{ ?s ?p ?o }}")
    with pytest.raises(RuleError, match="did not reach a fixpoint in 3 rounds"):
        apply_rules(store_with(DATA), load_rules(tmp_path), INFERRED_GRAPH, max_iterations=3)


def test_invalid_rule_names_file_and_position(tmp_path):
    write_rule(tmp_path, "bad.rq", "CONSTRUCT { ?s ?p ?o }\nWHERE { ?s ?p }")
    with pytest.raises(RuleError) as info:
        load_rules(tmp_path)
    assert info.value.file.endswith("bad.rq")
    assert info.value.line == 2
    assert "invalid SPARQL" in str(info.value)


def test_rule_must_be_construct(tmp_path):
    write_rule(tmp_path, "select.rq", "SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(RuleError, match="CONSTRUCT"):
        load_rules(tmp_path)


def test_rule_must_not_fetch(tmp_path):
    write_rule(
        tmp_path,
        "remote.rq",
        "# a SERVICE in a comment is fine\n"
        "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
    )
    with pytest.raises(RuleError, match="SERVICE"):
        load_rules(tmp_path)


def test_missing_rules_folder_means_no_rules(tmp_path):
    assert load_rules(tmp_path / "absent") == []
