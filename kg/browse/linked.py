"""Linked data: one resource as Turtle or JSON-LD, and whole downloads."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.browse.catalog import pages_query_path
from kg.browse.common import NotFoundError
from kg.config import INFERRED_GRAPH, ONTOLOGY_GRAPH, PREFIXES, Settings
from kg.dataset import named_quads
from kg.query import load_query, run_query

Json = dict[str, Any]

OWL = "http://www.w3.org/2002/07/owl#"


@dataclass(frozen=True)
class Format:
    name: str
    suffix: str
    media_type: str
    rdf: ox.RdfFormat


FORMATS: dict[str, Format] = {
    "ttl": Format("Turtle", "ttl", "text/turtle", ox.RdfFormat.TURTLE),
    "trig": Format("TriG", "trig", "application/trig", ox.RdfFormat.TRIG),
    "nq": Format("N-Quads", "nq", "application/n-quads", ox.RdfFormat.N_QUADS),
    "jsonld": Format("JSON-LD", "jsonld", "application/ld+json", ox.RdfFormat.JSON_LD),
}
#: Formats a single resource is offered in.
RESOURCE_FORMATS = ("ttl", "jsonld")

DOWNLOADS: dict[str, str] = {
    "ontology": "The ontology (classes, properties, roles and modalities)",
    "shapes": "The SHACL shapes used by validation",
    "data": "The data: one named graph per source document",
    "all": "Everything in the store, with what the build inferred",
}


def describe(store: ox.Store, settings: Settings, iri: ox.NamedNode, fmt: str) -> bytes:
    """What the sources say about ``iri``, serialised as ``fmt`` (ttl or jsonld).

    ``iri`` is a parsed term (:func:`kg.browse.common.page_node`), written back in
    N-Triples form: it cannot end early or carry more syntax."""
    query = load_query(pages_query_path(settings, "describe.rq"), settings)
    result = run_query(store, query, {"iri": str(iri)})
    if not result.triples:
        raise NotFoundError(f"nothing is known about {iri.value}")
    return ox.serialize(result.triples, format=FORMATS[fmt].rdf, prefixes=dict(PREFIXES))


def _quads(store: ox.Store, settings: Settings, what: str) -> list[ox.Quad]:
    if what == "shapes":
        quads: list[ox.Quad] = []
        for path in sorted(Path(settings.shapes_dir).glob("*.ttl")):
            graph = ox.NamedNode(f"https://w3id.org/safeguarding-kg/shapes/{path.stem}")
            for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
                quads.append(ox.Quad(q.subject, q.predicate, q.object, graph))
        return quads
    out = []
    for q in named_quads(store.quads_for_pattern(None, None, None, None)):
        g = q.graph_name
        name = g.value if isinstance(g, ox.NamedNode) else ""
        if what == "ontology" and name != ONTOLOGY_GRAPH:
            continue
        if what == "data" and name in (ONTOLOGY_GRAPH, INFERRED_GRAPH):
            continue
        out.append(q)
    return out


def download(store: ox.Store, settings: Settings, what: str, fmt: str) -> bytes:
    """A download: ``what`` in :data:`DOWNLOADS`, ``fmt`` in :data:`FORMATS`.

    Turtle has no named graphs: it gets the union of the graphs.
    """
    if what not in DOWNLOADS or fmt not in FORMATS:
        raise NotFoundError(f"no download {what}.{fmt}")
    quads = _quads(store, settings, what)
    rdf = FORMATS[fmt].rdf
    if not rdf.supports_datasets:
        triples = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))
        return ox.serialize(triples, format=rdf, prefixes=dict(PREFIXES))
    if rdf == ox.RdfFormat.N_QUADS:
        return ox.serialize(quads, format=rdf)
    return ox.serialize(quads, format=rdf, prefixes=dict(PREFIXES))
