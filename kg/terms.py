"""Display helpers for RDF terms."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pyoxigraph as ox

from kg.config import PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_LOCAL_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*(?<!\.)$")

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def compact_iri(iri: str, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """``sg:Duty`` for a known namespace, else ``<iri>``."""
    best = ""
    best_prefix = ""
    for prefix, ns in prefixes.items():
        if iri.startswith(ns) and len(ns) > len(best):
            local = iri[len(ns) :]
            if local == "" or _LOCAL_NAME_RE.match(local):
                best, best_prefix = ns, prefix
    if best:
        return f"{best_prefix}:{iri[len(best) :]}"
    return f"<{iri}>"


def compact(term: Term | None, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """A short, readable rendering of a term (for tables and messages).

    IRIs in known namespaces become prefixed names; plain and language-tagged
    strings show their text (with ``@lang``); other literals show their lexical
    form. Unbound values render as an empty string.
    """
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact_iri(term.value, prefixes)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"{term.value}@{term.language}"
        return term.value
    if isinstance(term, ox.Triple):
        return f"<< {compact(term.subject)} {compact(term.predicate)} {compact(term.object)} >>"
    return str(term)
