"""No ontology hijacking: ontology/*.ttl says nothing about terms the project does not own.

Every axiom about an external term (PROV, ORG, SKOS, DCTERMS, FOAF, VANN, ELI, VS) comes from
the vocabulary itself, imported through ontology/catalog-v001.xml (ontology/imports/ is
not checked here). The project's files may only annotate external terms, in the ways
listed and justified in ALLOWED_ANNOTATIONS. Pure Python, no reasoner.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.load import parse_turtle
from tests.helpers import REPO

ONTOLOGY_DIR = REPO / "ontology"
OWN = "https://w3id.org/safeguarding-kg/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"

#: What the project may say about an external term, and why. Both are annotation
#: properties: they carry no logical meaning, so they cannot change what the term is.
ALLOWED_ANNOTATIONS = {
    # The web pages read labels from the ontology graph, which holds ontology/*.ttl but
    # not the imports; without these, superclasses such as prov:Entity and properties
    # such as dcterms:description would show as bare IRIs. British English, with the
    # vocabulary named where the bare word is ambiguous ("organisation (W3C ORG)").
    RDFS + "label": "display label for the web pages",
    # How the project uses a term it shares (dcterms:isVersionOf for the editions of the
    # MAPPA Guidance; org:holds and org:postIn between sg:Person, sg:Post and sg:Body),
    # for the pages. The axioms of these terms stay DCMI's and ORG's.
    SKOS + "definition": "how the project uses a shared term",
}


def _external(term: object) -> bool:
    return isinstance(term, ox.NamedNode) and not term.value.startswith(OWN)


def _mentioned(triples: list[ox.Triple], node: ox.BlankNode) -> set[str]:
    """IRIs in the blank-node structure below ``node`` (an axiom, a list), built-ins aside."""
    out: dict[ox.BlankNode, list[ox.Triple]] = {}
    for t in triples:
        if isinstance(t.subject, ox.BlankNode):
            out.setdefault(t.subject, []).append(t)
    seen: set[ox.BlankNode] = set()
    stack, iris = [node], set()
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        for t in out.get(n, []):
            if isinstance(t.object, ox.BlankNode):
                stack.append(t.object)
            elif isinstance(t.object, ox.NamedNode):
                iris.add(t.object.value)
    return {i for i in iris if not i.startswith((RDF, RDFS, OWL, XSD))}


def hijacking(files: list[Path]) -> list[str]:
    """Triples about external terms beyond the allowed annotations, as ``file: s p o``."""
    found = []
    for path in files:
        triples = parse_turtle(path.read_bytes(), path.name)
        objects = {t.object for t in triples}
        for t in triples:
            about_external = _external(t.subject) and t.predicate.value not in ALLOWED_ANNOTATIONS
            external_axiom = (
                isinstance(t.subject, ox.BlankNode)
                and t.subject not in objects  # an axiom of its own (owl:AllDisjointClasses)
                and t.predicate.value == RDF + "type"
                and (terms := _mentioned(triples, t.subject))
                and not any(term.startswith(OWN) for term in terms)
            )
            if about_external or external_axiom:
                found.append(f"{path.name}: {t.subject} {t.predicate} {t.object}")
    return found


def test_no_axiom_about_a_term_the_project_does_not_own() -> None:
    files = sorted(ONTOLOGY_DIR.glob("*.ttl"))
    assert len(files) >= 5
    assert hijacking(files) == []


def test_the_check_finds_each_kind_of_hijacking(tmp_path: Path) -> None:
    """The kinds the issue found: domains and ranges on org:holds, disjointness between
    PROV classes (stated directly or as a blank-node axiom), a re-declaration."""
    sample = tmp_path / "sample.ttl"
    sample.write_text(
        """
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix prov: <http://www.w3.org/ns/prov#> .
        @prefix org: <http://www.w3.org/ns/org#> .
        @prefix sg: <https://w3id.org/safeguarding-kg/ontology#> .
        org:holds rdfs:domain sg:Person ; rdfs:range sg:Post ; rdfs:label "holds"@en .
        prov:Entity owl:disjointWith prov:Agent ; skos:definition "A thing."@en .
        skos:notation a owl:AnnotationProperty .
        [] a owl:AllDisjointClasses ; owl:members ( prov:Entity prov:Activity ) .
        [] a owl:AllDisjointClasses ; owl:members ( sg:Duty prov:Agent ) .
        sg:Body rdfs:subClassOf org:Organization .
        """,
        encoding="utf-8",
    )
    found = "\n".join(hijacking([sample]))
    assert "org#holds> <http://www.w3.org/2000/01/rdf-schema#domain>" in found
    assert "org#holds> <http://www.w3.org/2000/01/rdf-schema#range>" in found
    assert "prov#Entity> <http://www.w3.org/2002/07/owl#disjointWith>" in found
    assert "core#notation> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>" in found
    assert found.count("AllDisjointClasses") == 1  # PROV's classes only, not sg:Duty's
    assert "label" not in found and "definition" not in found and "Body" not in found
