from __future__ import annotations

from pathlib import Path

import owlready2
import pyoxigraph as ox
import pytest

from kg.config import SG, SGD, Settings
from kg.errors import InconsistentOntologyError, InputError, ReasonerUnavailableError
from kg.load import load_inputs
from kg.reason import (
    ImportClosure,
    explain_inconsistency,
    locality_module,
    read_catalog,
    resolve_imports,
    run_hermit,
)
from kg.store import build_store
from tests.helpers import FIXTURES, REPO, require_java

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
CATALOG = REPO / "ontology" / "catalog-v001.xml"
PROV = "http://www.w3.org/ns/prov#"
OWL = "http://www.w3.org/2002/07/owl#"
pytestmark = pytest.mark.java

PREFIXES = f"""
@prefix owl: <{OWL}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <{PROV}> .
@prefix sg: <{SG}> .
@prefix sgd: <{SGD}> .
"""

# A meeting, which the ontology makes a prov:Activity, said to be derived from a
# document: consistent on its own, inconsistent with the real PROV-O, whose
# prov:wasDerivedFrom has the domain prov:Entity, disjoint with prov:Activity.
PROV_CLASH_ONTOLOGY = (
    PREFIXES
    + """
<https://w3id.org/safeguarding-kg/ontology> a owl:Ontology ;
    dcterms:conformsTo <http://www.w3.org/ns/owl-profile/DL> ;
    owl:imports <http://www.w3.org/ns/prov#> .
sg:Meeting a owl:Class ; rdfs:subClassOf prov:Activity .
sg:Document a owl:Class ; rdfs:subClassOf prov:Entity .
"""
)
PROV_CLASH_DATA = (
    PREFIXES
    + """
sgd:board-meeting a sg:Meeting .
sgd:protocol a sg:Document .
sgd:board-meeting prov:wasDerivedFrom sgd:protocol .
"""
)


def triples_of(fixture: str) -> list[ox.Triple]:
    return list(load_inputs(Settings.for_home(FIXTURES / fixture)).triples())


def turtle(text: str) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(text, format=ox.RdfFormat.TURTLE)]


def test_hermit_classifies_into_defined_class():
    require_java()
    result = run_hermit(triples_of("kg-basic"))
    expected = ox.Triple(
        ox.NamedNode(SGD + "duty-ca2004-s11-la"), RDF_TYPE, ox.NamedNode(SG + "LocalAuthorityDuty")
    )
    assert expected in result.inferred
    assert result.unsatisfiable == []
    assert 0 < result.hermit_seconds <= result.total_seconds
    assert 0 < result.gate_seconds <= result.total_seconds
    # the fixture imports an IRI with no local copy: never fetched, only reported
    assert result.unresolved_imports == ["http://never-fetch.invalid/ontology"]
    assert not result.owl2_dl  # it does not claim OWL 2 DL (it uses xsd:date)


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
    extra = turtle(
        f"""@prefix owl: <{OWL}> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <{SG}Impossible> a owl:Class ; rdfs:subClassOf <{SG}Duty> , <{SG}Body> ."""
    )
    result = run_hermit(triples_of("kg-basic") + extra)
    assert result.unsatisfiable == [SG + "Impossible"]


def test_missing_java_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(owlready2, "JAVA_EXE", "/nonexistent/java")
    with pytest.raises(ReasonerUnavailableError, match="apt-get install default-jre-headless"):
        run_hermit(triples_of("kg-basic"))


# ----------------------------------------------------------- the imports, offline


def test_catalogue_resolves_every_import_of_the_ontology_to_a_local_copy():
    entries = read_catalog(CATALOG)
    ontology = [t for f in load_inputs(Settings.for_home(REPO)).files for t in f.triples]
    closure = resolve_imports(ontology, entries)
    assert closure.unresolved == []
    assert {f.path.name for f in closure.files} == {
        "prov.nq",
        "org.nq",
        "skos.nq",
        "dcterms.nq",
        "foaf.nq",
        "vann.nq",
        "eli-1.5-excerpt.ttl",
        "vs.nq",
    }
    # every file lives in ontology/imports/, and ELI's own import of SKOS resolves too
    assert all(f.path.parent == REPO / "ontology" / "imports" for f in closure.files)
    assert closure.owner(PROV + "Entity").name == "prov.nq"
    assert closure.owner("http://www.w3.org/2004/02/skos/core#broader").name == "skos.nq"


def test_catalogue_naming_a_missing_file_is_an_input_error(tmp_path: Path):
    catalog = tmp_path / "catalog-v001.xml"
    catalog.write_text(
        '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">'
        '<uri name="http://example.org/o" uri="imports/none.ttl"/></catalog>',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="none.ttl, which is missing"):
        read_catalog(catalog)


def _module_for(text: str):
    triples = turtle(text)
    closure = resolve_imports(triples, read_catalog(CATALOG))
    signature = {
        x.value for t in triples for x in (t.subject, t.predicate, t.object) if hasattr(x, "value")
    }
    return closure, locality_module(closure, signature)


def test_module_holds_what_the_signature_needs_and_not_the_rest():
    _, module = _module_for(PROV_CLASH_ONTOLOGY + PROV_CLASH_DATA)
    shown = {(t.subject.value, t.predicate.value, t.object.value) for t in module.triples}
    assert (PROV + "Activity", OWL + "disjointWith", PROV + "Entity") in shown
    assert (PROV + "wasDerivedFrom", "http://www.w3.org/2000/01/rdf-schema#domain",
            PROV + "Entity") in shown  # fmt: skip
    # nothing about PROV terms the input does not reach
    assert not any(s == PROV + "Plan" for s, _, _ in shown)
    assert len(module.triples) < 200  # of the 1664 of the PROV file
    assert module.kinds[PROV + "wasDerivedFrom"] == "object"


