"""IRIs used by the validator (plain strings and pyoxigraph terms)."""

from __future__ import annotations

import functools

import pyoxigraph as ox

SG = "https://w3id.org/safeguarding-kg/ontology#"
SGD = "https://w3id.org/safeguarding-kg/id/"
#: Terms added for validation (``ontology/validation.ttl``).
SGV = "https://w3id.org/safeguarding-kg/validation#"
#: The shapes themselves (``shapes/*.ttl``).
SGS = "https://w3id.org/safeguarding-kg/shapes#"
SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"

PREFIXES: dict[str, str] = {
    "sg": SG,
    "sgd": SGD,
    "sgv": SGV,
    "sgs": SGS,
    "sh": SH,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "org": ORG,
}

RDF_TYPE = ox.NamedNode(RDF + "type")
RDFS_LABEL = ox.NamedNode(RDFS + "label")
RDF_FIRST = ox.NamedNode(RDF + "first")
RDF_REST = ox.NamedNode(RDF + "rest")
RDF_NIL = ox.NamedNode(RDF + "nil")
OWL_IMPORTS = ox.NamedNode(OWL + "imports")
XSD_DATE = ox.NamedNode(XSD + "date")
XSD_INTEGER = ox.NamedNode(XSD + "integer")
XSD_STRING = ox.NamedNode(XSD + "string")
XSD_BOOLEAN = ox.NamedNode(XSD + "boolean")


def sg(local: str) -> ox.NamedNode:
    return ox.NamedNode(SG + local)


def sgd(local: str) -> ox.NamedNode:
    return ox.NamedNode(SGD + local)


def sgv(local: str) -> ox.NamedNode:
    return ox.NamedNode(SGV + local)


def sh(local: str) -> ox.NamedNode:
    return ox.NamedNode(SH + local)


@functools.lru_cache(maxsize=65536)  # reports name the same few IRIs thousands of times
def compact(iri: str) -> str:
    """``sg:Body`` for an IRI in a known namespace, else ``<iri>``."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            local = iri[len(ns) :]
            if local and all(c.isalnum() or c in "-_." for c in local):
                best = prefix
    if best:
        return f"{best}:{iri[len(PREFIXES[best]) :]}"
    return f"<{iri}>"
