"""The ontology's documentation at its namespace (issue 15, item 7): every ``sg:`` term's
IRI lands on its entry on /ontology, in a real Chromium; the page shows the concept
schemes with their concepts, disjointness, where each term is defined and the header."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from kg.browse.common import page_path
from tests.helpers import REPO

SG = "https://w3id.org/safeguarding-kg/ontology#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _declared_terms() -> list[str]:
    """Every sg: term that ontology/*.ttl gives a type."""
    terms = set()
    for path in sorted((REPO / "ontology").glob("*.ttl")):
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            s = t.subject
            if t.predicate == RDF_TYPE and isinstance(s, ox.NamedNode) and s.value.startswith(SG):
                terms.add(s.value)
    return sorted(terms)


def test_every_term_has_an_entry_defined_by_the_ontology(client: FlaskClient) -> None:
    doc = client.get("/ontology.json").get_json()
    sections = ("classes", "object_properties", "datatype_properties", "schemes", "individuals")
    entries = {e["iri"]: e for s in sections for e in doc[s]}
    missing = [t for t in _declared_terms() if t not in entries]
    assert missing == []
    assert {e["defined_by"] for e in entries.values()} == {
        "https://w3id.org/safeguarding-kg/ontology"
    }
    assert doc["ontology"]["version"] and doc["ontology"]["issued"] and doc["ontology"]["modified"]


def test_each_entry_shows_its_term_status(client: FlaskClient) -> None:
    """The status (vs:term_status) beside each term, in the JSON twin and on the page."""
    doc = client.get("/ontology.json").get_json()
    sections = ("classes", "object_properties", "datatype_properties", "schemes", "individuals")
    entries = {e["name"]: e for s in sections for e in doc[s]}
    assert {e["status"] for e in entries.values()} <= {"stable", "testing", "unstable", "archaic"}
    assert entries["Duty"]["status"] == "stable" and entries["Effect"]["status"] == "testing"
    html = client.get("/ontology").get_data(as_text=True)
    start = html.index('id="Effect-heading"')
    heading = html[start : html.index("</h3>", start)]
    assert "<code>sg:Effect</code>" in heading and ">testing</strong>" in heading


def test_the_page_shows_schemes_disjointness_and_kinds(client: FlaskClient) -> None:
    doc = client.get("/ontology.json").get_json()
    classes = {c["name"]: c for c in doc["classes"]}
    disjoint = {d["anchor"] for d in classes["Duty"]["disjoint"]}
    assert {"Power", "StatutoryObjective", "Commitment"} <= disjoint
    # owl:disjointWith is symmetric: stated once, shown on both
    assert "Party" in {d["anchor"] for d in classes["Area"]["disjoint"]}
    assert "Area" in {d["anchor"] for d in classes["Party"]["disjoint"]}
    assert classes["Modality"]["scheme"]["href"] == "#modalities"
    assert [k["href"] for k in classes["LocalSafeguardingChildrenBoard"]["kind"]] == [
        "/id/kind-lscb"
    ]
    schemes = {s["name"]: s for s in doc["schemes"]}
    assert [m["label"] for m in schemes["modalities"]["members"]] == [
        "may", "must", "objective", "should", "will (commitment)"
    ]  # fmt: skip
    youth = [m for m in schemes["kindsOfBody"]["members"] if m["label"] == "youth offending team"]
    assert youth and youth[0]["href"] == "/id/kind-youth-offending-team"
    must = next(i for i in doc["individuals"] if i["name"] == "must")
    assert [s["href"] for s in must["in_schemes"]] == ["#modalities"]
    assert [c["anchor"] for c in must["modality_of"]] == ["Duty"]


@pytest.mark.browser
@pytest.mark.slow
def test_every_term_iri_lands_on_its_entry(page: Any) -> None:
    terms = _declared_terms()
    paths = {t: page_path(t) for t in terms}
    assert all(p == "/ontology#" + t[len(SG) :] for t, p in paths.items())
    response = page.goto("/ontology")
    assert response is not None and response.status == 200
    # follow each IRI's fragment in the loaded page, as a browser does on arriving at it
    landed = page.evaluate(
        """(names) => names.map((name) => {
             location.hash = name;
             const target = document.querySelector(':target');
             const rect = target ? target.getBoundingClientRect() : null;
             return {
               name,
               target: target ? target.id : null,
               heading: target ? target.querySelector('h3').textContent : '',
               visible: rect !== null && rect.top >= -1 && rect.top < window.innerHeight,
             };
           })""",
        [t[len(SG) :] for t in terms],
    )
    wrong = [r for r in landed if r["target"] != r["name"] or not r["visible"]]
    assert wrong == []
    assert all(f"sg:{r['name']}" in r["heading"] for r in landed)
    # and arriving from outside: a fresh load of the IRI's path scrolls to the entry
    page.goto(paths[SG + "Duty"])
    top = page.evaluate("document.getElementById('Duty').getBoundingClientRect().top")
    assert 0 <= top < 50
    assert "sg:Duty" in page.locator(":target h3").inner_text()


# pyLODE 3.3.4 reads its stylesheet without closing it
@pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <_io.FileIO name='[^']*pylode.css:"
    "pytest.PytestUnraisableExceptionWarning"
)
def test_pylode_documents_the_ontology_in_both_profiles(real_store: Any, tmp_path: Path) -> None:
    try:
        import pylode  # noqa: F401
    except ImportError:
        import os

        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("pyLODE is required on CI (pip install .[docs])")
        pytest.skip("pyLODE is not installed")
    from kg.ontology_docs import write_docs

    written = write_docs(real_store, tmp_path)
    ontology = written["ontology"].read_text(encoding="utf-8")
    vocabularies = written["vocabularies"].read_text(encoding="utf-8")
    assert "Safeguarding and public protection duties ontology" in ontology
    assert "statutory objective" in ontology and "OntPub" in ontology
    assert "VocPub" in vocabularies


def test_the_core_diagram_is_drawn_from_the_ontology(client: FlaskClient) -> None:
    diagram = client.get("/ontology.json").get_json()["diagram"]
    boxes = {b["label"]: b for b in diagram["boxes"]}
    assert {"duty or power", "role assignment", "party", "modality", "role"} <= set(boxes)
    assert {"duty", "power", "commitment", "statutory objective"} <= set(
        boxes["duty or power"]["subclasses"]
    )
    arrows = {(a["from"], a["to"]): a["labels"] for a in diagram["arrows"]}
    assert {"bearer", "owed to", "beneficiary"} <= set(arrows["duty or power", "party"])
    assert arrows["role assignment", "role"] == ["role given"]
    html = client.get("/ontology").get_data(as_text=True)
    assert 'role="img"' in html and 'href="#Party">party</a>: bearer' in html
