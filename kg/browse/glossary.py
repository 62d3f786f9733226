"""The glossary page: the terms and acronyms of data/glossary.ttl (a SKOS concept
scheme), each with its definition, the provisions it rests on and the page it names."""

from __future__ import annotations

from kg.browse.catalog import Catalog
from kg.browse.pages import Json, ref, refs, verification
from kg.config import SGD

SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
GLOSSARY = SGD + "glossary"


def glossary_page(cat: Catalog) -> Json:
    """Every term of the glossary, alphabetically, with its letter for the index."""
    terms = []
    for concept in cat.subjects(SKOS + "inScheme", GLOSSARY):
        label = cat.label(concept)
        terms.append(
            {
                **ref(cat, concept),
                "anchor": concept.removeprefix(SGD),
                "letter": label[:1].upper(),
                "acronyms": sorted(cat.texts(concept, SKOS + "altLabel"), key=str.lower),
                "definition": cat.text(concept, SKOS + "definition"),
                "provisions": refs(cat, cat.iris(concept, DCTERMS + "source")),
                "related": refs(cat, cat.iris(concept, SKOS + "related")),
                "verification": verification(cat, concept),
            }
        )
    terms.sort(key=lambda t: t["label"].lower())
    return {
        "title": "Glossary",
        "scheme": ref(cat, GLOSSARY),
        "letters": sorted({t["letter"] for t in terms}),
        "terms": terms,
    }
