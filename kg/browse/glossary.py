"""The glossary page: the terms and acronyms of data/glossary.ttl (a SKOS concept
scheme), each with its definition, the provisions it rests on and the page it names."""

from __future__ import annotations

import re

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


#: An acronym among a term's alternative labels: no spaces, at least two capitals
#: (ACPC, ViSOR, RA); the others are synonyms (``duty to cooperate``).
_ACRONYM = re.compile(r"^(?=(?:[^A-Z]*[A-Z]){2})[A-Z][A-Za-z]*$")


def first_use_terms(cat: Catalog) -> list[Json]:
    """What pages mark up on first use: each acronym (an ``abbr`` whose title is the
    term) and each term of two words or more, with its synonyms (a link to its
    definition). Longest first, so that a longer term wins over one inside it."""
    cache = cat.__dict__.get("_first_use_terms")
    if cache is not None:
        return cache
    out: list[Json] = []
    for concept in cat.subjects(SKOS + "inScheme", GLOSSARY):
        label = cat.label(concept)
        anchor = concept.removeprefix(SGD)
        href = f"/glossary#{anchor}"
        for text in [label, *cat.texts(concept, SKOS + "altLabel")]:
            if _ACRONYM.match(text):
                out.append({"text": text, "kind": "abbr", "title": label, "key": anchor + "/abbr"})
            elif len(text.split()) >= 2:
                out.append({"text": text, "kind": "link", "href": href, "key": anchor + "/link"})
    out.sort(key=lambda t: (-len(t["text"]), t["text"]))
    cat.__dict__["_first_use_terms"] = out
    return out
