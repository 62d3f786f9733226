"""Search: one list of resources ranked by relevance, best first.

The text index (``kg.browse.search_index``) finds and scores the candidates;
this module ranks them: a cited provision first, then a resource whose name is
the query, then the rest by bm25 relevance, nudged towards names that contain
every word, pages that many resources link to, and away from the per-area
records the build derives (hundreds of near-identical labels). Each result
says whether it was in force on the page's date (``kg.dates``, three-valued).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from kg.browse import search_highlight as hl
from kg.browse.catalog import Catalog
from kg.browse.common import BadParameterError
from kg.browse.pages import PAGE_TYPE_NAMES, period, ref
from kg.browse.search_index import Row, SearchIndex, index_for
from kg.browse.search_query import Plan, SynonymTable, parse
from kg.browse.search_text import clean, squash

Json = dict[str, Any]

MAX_QUERY_LENGTH = 200
MAX_RESULTS = 200
GROUP_ORDER = ("body", "board", "provision", "document", "area", "duty", "other")

# Tiers, best first.
_CITED, _NAMED, _SUBDIVISION, _TEXT, _CITED_OTHERWISE = range(5)
_MATCHED_BY = {
    _CITED: "reference",
    _NAMED: "name",
    _SUBDIVISION: "reference",
    _TEXT: "text",
    _CITED_OTHERWISE: "reference",
}


@dataclass
class Hit:
    id: int
    relevance: float
    tier: int = _TEXT
    path: str | None = None  # of a cited provision, for ordering its subdivisions
    exact: bool = False  # the cited provision itself, not a subdivision


def _synonyms(index: SearchIndex) -> SynonymTable:
    table = index.__dict__.get("_synonym_table")
    if table is None:
        table = index.__dict__["_synonym_table"] = SynonymTable(index.synonyms)
    return table


def _natural(path: str | None) -> tuple[tuple[int, str], ...]:
    return tuple(
        (int(p), "") if p.isdigit() else (int(re.sub(r"\D", "", p) or 0), p)
        for p in (path or "").split("/")
    )


def _weight(row: Row) -> float:
    """Less for the per-area records the build derives (hundreds alike) and for
    supporting pages (clauses, evidence, role assignments: type "other")."""
    return (0.6 if row.derived else 1.0) * (0.7 if row.kind == "other" else 1.0)


def _rank(index: SearchIndex, plan: Plan, loose: bool) -> tuple[list[Hit], int]:
    """The hits, best first, and how many there are in all."""
    expr = plan.expr(loose)
    words = plan.words_expr(loose)
    hits = {i: Hit(i, rel) for i, rel in index.match(expr)} if expr else {}
    total = len(hits)

    cited: dict[int, tuple[bool, str]] = {}
    for reference in plan.references:
        for i, path in index.provisions(reference.kind, reference.path):
            exact = path == reference.path
            cited[i] = (exact or cited.get(i, (False, ""))[0], path)
    if cited:
        fitting = index.matching(words, cited) if words else set(cited)
        # a section holds its subsections' words: "s.11 youth offending team" is s.11
        fitting_paths = {cited[i][1] for i in fitting}
        total += sum(1 for i in cited if i not in hits)
        for i, (exact, path) in cited.items():
            fits = i in fitting or (exact and any(p.startswith(path + "/") for p in fitting_paths))
            hit = hits.setdefault(i, Hit(i, 0.0))
            hit.tier = (_CITED if exact else _SUBDIVISION) if fits else _CITED_OTHERWISE
            hit.path, hit.exact = path, exact

    rows = index.rows()
    whole = {squash(plan.text)} if not plan.references else set()
    if len(plan.groups) == 1 and plan.groups[0].expansion and not plan.references:
        whole |= {squash(f) for f in plan.groups[0].expansion.split(", ")}
    named = index.matching("{label alt refs} : (" + words + ")", hits) if words else set()
    literal_expr = plan.literal_expr()
    # spelt in the name as the user typed it ("duty to co-operate"), not only as a
    # synonym ("DTC"): an acronym is rarer, so bm25 alone would put it first
    literal = (
        index.matching("{label alt refs} : (" + literal_expr + ")", hits)
        if literal_expr and not loose
        else set()
    )
    for hit in hits.values():
        row = rows[hit.id]
        score = hit.relevance
        if hit.id in named:
            score = score * 1.5 + 2.0  # every word in its name, not just its description
        hit.relevance = score * _weight(row) + 0.5 * math.log1p(row.prominence)
        if hit.tier == _TEXT and not whole.isdisjoint(row.keys):
            hit.tier = _NAMED
    ordered = sorted(
        hits.values(),
        key=lambda h: (
            h.tier,
            # a provision before its subdivisions, in the order of the Act
            (h.tier != _CITED_OTHERWISE or not h.exact, _natural(h.path))
            if h.tier in (_SUBDIVISION, _CITED_OTHERWISE)
            else (),
            h.tier == _TEXT and bool(literal) and h.id not in literal,
            -h.relevance,
            rows[h.id].iri,
        ),
    )
    return ordered, total


def _stemmed_phrases(index: SearchIndex, plan: Plan) -> list[tuple[str, ...]]:
    """Every phrase of the query (words, spellings, references), as stems."""
    phrases = [p for g in plan.groups for p in g.phrases]
    phrases += [p for r in plan.references for p in r.phrases()]
    stems = index.stems({hl.fold(t) for p in phrases for t in p})
    return list(dict.fromkeys(tuple(stems[hl.fold(t)] for t in p) for p in phrases if p))


def _did_you_mean(index: SearchIndex, plan: Plan, query: str) -> str | None:
    """The query with each unknown word replaced by the nearest indexed word."""
    suggestion = query
    for group in plan.groups:
        word = group.plain_word
        if word is None or len(word) < 3 or index.knows(word):
            continue
        better = index.suggest(word)
        if better:
            pattern = rf"(?<!\w){re.escape(group.text)}(?!\w)"
            suggestion = re.sub(pattern, lambda _m, b=better: b, suggestion, count=1)
    if suggestion == query:
        return None
    # offered only if it finds something
    expr = parse(suggestion, _synonyms(index), index.compounds).expr()
    return suggestion if expr and index.count(expr) else None


def _understood(plan: Plan) -> list[str]:
    """What the query was read as, in words (shown under the search box)."""
    out = [
        f"“{r.text}” as {r.cited()}" for r in plan.references if squash(r.text) != squash(r.cited())
    ]
    out += [f"“{g.text}” also as {g.expansion}" for g in plan.groups if g.expansion]
    return out


def _result(
    cat: Catalog, hit: Hit, row: Row, label: hl.Parts, snippet: hl.Parts, as_at: date
) -> Json:
    verdict = period(cat, row.iri).status(as_at)
    return {
        **ref(cat, row.iri),
        "type": row.kind,
        "type_name": row.type_name,
        "score": round(hit.relevance, 2),
        "matched_by": _MATCHED_BY[hit.tier],
        "label_parts": label,
        "snippet": "".join(p["text"] for p in snippet) or None,
        "snippet_parts": snippet,
        "exists_at": verdict.in_force,
        "status": verdict.status.value,
        "status_reason": verdict.reason,
    }


def _normalise(q: str | None) -> str:
    return " ".join(clean(q or "").split())


def search(cat: Catalog, q: str | None, as_at: date, index: SearchIndex | None = None) -> Json:
    """Resources matching ``q``, best first (``results``), and grouped by type
    of page (``groups``, as before).

    Args:
        index: the search index of ``cat`` (default: built in memory and kept
            with the catalog).

    Raises:
        BadParameterError: ``q`` is longer than MAX_QUERY_LENGTH.
    """
    query = _normalise(q)
    if len(query) > MAX_QUERY_LENGTH:
        raise BadParameterError(
            "the search text is too long",
            field="q",
            expected=f"at most {MAX_QUERY_LENGTH} characters",
        )
    out: Json = {
        "q": query,
        "as_at": as_at.isoformat(),
        "total": 0,
        "shown": 0,
        "results": [],
        "groups": [],
        "partial": False,
        "did_you_mean": None,
        "understood": [],
    }
    if not query:
        return out
    index = index or index_for(cat)
    plan = parse(query, _synonyms(index), index.compounds)
    out["understood"] = _understood(plan)
    if plan.empty:
        return out
    hits, total = _rank(index, plan, loose=False)
    if not hits and len(plan.groups) > 1:  # then those with all the words but one
        hits, total = _rank(index, plan, loose=True)
        out["partial"] = bool(hits)
    if not hits or out["partial"]:
        out["did_you_mean"] = _did_you_mean(index, plan, query)

    shown = hits[:MAX_RESULTS]
    ids = [h.id for h in shown]
    rows = index.rows()
    texts = index.texts(ids)
    matcher = hl.Matcher(_stemmed_phrases(index, plan), index.forms_of)
    results = []
    for n, hit in enumerate(shown, start=1):
        label, body = texts[hit.id]
        marks = matcher.spans(label)
        snippet = hl.snippet(body, matcher)
        result = _result(cat, hit, rows[hit.id], hl.parts(label, marks), snippet, as_at)
        result["rank"] = n
        results.append(result)
    out["results"] = results
    out["total"] = total
    out["shown"] = len(results)
    groups: dict[str, list[Json]] = {}
    for r in results:
        groups.setdefault(r["type"], []).append(r)
    out["groups"] = [
        {"type": kind, "name": PAGE_TYPE_NAMES[kind], "results": groups[kind]}
        for kind in GROUP_ORDER
        if kind in groups
    ]
    return out
