"""A query stopped at the time limit is told which of its shapes Oxigraph evaluates
slowly and the rewrite that helps (issue 14, item 4), found on rdflib's algebra."""

from __future__ import annotations

import pytest

from kg.endpoint.advice import (
    GENERAL_ADVICE,
    LABEL_FAN_OUT,
    MAX_ANALYSED_CHARS,
    NOT_EXISTS,
    PATH_TO_BOUND_OBJECT,
    SUBCLASS_CLOSURE,
    slow_shapes,
    timeout_advice,
)
from tests.endpoint.util import CROSS_PRODUCT, Server, http

PREFIXES = (
    "PREFIX sg: <https://w3id.org/safeguarding-kg/ontology#>\n"
    "PREFIX sgd: <https://w3id.org/safeguarding-kg/id/>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX owl: <http://www.w3.org/2002/07/owl#>\n"
)

#: one query of each slow shape: (shape, query, what the advice must say)
SHAPED = [
    (
        NOT_EXISTS,
        "SELECT ?d WHERE { ?d a sg:Duty FILTER NOT EXISTS { ?d sg:bearer ?b . ?b a sg:Body } }",
        "MINUS",
    ),
    (
        PATH_TO_BOUND_OBJECT,
        "SELECT ?x WHERE { ?x sg:partOf* sgd:children-act-2004 . ?x rdfs:label ?l }",
        "BIND(sgd:children-act-2004 AS ?root)",
    ),
    (
        LABEL_FAN_OUT,
        'SELECT ?d WHERE { ?k rdfs:label "Youth offending team"@en . ?d sg:owedBy ?k }',
        'SELECT DISTINCT ?k WHERE { ?k rdfs:label "Youth offending team"@en }',
    ),
    (
        SUBCLASS_CLOSURE,
        "SELECT ?x WHERE { ?x a/rdfs:subClassOf* sg:Body }",
        "leave out rdfs:subClassOf*",
    ),
]


@pytest.mark.parametrize(("shape", "query", "rewrite"), SHAPED, ids=[s[0] for s in SHAPED])
def test_each_slow_shape_is_found(shape: str, query: str, rewrite: str) -> None:
    found = slow_shapes(PREFIXES + query)
    assert [s.name for s in found] == [shape]
    assert rewrite in timeout_advice(PREFIXES + query)


@pytest.mark.parametrize(
    "query",
    [
        # NOT EXISTS over one pattern, and the MINUS the advice asks for
        "SELECT ?d WHERE { ?d a sg:Duty FILTER NOT EXISTS { ?d sg:bearer ?b } }",
        "SELECT ?d WHERE { ?d a sg:Duty MINUS { ?d sg:bearer ?b . ?b a sg:Body } }",
        # a path that begins at a bound end, and one from a BIND first in the group
        "SELECT ?x WHERE { sgd:children-act-2004 ^sg:partOf* ?x }",
        "SELECT ?x WHERE { BIND(sgd:children-act-2004 AS ?root) ?x sg:partOf* ?root }",
        # a label looked up and not joined on; a label read, not looked up
        'SELECT ?k WHERE { ?k rdfs:label "Youth offending team"@en }',
        "SELECT ?k ?l WHERE { ?k rdfs:label ?l . ?d sg:bearer ?k }",
        # a plain type
        "SELECT ?x WHERE { ?x a sg:Body }",
    ],
)
def test_shapes_that_are_not_slow_are_not_named(query: str) -> None:
    assert slow_shapes(PREFIXES + query) == []
    assert timeout_advice(PREFIXES + query) == GENERAL_ADVICE


def test_every_shape_of_a_query_is_named_once() -> None:
    query = PREFIXES + (
        "SELECT * WHERE { ?x a/rdfs:subClassOf* sg:Body . ?y a/rdfs:subClassOf* sg:Body . "
        "?d a sg:Duty FILTER NOT EXISTS { ?d sg:bearer ?b . ?b a sg:Body } "
        "OPTIONAL { ?p (sg:partOf|^sg:hasPart)+ sgd:children-act-2004 } }"
    )
    names = sorted(s.name for s in slow_shapes(query))
    assert names == sorted([NOT_EXISTS, PATH_TO_BOUND_OBJECT, SUBCLASS_CLOSURE, SUBCLASS_CLOSURE])
    advice = timeout_advice(query)
    assert advice.count("(1)") == 1 and "(4)" in advice and "\n" not in advice


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p }",  # not SPARQL
        "SELECT * WHERE { ?s ?p ?o } " + "#" * MAX_ANALYSED_CHARS,  # too long to analyse
        "",
    ],
)
def test_a_query_that_cannot_be_analysed_gets_the_general_advice(query: str) -> None:
    assert slow_shapes(query) == []
    assert timeout_advice(query) == GENERAL_ADVICE


