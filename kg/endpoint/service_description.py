"""SPARQL 1.1 Service Description of the endpoint (https://www.w3.org/TR/sparql11-service-description/).

Answered by ``GET /sparql`` without a query: Turtle (or another RDF format by
``Accept``), or an HTML page for a browser.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.endpoint.protocol import FORMATS, GRAPH, SOLUTIONS

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCTERMS = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
KGE = "https://w3id.org/safeguarding-kg/endpoint#"

#: W3C format IRIs (https://www.w3.org/ns/formats/).
FORMAT_IRIS = {
    "json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    "xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    "csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    "tsv": "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    "turtle": "http://www.w3.org/ns/formats/Turtle",
    "ntriples": "http://www.w3.org/ns/formats/N-Triples",
    "jsonld": "http://www.w3.org/ns/formats/JSON-LD",
    "rdfxml": "http://www.w3.org/ns/formats/RDF_XML",
}

SD_PREFIXES = {
    "sd": SD,
    "void": VOID,
    "rdfs": RDFS,
    "dcterms": DCTERMS,
    "xsd": XSD,
    "kge": KGE,
    "formats": "http://www.w3.org/ns/formats/",
}


@dataclass
class DatasetFacts:
    """What the descriptions say about the data (read from the store or manifest)."""

    graphs: dict[str, int] = field(default_factory=dict)  # named graph IRI -> triples
    # distinct triples of the default graph (a triple in several graphs counts once);
    # None when unknown, then the sum over the graphs stands in
    distinct: int | None = None
    built_at: str | None = None
    titles: dict[str, str] = field(default_factory=dict)  # graph IRI -> title
    vocabularies: list[str] = field(default_factory=list)
    license: str | None = None
    classes: int | None = None
    properties: int | None = None
    source: str = "embedded"  # or the external store's URL

    @property
    def total(self) -> int:
        """Triples in the default graph, the merge of the named graphs."""
        return self.distinct if self.distinct is not None else sum(self.graphs.values())


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))


def service_description(
    endpoint: str,
    void_url: str,
    facts: DatasetFacts,
    limits: Mapping[str, object],
) -> list[ox.Triple]:
    """The service description as triples.

    Args:
        endpoint: the absolute URL of ``/sparql``.
        void_url: the absolute URL of the VoID description.
        limits: name -> value of the endpoint limits (documented as kge: terms).
    """
    service = _iri(endpoint + "#service")
    dataset = _iri(void_url + "#dataset")
    triples: list[tuple[ox.NamedNode | ox.BlankNode, str, object]] = []

    def add(s: ox.NamedNode | ox.BlankNode, p: str, o: object) -> None:
        triples.append((s, p, o))

    add(service, RDF_TYPE, _iri(SD + "Service"))
    add(service, SD + "endpoint", _iri(endpoint))
    add(service, SD + "supportedLanguage", _iri(SD + "SPARQL11Query"))
    add(service, SD + "feature", _iri(SD + "UnionDefaultGraph"))
    for fmt in FORMATS:
        if fmt.kind in (SOLUTIONS, GRAPH):
            add(service, SD + "resultFormat", _iri(FORMAT_IRIS[fmt.name]))
    add(
        service,
        RDFS + "comment",
        ox.Literal(
            "Read-only SPARQL 1.1 endpoint. The default graph is the RDF merge of the named "
            "graphs (each distinct triple once) unless default-graph-uri / named-graph-uri "
            "(or FROM) say otherwise. "
            "SPARQL Update is refused (403) and federated queries (SERVICE) are refused (400).",
            language="en",
        ),
    )
    add(service, RDFS + "seeAlso", _iri(void_url))
    add(service, SD + "defaultDataset", dataset)
    add(dataset, RDF_TYPE, _iri(SD + "Dataset"))
    add(dataset, RDF_TYPE, _iri(VOID + "Dataset"))
    default_graph = ox.BlankNode("defaultGraph")
    add(dataset, SD + "defaultGraph", default_graph)
    add(default_graph, RDF_TYPE, _iri(SD + "Graph"))
    add(default_graph, VOID + "triples", _int(facts.total))
    add(
        default_graph,
        RDFS + "comment",
        ox.Literal("the RDF merge of the named graphs: each distinct triple once", language="en"),
    )
    for index, (graph, count) in enumerate(sorted(facts.graphs.items())):
        named = ox.BlankNode(f"namedGraph{index}")
        description = ox.BlankNode(f"graph{index}")
        add(dataset, SD + "namedGraph", named)
        add(named, RDF_TYPE, _iri(SD + "NamedGraph"))
        add(named, SD + "name", _iri(graph))
        add(named, SD + "graph", description)
        add(description, RDF_TYPE, _iri(SD + "Graph"))
        add(description, VOID + "triples", _int(count))
    for name, value in limits.items():
        if isinstance(value, bool):
            literal = ox.Literal(
                "true" if value else "false", datatype=ox.NamedNode(XSD + "boolean")
            )
        elif isinstance(value, int):
            literal = _int(value)
        elif isinstance(value, float):
            literal = ox.Literal(format(value, "f"), datatype=ox.NamedNode(XSD + "decimal"))
        else:
            literal = ox.Literal(str(value))
        add(service, KGE + name, literal)
    return [
        ox.Triple(s, _iri(p), o)  # type: ignore[arg-type]
        for s, p, o in triples
    ]
