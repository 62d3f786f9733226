"""Search over labels and descriptions, with results grouped by type of page."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from kg.browse.catalog import ALT_LABEL, DESCRIPTION, LABEL, TITLE, Catalog
from kg.browse.common import BadParameterError
from kg.browse.pages import PAGE_TYPE_NAMES, page_type, period, ref
from kg.config import SG

Json = dict[str, Any]

MAX_QUERY_LENGTH = 200
MAX_RESULTS = 200
_WORD_RE = re.compile(r"[\w']+", re.UNICODE)

# Field -> weight of a match in it.
_FIELDS = (
    (LABEL, 5.0),
    (ALT_LABEL, 4.0),
    (TITLE, 4.0),
    (SG + "number", 3.0),
    (DESCRIPTION, 1.5),
    (SG + "action", 1.5),
    (SG + "text", 1.0),
)
GROUP_ORDER = ("body", "board", "provision", "document", "area", "duty", "other")


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD_RE.findall(text)]


def search(cat: Catalog, q: str | None, as_at: date) -> Json:
    """Resources whose labels or descriptions contain every word of ``q``."""
    query = (q or "").strip()
    if len(query) > MAX_QUERY_LENGTH:
        raise BadParameterError(
            "the search text is too long",
            field="q",
            expected=f"at most {MAX_QUERY_LENGTH} characters",
        )
    words = _words(query)
    out: Json = {"q": query, "as_at": as_at.isoformat(), "total": 0, "groups": []}
    if not words:
        return out
    scored = []
    for iri in cat.out:
        if not iri.startswith(("https://w3id.org/safeguarding-kg/id/", "https://www.legislation")):
            continue
        score = 0.0
        haystack = []
        for prop, weight in _FIELDS:
            for text in cat.texts(iri, prop):
                lowered = text.lower()
                haystack.append(lowered)
                for w in words:
                    if w in lowered:
                        score += weight
                if lowered == query.lower():
                    score += 10
        if score == 0:
            continue
        blob = " ".join(haystack)
        if not all(w in blob for w in words):
            continue
        scored.append((score, iri))
    scored.sort(key=lambda x: (-x[0], cat.label(x[1]).lower()))
    groups: dict[str, list[Json]] = {}
    for score, iri in scored[:MAX_RESULTS]:
        kind = page_type(cat, iri)
        verdict = period(cat, iri).status(as_at)
        groups.setdefault(kind, []).append(
            {
                **ref(cat, iri),
                "score": round(score, 1),
                "snippet": _snippet(cat, iri, words),
                "exists_at": verdict.in_force,
                "status": verdict.status.value,
            }
        )
    out["total"] = len(scored)
    out["shown"] = min(len(scored), MAX_RESULTS)
    out["groups"] = [
        {"type": kind, "name": PAGE_TYPE_NAMES[kind], "results": groups[kind]}
        for kind in GROUP_ORDER
        if kind in groups
    ]
    return out


def _snippet(cat: Catalog, iri: str, words: list[str], width: int = 220) -> str | None:
    for prop in (DESCRIPTION, SG + "action", SG + "text"):
        text = cat.text(iri, prop)
        if not text:
            continue
        lowered = text.lower()
        hits = [lowered.find(w) for w in words if w in lowered]
        if not hits:
            continue
        start = max(0, min(hits) - 60)
        snippet = text[start : start + width]
        return ("…" if start else "") + snippet + ("…" if start + width < len(text) else "")
    return cat.text(iri, DESCRIPTION)
