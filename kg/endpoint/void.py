"""A VoID description of the dataset (https://www.w3.org/TR/void/).

Served at ``/void`` and at the well-known location ``/.well-known/void``, and
linked from the service description (``sd:defaultDataset``, ``rdfs:seeAlso``).
It gives the named graphs with their triple counts and titles, the vocabularies
used, the licence, the SPARQL endpoint and the URI space of the data.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from kg.config import GRAPH_BASE, SGD
from kg.endpoint.service_description import DCTERMS, RDF_TYPE, SD, VOID, XSD, DatasetFacts

FOAF = "http://xmlns.com/foaf/0.1/"
DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
TITLE = "Safeguarding duties knowledge graph"
DESCRIPTION = (
    "The statutory duties that bind the agencies of public protection (MAPPA) and child "
    "safeguarding in England and Wales: provisions, duties and powers, role assignments, "
    "local protocols and reports, as named graphs, one per source document."
)

#: Queries the descriptions need (run once per store version and cached).
PROPERTIES_QUERY = "SELECT DISTINCT ?term WHERE { ?s ?term ?o }"
CLASSES_QUERY = "SELECT DISTINCT ?term WHERE { ?s a ?term }"
TITLES_QUERY = "SELECT ?g ?title WHERE { GRAPH ?g { ?g <http://purl.org/dc/terms/title> ?title } }"
LICENSE_QUERY = (
    "SELECT ?license WHERE { ?o a <http://www.w3.org/2002/07/owl#Ontology> ; "
    "<http://purl.org/dc/terms/license> ?license } LIMIT 1"
)
#: Distinct triples of the default graph, for an external server (whose default
#: graph is the merge of ours only if it has set semantics).
DISTINCT_TRIPLES_QUERY = (
    "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
)
COUNTS_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"

_NAMESPACE_RE = re.compile(r"^(.*[#/])[^#/]*$")


def namespaces(terms: list[str]) -> list[str]:
    """The namespaces (up to the last ``#`` or ``/``) of ``terms``, sorted."""
    found = set()
    for term in terms:
        match = _NAMESPACE_RE.match(term)
        if match and match[1].startswith(("http://", "https://")):
            found.add(match[1])
    return sorted(found)


def graph_slug(graph: str) -> str:
    stem = graph[len(GRAPH_BASE) :] if graph.startswith(GRAPH_BASE) else graph
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-") or "graph"


def void_description(void_url: str, endpoint: str, facts: DatasetFacts) -> list[ox.Triple]:
    """The VoID description as triples; the dataset is ``<void_url#dataset>``."""
    dataset = ox.NamedNode(void_url + "#dataset")
    out: list[ox.Triple] = []

    def add(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        out.append(ox.Triple(s, ox.NamedNode(p), o))

    def integer(n: int) -> ox.Literal:
        return ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))

    doc = ox.NamedNode(void_url)
    add(doc, RDF_TYPE, ox.NamedNode(VOID + "DatasetDescription"))
    add(doc, FOAF + "primaryTopic", dataset)
    add(dataset, RDF_TYPE, ox.NamedNode(VOID + "Dataset"))
    add(dataset, DCTERMS + "title", ox.Literal(TITLE, language="en"))
    add(dataset, DCTERMS + "description", ox.Literal(DESCRIPTION, language="en"))
    add(dataset, DCTERMS + "license", ox.NamedNode(facts.license or DEFAULT_LICENSE))
    if facts.built_at:
        add(
            dataset,
            DCTERMS + "modified",
            ox.Literal(facts.built_at, datatype=ox.NamedNode(XSD + "dateTime")),
        )
    add(dataset, VOID + "sparqlEndpoint", ox.NamedNode(endpoint))
    add(dataset, VOID + "uriSpace", ox.Literal(SGD))
    add(dataset, VOID + "triples", integer(facts.total))
    if facts.classes is not None:
        add(dataset, VOID + "classes", integer(facts.classes))
    if facts.properties is not None:
        add(dataset, VOID + "properties", integer(facts.properties))
    for vocabulary in facts.vocabularies:
        add(dataset, VOID + "vocabulary", ox.NamedNode(vocabulary))
    for graph, count in sorted(facts.graphs.items()):
        subset = ox.NamedNode(f"{void_url}#graph-{graph_slug(graph)}")
        add(dataset, VOID + "subset", subset)
        add(subset, RDF_TYPE, ox.NamedNode(VOID + "Dataset"))
        add(subset, SD + "name", ox.NamedNode(graph))
        add(subset, VOID + "triples", integer(count))
        add(subset, VOID + "sparqlEndpoint", ox.NamedNode(endpoint))
        title = facts.titles.get(graph)
        if title:
            add(subset, DCTERMS + "title", ox.Literal(title, language="en"))
    return out
