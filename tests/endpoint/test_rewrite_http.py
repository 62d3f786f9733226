"""Over HTTP against a real ``kg serve``: /sparql runs the rewritten query
(kg.endpoint.rewrite), answers as the query as written, and says what was
rewritten in ``X-KG-Rewrites``, which a page on another origin may read."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from kg.config import Settings
from kg.store import open_store
from tests.endpoint.util import Server, http

pytestmark = pytest.mark.slow

PREFIXES = (
    "PREFIX sg: <https://w3id.org/safeguarding-kg/ontology#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)

#: (query, the X-KG-Rewrites header it gets)
CASES = [
    (
        "SELECT ?s ?t WHERE { ?s a ?t . FILTER NOT EXISTS { ?s rdfs:label ?l . ?s a sg:Duty } }",
        "not-exists-to-minus=1",
    ),
    (
        "SELECT ?s WHERE { ?s a ?t . FILTER(?t = sg:Duty) } VALUES ?s { sg:nothing }",
        "filter-to-values=1, values-first=1",
    ),
    ("SELECT ?s ?l WHERE { ?s rdfs:label ?l . ?s sg:partOf* ?act . }", "none"),
    # a slice: which rows it keeps depends on evaluation order, so never rewritten
    (
        "SELECT ?s WHERE { ?s a ?t . FILTER NOT EXISTS { ?s rdfs:label ?l } } ORDER BY ?s LIMIT 3",
        "none",
    ),
]


def _rows(body: bytes) -> Counter[tuple[Any, ...]]:
    data = json.loads(body)
    names = data["head"]["vars"]
    return Counter(
        tuple(row.get(n, {}).get("value") for n in names) for row in data["results"]["bindings"]
    )


def _direct(settings: Settings, query: str) -> Counter[tuple[Any, ...]]:
    result = open_store(settings).query(query)
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    return Counter(
        tuple(None if s[n] is None else s[n].value for n in names)
        for s in result  # type: ignore[union-attr]
    )


@pytest.mark.parametrize(("query", "header"), CASES, ids=[c[1] for c in CASES])
def test_the_header_names_the_rewrites_and_the_answers_are_unchanged(
    server: Server, basic_store: Settings, query: str, header: str
) -> None:
    status, headers, body = http(
        "POST",
        server.sparql,
        data=(PREFIXES + query).encode(),
        headers={
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json",
            "Origin": "https://analyst.example",
        },
    )
    assert status == 200, body
    assert headers["x-kg-rewrites"] == header
    exposed = [h.strip().lower() for h in headers["access-control-expose-headers"].split(",")]
    assert "x-kg-rewrites" in exposed
    assert _rows(body) == _direct(basic_store, PREFIXES + query)


def test_the_original_answers_are_not_empty(basic_store: Settings) -> None:
    # the comparisons above mean something only if the store answers the first case
    assert sum(_direct(basic_store, PREFIXES + CASES[0][0]).values()) > 0
