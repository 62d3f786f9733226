"""The ontology's own page: every ``sg:`` term with an entry whose id is its local name,
so that ``…/ontology#Duty`` (and this server's ``/ontology#Duty``) lands on it."""

from __future__ import annotations

from typing import Any

from kg.browse.catalog import RDF_TYPE, RDFS, Catalog, Lit
from kg.browse.common import page_path
from kg.config import SG

Json = dict[str, Any]

OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
ONTOLOGY = "https://w3id.org/safeguarding-kg/ontology"
#: the W3C SemWeb Vocab Status property: stable, testing, unstable or archaic
TERM_STATUS = "http://www.w3.org/2003/06/sw-vocab-status/ns#term_status"

_KINDS = (
    (OWL + "Class", "classes"),
    (OWL + "ObjectProperty", "object_properties"),
    (OWL + "DatatypeProperty", "datatype_properties"),
    (OWL + "AnnotationProperty", "datatype_properties"),
)


def _text(cat: Catalog, iri: str, p: str) -> str | None:
    return next((o.value for o in cat.objects(iri, p) if isinstance(o, Lit)), None)


def _ref(cat: Catalog, iri: str) -> Json:
    """A link to a term: its entry on this page, its own page, or none (external)."""
    anchor = iri[len(SG) :] if iri.startswith(SG) else None
    href = "#" + anchor if anchor else page_path(iri)
    return {"iri": iri, "label": cat.label(iri), "anchor": anchor, "href": href}


def _refs(cat: Catalog, iris: list[str]) -> list[Json]:
    return [_ref(cat, i) for i in sorted(set(iris), key=lambda i: cat.label(i).lower())]


def _disjoint(cat: Catalog, terms: list[str]) -> dict[str, set[str]]:
    """owl:disjointWith is symmetric: list each pair on both classes."""
    out: dict[str, set[str]] = {t: set() for t in terms}
    for t in terms:
        for other in cat.iris(t, OWL + "disjointWith"):
            out[t].add(other)
            out.setdefault(other, set()).add(t)
    return out


def header(cat: Catalog) -> Json:
    """The ontology's title, version, dates, licence and creator, from its header."""
    return {
        "iri": ONTOLOGY,
        "title": _text(cat, ONTOLOGY, DCTERMS + "title"),
        "version": _text(cat, ONTOLOGY, OWL + "versionInfo"),
        "version_iri": cat.iri(ONTOLOGY, OWL + "versionIRI"),
        "prior_version": cat.iri(ONTOLOGY, OWL + "priorVersion"),
        "created": _text(cat, ONTOLOGY, DCTERMS + "created"),
        "issued": _text(cat, ONTOLOGY, DCTERMS + "issued"),
        "modified": _text(cat, ONTOLOGY, DCTERMS + "modified"),
        "licence": cat.iri(ONTOLOGY, DCTERMS + "license"),
        "creator": _text(cat, ONTOLOGY, DCTERMS + "creator"),
    }


def ontology_doc(cat: Catalog) -> Json:
    """Classes, properties and named individuals of the ``sg:`` ontology, and its schemes."""
    terms = sorted(i for i in cat.vocab if i.startswith(SG) and i != SG)
    disjoint = _disjoint(cat, terms)
    sections: dict[str, list[Json]] = {
        "classes": [],
        "object_properties": [],
        "datatype_properties": [],
        "schemes": [],
        "individuals": [],
    }
    for iri in terms:
        props = cat.vocab[iri]
        types = {t for t in props.get(RDF_TYPE, []) if isinstance(t, str)}
        if not types and not props.get(RDFS + "label"):
            continue  # only mentioned (e.g. as a member of an axiom), not defined here
        comment = _text(cat, iri, SKOS + "definition") or _text(cat, iri, RDFS + "comment")
        scheme = cat.iri(iri, SG + "conceptScheme")
        entry: Json = {
            "iri": iri,
            "name": iri[len(SG) :],
            "anchor": iri[len(SG) :],
            "label": cat.label(iri),
            "alt_labels": [o.value for o in props.get(SKOS + "altLabel", []) if isinstance(o, Lit)],
            "comment": comment,
            "super": _refs(cat, cat.iris(iri, RDFS + "subClassOf"))
            + _refs(cat, cat.iris(iri, RDFS + "subPropertyOf")),
            "domain": _refs(cat, cat.iris(iri, RDFS + "domain")),
            "range": _refs(cat, cat.iris(iri, RDFS + "range")),
            "disjoint": _refs(cat, sorted(disjoint.get(iri, ()))),
            "inverse": _refs(cat, cat.iris(iri, OWL + "inverseOf")),
            "scheme": _ref(cat, scheme) if scheme else None,
            "kind": _refs(cat, cat.iris(iri, SG + "correspondingKind")),
            "modality_of": _refs(cat, cat.iris(iri, SG + "modalityOf")),
            "in_schemes": _refs(cat, [s for s in cat.iris(iri, SKOS + "inScheme")]),
            "defined_by": cat.iri(iri, RDFS + "isDefinedBy"),
            "status": _text(cat, iri, TERM_STATUS),
            "characteristics": sorted(
                name
                for t, name in (
                    (OWL + "FunctionalProperty", "functional"),
                    (OWL + "TransitiveProperty", "transitive"),
                    (OWL + "SymmetricProperty", "symmetric"),
                    (OWL + "InverseFunctionalProperty", "inverse functional"),
                )
                if t in types
            ),
            "types": _refs(cat, [t for t in types if t.startswith(SG)]),
        }
        section = next((name for t, name in _KINDS if t in types), None)
        if section is None and SKOS + "ConceptScheme" in types:
            entry["members"] = _refs(cat, cat.subjects(SKOS + "inScheme", iri))
            section = "schemes"
        sections[section or "individuals"].append(entry)
    return {"namespace": SG, "ontology": header(cat), **sections}
