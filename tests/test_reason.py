import owlready2
import pyoxigraph as ox
import pytest

from kg.config import SG, SGD, Settings
from kg.errors import InconsistentOntologyError, ReasonerUnavailableError
from kg.load import load_inputs
from kg.reason import explain_inconsistency, run_hermit
from tests.helpers import FIXTURES, require_java

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
pytestmark = pytest.mark.java


def triples_of(fixture):
    return list(load_inputs(Settings.for_home(FIXTURES / fixture)).triples())


def test_hermit_classifies_into_defined_class():
    require_java()
    result = run_hermit(triples_of("kg-basic"))
    expected = ox.Triple(
        ox.NamedNode(SGD + "duty-ca2004-s11-la"), RDF_TYPE, ox.NamedNode(SG + "LocalAuthorityDuty")
    )
    assert expected in result.inferred
    assert result.unsatisfiable == []
    assert 0 < result.hermit_seconds <= result.total_seconds


def test_inconsistent_ontology_is_reported_with_cause():
    require_java()
    with pytest.raises(InconsistentOntologyError) as info:
        run_hermit(triples_of("inconsistent"), infer_property_values=False)
    e = info.value
    assert e.exit_code == 2
    assert "inconsistent" in str(e)
    assert "sgd:both-a-duty-and-a-body" in str(e)
    assert "disjoint" in e.detail


def test_unsatisfiable_class_is_reported():
    require_java()
    extra = ox.parse(
        f"""@prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <{SG}Impossible> a owl:Class ; rdfs:subClassOf <{SG}Duty> , <{SG}Body> .""",
        format=ox.RdfFormat.TURTLE,
    )
    result = run_hermit(triples_of("kg-basic") + [q.triple for q in extra])
    assert result.unsatisfiable == [SG + "Impossible"]


def test_missing_java_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(owlready2, "JAVA_EXE", "/nonexistent/java")
    with pytest.raises(ReasonerUnavailableError, match="apt-get install default-jre-headless"):
        run_hermit(triples_of("kg-basic"))


def test_explanations_cover_datatype_ranges():
    data = ox.parse(
        f"""@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <{SG}inForceFrom> rdfs:range <http://www.w3.org/2001/XMLSchema#date> .
        <{SGD}d> <{SG}inForceFrom> "2005" .""",
        format=ox.RdfFormat.TURTLE,
    )
    causes = explain_inconsistency(q.triple for q in data)
    assert causes == [
        'sgd:d sg:inForceFrom "2005": the value is not of the property\'s range xsd:date'
    ]


def test_explanations_name_domain_and_range():
    extra = ox.Triple(
        ox.NamedNode(SGD + "duty-ca2004-s11-la"),
        ox.NamedNode(SG + "owedBy"),
        ox.NamedNode(SGD + "children-act-2004"),
    )
    causes = explain_inconsistency(triples_of("kg-basic") + [extra])
    assert causes == [
        "sgd:children-act-2004 is a member of both sg:Body (sg:Body is the range of sg:owedBy) "
        "and sg:Legislation (asserted type sg:Legislation), which are disjoint"
    ]