def test_module_reads_an_rdfs_vocabulary_as_annotation_properties():
    # DCMI publishes DCTERMS in RDFS only; its properties become annotation properties
    _, module = _module_for(
        PREFIXES + "<https://w3id.org/safeguarding-kg/ontology> a owl:Ontology ; "
        "owl:imports <http://purl.org/dc/terms/> .\n"
        'sgd:x dcterms:date "2004"^^xsd:gYear ; dcterms:title "X"@en .'
    )
    assert module.kinds["http://purl.org/dc/terms/date"] == "annotation"
    assert module.kinds["http://purl.org/dc/terms/title"] == "annotation"


def test_module_leaves_out_a_definition_nothing_uses():
    # ORG defines org:OrganizationalCollaboration (org:Organization whose members are all
    # organisations); bottom-locality would keep it for any ontology using org:Organization
    _, module = _module_for(
        PREFIXES + "@prefix org: <http://www.w3.org/ns/org#> .\n"
        "<https://w3id.org/safeguarding-kg/ontology> a owl:Ontology ; "
        "owl:imports <http://www.w3.org/ns/org#> .\n"
        "sg:Body a owl:Class ; rdfs:subClassOf org:Organization .\n"
        "sgd:police a sg:Body ; org:hasMember sgd:someone ."
    )
    subjects = {t.subject.value for t in module.triples if isinstance(t.subject, ox.NamedNode)}
    assert "http://www.w3.org/ns/org#Organization" in subjects
    assert "http://www.w3.org/ns/org#OrganizationalCollaboration" not in subjects


def test_no_catalogue_no_imports():
    closure = resolve_imports(turtle(PROV_CLASH_ONTOLOGY), {})
    assert closure.unresolved == [PROV]
    assert locality_module(ImportClosure(), {PROV + "Entity"}).triples == []


# --------------------------------------------------------- the consistency gate


def test_clash_with_the_real_prov_o_fails_with_the_triples_named():
    require_java()
    triples = turtle(PROV_CLASH_ONTOLOGY) + turtle(PROV_CLASH_DATA)
    with pytest.raises(InconsistentOntologyError) as info:
        run_hermit(triples, catalog=CATALOG, infer_property_values=False)
    e = info.value
    assert "the vocabularies it imports" in str(e)
    assert "sgd:board-meeting prov:wasDerivedFrom sgd:protocol ." in e.detail
    assert "sgd:board-meeting rdf:type sg:Meeting ." in e.detail
    assert "prov:Activity owl:disjointWith prov:Entity in prov.nq" in e.detail


def test_the_same_data_without_the_import_is_consistent():
    """The clash above comes from PROV-O itself: the project's own axioms allow it."""
    require_java()
    ontology = PROV_CLASH_ONTOLOGY.replace("owl:imports <http://www.w3.org/ns/prov#>", "")
    result = run_hermit(turtle(ontology) + turtle(PROV_CLASH_DATA), catalog=CATALOG)
    assert result.imported_files == []


def test_the_build_stops_on_the_clash(tmp_path: Path):
    require_java()
    home = tmp_path / "home"
    (home / "ontology").mkdir(parents=True)
    (home / "data").mkdir()
    (home / "ontology" / "core.ttl").write_text(PROV_CLASH_ONTOLOGY, encoding="utf-8")
    (home / "data" / "meetings.ttl").write_text(PROV_CLASH_DATA, encoding="utf-8")
    empty = tmp_path / "none"
    empty.mkdir()
    settings = Settings.for_home(
        home,
        store_dir=tmp_path / "store",
        rules_dir=empty,
        checks_dir=empty,
        integrity_dir=empty,
    )
    with pytest.raises(InconsistentOntologyError) as info:
        build_store(settings)
    assert "sgd:board-meeting prov:wasDerivedFrom sgd:protocol" in info.value.detail
    assert not (tmp_path / "store").exists()  # nothing published


def test_a_datatype_outside_the_owl2_map_is_refused_when_the_ontology_claims_dl():
    require_java()
    triples = turtle(
        PROV_CLASH_ONTOLOGY.replace("owl:imports <http://www.w3.org/ns/prov#>", "")
        + "sg:inForceFrom a owl:DatatypeProperty .\n"
        + 'sgd:duty sg:inForceFrom "2004-10-06"^^xsd:date .'
    )
    with pytest.raises(InputError) as info:
        run_hermit(triples, catalog=CATALOG)
    assert "not OWL 2 DL" in str(info.value)
    assert 'sgd:duty sg:inForceFrom "2004-10-06"^^' in str(info.value)
    assert "xsd:date is not in the OWL 2 datatype map" in str(info.value)


# ------------------------------------------------------------------ explanations


def test_explanations_cover_datatype_ranges():
    data = turtle(
        f"""@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <{SG}inForceFrom> a <{OWL}DatatypeProperty> ;
            rdfs:range <http://www.w3.org/2001/XMLSchema#date> .
        <{SGD}d> <{SG}inForceFrom> "2005" ."""
    )
    causes = explain_inconsistency(data)
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
        "and sg:Legislation (asserted type sg:Legislation), which are disjoint; from the "
        "triples: sgd:duty-ca2004-s11-la sg:owedBy sgd:children-act-2004 . and "
        "sgd:children-act-2004 rdf:type sg:Legislation ."
    ]
