"""Term status (issue 15, item 7): every term the project declares has exactly one
``vs:term_status`` of the W3C SemWeb Vocab Status values, and VS is imported like the
other vocabularies, so the status is an annotation property the module declares (the
OWL 2 DL profile check itself is in tests/test_ontology_dl.py)."""

from __future__ import annotations

import pyoxigraph as ox

from kg.load import parse_turtle
from kg.reason import reasoning_input
from tests.helpers import REPO

ONTOLOGY_DIR = REPO / "ontology"
OWN = ("https://w3id.org/safeguarding-kg/ontology#", "https://w3id.org/safeguarding-kg/validation#")
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
OWL = "http://www.w3.org/2002/07/owl#"
VS = "http://www.w3.org/2003/06/sw-vocab-status/ns#"
TERM_STATUS = ox.NamedNode(VS + "term_status")
XSD_STRING = ox.NamedNode("http://www.w3.org/2001/XMLSchema#string")
#: the values VS names ("known values include 'unstable', 'testing', 'stable' and 'archaic'")
STATUSES = {"stable", "testing", "unstable", "archaic"}


def _ontology() -> list[ox.Triple]:
    triples: list[ox.Triple] = []
    for path in sorted(ONTOLOGY_DIR.glob("*.ttl")):
        triples.extend(parse_turtle(path.read_bytes(), str(path)))
    return triples


def status_problems(triples: list[ox.Triple]) -> list[str]:
    """Each declared own term with no status, more than one, or one VS does not name;
    and each status on a term nothing declares (a typo in the status list)."""
    declared = {
        t.subject.value
        for t in triples
        if t.predicate == RDF_TYPE
        and isinstance(t.subject, ox.NamedNode)
        and t.subject.value.startswith(OWN)
    }
    statuses: dict[str, list[ox.Term]] = {}
    for t in triples:
        if t.predicate == TERM_STATUS and isinstance(t.subject, ox.NamedNode):
            statuses.setdefault(t.subject.value, []).append(t.object)
    problems = []
    for term in sorted(declared):
        values = statuses.get(term, [])
        if len(values) != 1:
            problems.append(f"{term}: {len(values)} statuses")
        for v in values:
            # VS gives the status as a short symbolic string: a plain literal
            if not isinstance(v, ox.Literal) or v.datatype != XSD_STRING or v.value not in STATUSES:
                problems.append(f"{term}: status {v} is not one of {sorted(STATUSES)}")
    problems += [f"{term}: a status, but not declared" for term in sorted(set(statuses) - declared)]
    return problems


def test_every_declared_term_has_exactly_one_status() -> None:
    triples = _ontology()
    assert status_problems(triples) == []
    used = {t.object.value for t in triples if t.predicate == TERM_STATUS}
    assert {"stable", "testing"} <= used


def test_the_status_check_can_fail() -> None:
    sg = "https://w3id.org/safeguarding-kg/ontology#"
    cls = ox.NamedNode(OWL + "Class")
    triples = [
        ox.Triple(ox.NamedNode(sg + "A"), RDF_TYPE, cls),
        ox.Triple(ox.NamedNode(sg + "B"), RDF_TYPE, cls),
        ox.Triple(ox.NamedNode(sg + "B"), TERM_STATUS, ox.Literal("stable")),
        ox.Triple(ox.NamedNode(sg + "B"), TERM_STATUS, ox.Literal("testing")),
        ox.Triple(ox.NamedNode(sg + "C"), RDF_TYPE, cls),
        ox.Triple(ox.NamedNode(sg + "C"), TERM_STATUS, ox.Literal("final")),
        ox.Triple(ox.NamedNode(sg + "Typo"), TERM_STATUS, ox.Literal("stable")),
    ]
    assert status_problems(triples) == [
        f"{sg}A: 0 statuses",
        f"{sg}B: 2 statuses",
        f"{sg}C: status \"final\" is not one of ['archaic', 'stable', 'testing', 'unstable']",
        f"{sg}Typo: a status, but not declared",
    ]


def test_the_core_is_stable_and_this_weeks_terms_are_testing() -> None:
    sg = "https://w3id.org/safeguarding-kg/ontology#"
    status = {
        t.subject.value[len(sg) :]: t.object.value
        for t in _ontology()
        if t.predicate == TERM_STATUS and t.subject.value.startswith(sg)
    }
    for core in ("Duty", "Power", "Body", "Board", "Provision", "bearer", "legalBasis"):
        assert status[core] == "stable", core
    # effects on provisions, concept schemes, the date model: added since 0.1.0
    for new in ("Effect", "effectType", "modalities", "conceptScheme", "earliestStart"):
        assert status[new] == "testing", new
    # a datatype property in 0.1.0, an annotation property since 0.2.0
    assert status["validFrom"] == "testing"


def test_vs_is_imported_and_term_status_is_an_annotation_property() -> None:
    """VS publishes term_status as an rdf:Property; the module declares it an annotation
    property, as it does DCTERMS's, which the OWL 2 DL profile requires of it."""
    union, closure, module = reasoning_input(_ontology())
    assert not closure.unresolved
    assert any(f.path.name == "vs.nq" for f in closure.files)
    declaration = ox.Triple(TERM_STATUS, RDF_TYPE, ox.NamedNode(OWL + "AnnotationProperty"))
    assert declaration in set(union)
