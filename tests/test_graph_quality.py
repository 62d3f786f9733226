"""The ontology is documented and the data carries the fact sheet's verification status.

Looked up with pyoxigraph's pattern API on the real built store (no SPARQL in Python).
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.config import ONTOLOGY_GRAPH, SG, SGD, Settings
from kg.store import open_store

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
DEFINITION = ox.NamedNode("http://www.w3.org/2004/02/skos/core#definition")
OWL = "http://www.w3.org/2002/07/owl#"
DCT = "http://purl.org/dc/terms/"
VANN = "http://purl.org/vocab/vann/"
ONTOLOGY = ox.NamedNode("https://w3id.org/safeguarding-kg/ontology")


@pytest.fixture(scope="module")
def store(real_store: Settings) -> ox.Store:
    return open_store(real_store)


def _objects(store: ox.Store, s: str | ox.NamedNode, p: str, graph=None) -> list:
    subject = s if isinstance(s, ox.NamedNode) else ox.NamedNode(s)
    # no graph: the default graph, each distinct triple once
    where = ox.DefaultGraph() if graph is None else graph
    return [q.object for q in store.quads_for_pattern(subject, ox.NamedNode(p), None, where)]


def test_ontology_header_for_documentation_tools(store: ox.Store) -> None:
    for prop in (
        DCT + "title",
        DCT + "description",
        DCT + "license",
        DCT + "creator",
        OWL + "versionIRI",
        OWL + "versionInfo",
        VANN + "preferredNamespacePrefix",
        VANN + "preferredNamespaceUri",
    ):
        assert _objects(store, ONTOLOGY, prop), f"ontology header lacks {prop}"
    assert _objects(store, ONTOLOGY, VANN + "preferredNamespaceUri")[0].value == SG


def test_every_class_and_property_has_label_and_definition(store: ox.Store) -> None:
    graph = ox.NamedNode(ONTOLOGY_GRAPH)
    kinds = ("Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty")
    terms = {
        q.subject
        for kind in kinds
        for q in store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(OWL + kind), graph)
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(SG)
    }
    assert len(terms) > 80
    undocumented = sorted(
        t.value
        for t in terms
        if not _objects(store, t, LABEL.value) or not _objects(store, t, DEFINITION.value)
    )
    assert undocumented == []


# Facts the legal fact sheet tags UNVERIFIED (or only partly verified); the data must not
# present them as verified.
NOT_VERIFIED = [
    ("power-ca2004-s14b-request-information", "F5.6: s.14B text not read"),
    ("power-ca2004-s16h-require-information", "F8.7: ss.16H-16K not read"),
    ("cppa-ukba-order-2011", "F1.7(d): S.I. number and date unverified"),
    ("ra-cja2003-s325-6-ukba", "F1.7(d): in-force date unverified"),
    ("ra-cja2003-s325-6-g-icb", "F1.7(e): ICB substitution in s.325 unverified"),
    ("ra-cja2003-s325-6-e-rsl", "F1.7(b): paragraphs (d) onwards unverified"),
    ("ra-cja2003-s325-1-probation-provider", "F1.2: amending instrument and date"),
    ("duty-cja2003-s327a-1-consider-disclosure", "F1.12: in-force date unverified"),
    ("mappa-area-west-midlands", "F4.2: inferred area name"),
    ("mappa-area-west-yorkshire", "F4.2: inferred area name"),
    ("mappa-area-wiltshire", "F4.2: inferred area name"),
]


@pytest.mark.parametrize(("local", "why"), NOT_VERIFIED, ids=[n for n, _ in NOT_VERIFIED])
def test_unverified_facts_carry_their_status(store: ox.Store, local: str, why: str) -> None:
    statuses = {o.value for o in _objects(store, SGD + local, SG + "verificationStatus")}
    assert statuses, f"{local} has no verification status ({why})"
    assert statuses <= {SG + "unverified", SG + "partlyVerified"}, why


def test_every_discrepancy_of_the_fact_sheet_is_recorded_with_both_sides(store: ox.Store) -> None:
    discrepancies = [
        q.subject
        for q in store.quads_for_pattern(
            None, RDF_TYPE, ox.NamedNode(SG + "Discrepancy"), ox.DefaultGraph()
        )
    ]
    codes = {_objects(store, d, SG + "discrepancyCode")[0].value for d in discrepancies}
    assert codes == {f"D{n}" for n in range(1, 15)}
    for d in discrepancies:
        for prop in ("statuteSays", "assessment", "discrepancyType", "verificationStatus"):
            assert _objects(store, d, SG + prop), f"{d.value} lacks sg:{prop}"