# ------------------------------------------------------------------- over HTTP

#: with a cross product of four patterns (as tests.endpoint.util.CROSS_PRODUCT, with
#: variables of its own), so that each runs to the time limit whatever the shape costs
#: on the small fixture store
RUNAWAY_TAIL = " ".join(f"?r{i}s ?r{i}p ?r{i}o ." for i in range(4)) + " "


def _runaway(query: str) -> str:
    _head, _, body = query.partition("WHERE {")
    return PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE {" + RUNAWAY_TAIL + body


#: the shapes the endpoint rewrites before running (kg.endpoint.rewrite), the
#: X-KG-Rewrites header their runaway versions get, and whether that is what the
#: advice asks (the subclass closure is put first, but is better left out)
REWRITTEN = {
    NOT_EXISTS: ("not-exists-to-minus=1", True),
    PATH_TO_BOUND_OBJECT: ("path-first=1", True),
    SUBCLASS_CLOSURE: ("path-first=1", False),
}


@pytest.mark.slow
@pytest.mark.parametrize(("shape", "query", "rewrite"), SHAPED, ids=[s[0] for s in SHAPED])
def test_a_query_stopped_at_the_time_limit_is_told_its_shape(
    server: Server, shape: str, query: str, rewrite: str
) -> None:
    status, headers, body = http("GET", server.sparql, params={"query": _runaway(query)})
    text = body.decode("utf-8")
    assert status == 503, text
    assert text.startswith("the query was stopped after 2 s, the time limit; ")
    applied, done = REWRITTEN.get(shape, ("none", False))
    assert headers["x-kg-rewrites"] == applied
    if applied != "none":
        assert f"Rewritten automatically before it ran: {applied}." in text
    if done:
        # the rewriter already did what the advice would ask: not asked again
        assert rewrite not in text
    else:
        assert "Oxigraph evaluates slowly" in text and rewrite in text
        assert "narrow it down" not in text
    assert headers["content-type"] == "text/plain; charset=utf-8"
    assert text.count("\n") == 1 and "Traceback" not in text


@pytest.mark.slow
def test_a_runaway_of_no_known_shape_gets_the_general_advice(server: Server) -> None:
    status, _, body = http("GET", server.sparql, params={"query": CROSS_PRODUCT})
    assert status == 503
    assert body.decode("utf-8").strip() == (
        f"the query was stopped after 2 s, the time limit; {GENERAL_ADVICE}"
    )


# ------------------------------------------------------------ with the rewriter


def test_the_advice_says_why_a_not_exists_could_not_be_rewritten() -> None:
    from kg.endpoint.rewrite import rewrite

    query = PREFIXES + (
        "SELECT ?d WHERE { ?d a sg:Duty OPTIONAL { ?d sg:owedTo ?x } "
        "FILTER NOT EXISTS { ?x sg:bearer ?b . ?b a sg:Body } }"
    )
    rewritten = rewrite(query)
    assert not rewritten.changed
    advice = timeout_advice(rewritten.text, rewritten)
    assert "write MINUS" in advice  # still the sender's to do...
    assert (
        "Not rewritten: NOT EXISTS over a group whose shared variable ?x may be unbound: "
        "could not be turned into MINUS; bind ?x outside OPTIONAL"
    ) in advice  # ...and why the endpoint did not


def test_the_advice_does_not_ask_for_what_was_rewritten() -> None:
    from kg.endpoint.rewrite import rewrite

    query = PREFIXES + (
        "SELECT ?d WHERE { ?d a sg:Duty ; rdfs:label ?l . "
        "?d sg:partOf* sgd:children-act-2004 FILTER NOT EXISTS { ?d sg:bearer ?b . ?b a sg:Body } }"
    )
    rewritten = rewrite(query)
    assert dict(rewritten.applied) == {"not-exists-to-minus": 1, "path-first": 1}
    advice = timeout_advice(rewritten.text, rewritten)
    assert "write MINUS" not in advice and "BIND(" not in advice
    assert advice.endswith(
        "Rewritten automatically before it ran: not-exists-to-minus=1, path-first=1."
    )
