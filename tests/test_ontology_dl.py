"""The ontology, with the vocabularies it imports and all the data, is OWL 2 DL and consistent.

Three independent checks: the OWL API's OWL 2 DL profile checker (run through the Pellet
command line that owlready2 ships), a check that no logical axiom or data property value
uses a datatype outside the OWL 2 datatype map (the OWL API's checker lets xsd:date pass),
and HermiT itself, which the build runs without its unsupported-datatype escape hatch.
The dates, kept as xsd:date in the data, are annotation properties; the last tests check
in the data what their range (and, for some, functionality) used to make OWL check.
"""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

import owlready2
import owlready2.reasoning
import pyoxigraph as ox
import pytest

from kg.config import SG, Settings
from kg.load import load_inputs, without_imports
from kg.reason import (
    OWL2_DATATYPES,
    check_datatypes,
    claims_owl2_dl,
    reasoning_input,
    run_hermit,
)
from tests.helpers import REPO, require_java

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RANGE = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#range")
OWL = "http://www.w3.org/2002/07/owl#"
XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
SGV = "https://w3id.org/safeguarding-kg/validation#"
CATALOG = REPO / "ontology" / "catalog-v001.xml"
#: the date properties that were functional data properties: one value at most
SINGLE_VALUED = {SG + "validFrom", SG + "validTo", SGV + "asAt", SGV + "periodStart",
                 SGV + "periodEnd"}  # fmt: skip


@pytest.fixture(scope="module")
def inputs() -> tuple[list[ox.Triple], list[ox.Triple]]:
    """(ontology triples, data triples) of the repository."""
    files = load_inputs(Settings.for_home(REPO)).files
    ontology = [t for f in files if f.source.kind == "ontology" for t in f.triples]
    data = [t for f in files if f.source.kind == "data" for t in f.triples]
    return ontology, data


def owl_profile(triples: list[ox.Triple], tmp_path: Path) -> str:
    """The OWL 2 profile the OWL API finds the triples in ("OWL 2 DL", "OWL 2" ...)."""
    path = tmp_path / "input.nt"
    path.write_bytes(ox.serialize(list(without_imports(triples)), format=ox.RdfFormat.N_TRIPLES))
    command = [
        owlready2.JAVA_EXE,
        "-Xmx1000M",
        "-cp",
        owlready2.reasoning._PELLET_CLASSPATH,
        "pellet.Pellet",
        "info",
        path.as_uri(),
    ]
    output = subprocess.run(command, capture_output=True, text=True, timeout=300).stdout
    line = next((x for x in output.splitlines() if x.startswith("OWL Profile = ")), output)
    return line.removeprefix("OWL Profile = ").strip()


@pytest.mark.java
def test_ontology_imports_and_data_are_in_the_owl2_dl_profile(inputs, tmp_path):
    require_java()
    ontology, data = inputs
    union, _, _ = reasoning_input(ontology + data, CATALOG)
    assert owl_profile(union, tmp_path) == "OWL 2 DL"


@pytest.mark.java
def test_the_profile_check_can_fail(inputs, tmp_path):
    """What the ontology used to say, skos:notation as an annotation property, against
    SKOS's datatype property, is outside OWL 2 DL."""
    require_java()
    ontology, _ = inputs
    notation = ox.NamedNode("http://www.w3.org/2004/02/skos/core#notation")
    extra = ox.Triple(notation, RDF_TYPE, ox.NamedNode(OWL + "AnnotationProperty"))
    union, _, _ = reasoning_input([*ontology, extra], CATALOG)
    assert owl_profile(union, tmp_path) == "OWL 2"


def test_ontology_claims_owl2_dl_so_the_build_holds_it_to_it(inputs):
    ontology, _ = inputs
    assert claims_owl2_dl(ontology)


def test_no_datatype_outside_the_owl2_datatype_map(inputs):
    ontology, data = inputs
    union, _, _ = reasoning_input(ontology + data, CATALOG)
    assert check_datatypes(union) == []
    # and the check can fail: a date as a data property value
    prop = ox.NamedNode(SG + "someDate")
    clash = [
        ox.Triple(prop, RDF_TYPE, ox.NamedNode(OWL + "DatatypeProperty")),
        ox.Triple(ox.NamedNode(SG + "x"), prop, ox.Literal("2004-10-06", datatype=XSD_DATE)),
    ]
    assert len(check_datatypes(clash)) == 1


def test_xsd_date_ranges_are_on_annotation_properties_only(inputs):
    ontology, _ = inputs
    typed = {(t.subject, t.object.value) for t in ontology if t.predicate == RDF_TYPE}
    dated = {t.subject for t in ontology if t.predicate == RANGE and t.object == XSD_DATE}
    assert len(dated) >= 16
    for prop in dated:
        assert (prop, OWL + "AnnotationProperty") in typed, prop
        assert (prop, OWL + "DatatypeProperty") not in typed, prop
        assert (prop, OWL + "FunctionalProperty") not in typed, prop
    assert all(iri in {p.value for p in dated} for iri in SINGLE_VALUED)


def test_date_values_in_the_data_are_dates_and_single_where_they_must_be(inputs):
    """What the range and the functionality said before the dates became annotations."""
    ontology, data = inputs
    dated = {t.subject for t in ontology if t.predicate == RANGE and t.object == XSD_DATE}
    values = [t for t in data if t.predicate in dated]
    assert len(values) > 1000
    wrong = [
        t
        for t in values
        if not (isinstance(t.object, ox.Literal) and t.object.datatype == XSD_DATE)
    ]
    assert wrong == []
    counts = Counter((t.subject, t.predicate) for t in values if t.predicate.value in SINGLE_VALUED)
    assert [k for k, n in counts.items() if n > 1] == []


def test_owl2_datatype_map_is_the_specified_one():
    assert len(OWL2_DATATYPES) == 35  # 34 of OWL 2 Syntax 4 and rdf:langString
    assert XSD_DATE.value not in OWL2_DATATYPES


@pytest.mark.java
def test_hermit_finds_ontology_imports_and_data_consistent_without_escape_hatch(inputs):
    """The build gate, on the repository: strict HermiT over ontology + imports + data."""
    require_java()
    ontology, data = inputs
    result = run_hermit(ontology + data, catalog=CATALOG, infer_property_values=False)
    assert result.owl2_dl  # so neither HermiT run was given --ignoreUnsupportedDatatypes
    assert result.unresolved_imports == []
    assert len(result.imported_files) == 8  # PROV, ORG, SKOS, DCTERMS, FOAF, VANN, ELI, VS
    assert result.unsatisfiable == []
    assert 0 < result.module_triples < 1000
