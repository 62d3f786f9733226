"""Request parsing, content negotiation and serialisation with the row limit."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest

from kg.endpoint.errors import (
    BadRequestError,
    ForbiddenError,
    NotAcceptableError,
    UnsupportedMediaTypeError,
)
from kg.endpoint.protocol import (
    BY_NAME,
    GRAPH,
    SOLUTIONS,
    negotiate,
    parse_request,
    prefers_html,
    render_boolean,
    render_solutions,
    render_triples,
)

N = ox.NamedNode


def _store(n: int = 10) -> ox.Store:
    store = ox.Store()
    for i in range(n):
        store.add(
            ox.Quad(
                N(f"http://ex/s{i}"), N("http://ex/p"), ox.Literal(f"v{i}\nline"), N("http://ex/g")
            )
        )
    return store


@pytest.mark.parametrize(
    ("accept", "solutions", "graph"),
    [
        (None, "json", "turtle"),
        ("*/*", "json", "turtle"),
        ("application/sparql-results+json", "json", "turtle"),
        ("application/json", "json", "jsonld"),
        ("application/sparql-results+xml", "xml", "turtle"),
        ("application/xml", "xml", "rdfxml"),
        ("text/csv", "csv", "turtle"),
        ("text/tab-separated-values", "tsv", "turtle"),
        ("text/turtle", "json", "turtle"),
        ("application/n-triples", "json", "ntriples"),
        ("application/ld+json", "json", "jsonld"),
        ("application/rdf+xml", "json", "rdfxml"),
        ("text/csv;q=0.5, application/sparql-results+xml", "xml", "turtle"),
        ("text/*", "csv", "turtle"),
        # YASGUI's and SPARQLWrapper's Accept headers
        ("application/sparql-results+json,*/*;q=0.9", "json", "turtle"),
        ("text/turtle,*/*;q=0.9", "json", "turtle"),
        (
            "application/sparql-results+json,application/json,text/javascript,application/javascript",
            "json",
            "jsonld",
        ),
        # nothing matches: the documented defaults
        ("image/png", "json", "turtle"),
        ("text/csv;q=0", "json", "turtle"),
    ],
)
def test_negotiation_by_accept(
    accept: str | None, solutions: str | None, graph: str | None
) -> None:
    chosen = negotiate(accept)
    assert (chosen.solutions.name if chosen.solutions else None) == solutions
    assert (chosen.graph.name if chosen.graph else None) == graph


@pytest.mark.parametrize(
    ("value", "solutions", "graph"),
    [
        ("json", "json", "jsonld"),
        ("xml", "xml", "rdfxml"),
        ("csv", "csv", None),
        ("TSV", "tsv", None),
        ("turtle", None, "turtle"),
        ("n3", None, "turtle"),
        ("json-ld", None, "jsonld"),
        ("rdf+xml", None, "rdfxml"),
        ("text/csv", "csv", None),
        ("application/sparql-results+json", "json", None),
    ],
)
def test_negotiation_by_format_parameter(
    value: str, solutions: str | None, graph: str | None
) -> None:
    chosen = negotiate("image/png", value)  # the parameter wins over Accept
    assert (chosen.solutions.name if chosen.solutions else None) == solutions
    assert (chosen.graph.name if chosen.graph else None) == graph


def test_unknown_format_and_unmatched_kind_are_406() -> None:
    with pytest.raises(NotAcceptableError, match="unknown format 'yaml'"):
        negotiate(None, "yaml")
    with pytest.raises(NotAcceptableError, match="CONSTRUCT and DESCRIBE"):
        negotiate(None, "csv").for_kind(GRAPH)
    assert negotiate(None, "csv").for_kind(SOLUTIONS).name == "csv"


def test_prefers_html() -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert prefers_html(browser)
    assert not prefers_html("text/turtle")
    assert not prefers_html("*/*")
    assert not prefers_html(None)


def test_parse_get_and_post_forms() -> None:
    args = {"query": ["ASK {}"], "default-graph-uri": ["http://g/1", "http://g/2"]}
    req = parse_request("GET", None, args)
    assert req.query == "ASK {}" and req.default_graphs == ("http://g/1", "http://g/2")
    req = parse_request(
        "POST",
        "application/x-www-form-urlencoded",
        {},
        {"query": ["ASK {}"], "named-graph-uri": ["http://g/3"], "format": ["csv"]},
    )
    assert req.query == "ASK {}" and req.named_graphs == ("http://g/3",) and req.format == "csv"
    req = parse_request(
        "POST",
        "application/sparql-query; charset=utf-8",
        {"output": ["xml"]},
        None,
        b"ASK {}",
    )
    assert req.query == "ASK {}" and req.format == "xml"
    assert parse_request("GET", None, {}).query is None


def test_parse_refusals() -> None:
    with pytest.raises(ForbiddenError):
        parse_request("POST", "application/sparql-update", {}, None, b"CLEAR ALL")
    with pytest.raises(ForbiddenError):
        parse_request("POST", "application/x-www-form-urlencoded", {}, {"update": ["CLEAR ALL"]})
    with pytest.raises(ForbiddenError):
        parse_request("GET", None, {"update": ["CLEAR ALL"]})
    with pytest.raises(UnsupportedMediaTypeError):
        parse_request("POST", "text/plain", {}, None, b"ASK {}")
    with pytest.raises(BadRequestError, match="given 2 times"):
        parse_request("GET", None, {"query": ["ASK {}", "ASK {}"]})
    with pytest.raises(BadRequestError, match="not an absolute IRI"):
        parse_request("GET", None, {"query": ["ASK {}"], "default-graph-uri": ["relative"]})
    with pytest.raises(BadRequestError, match="UTF-8"):
        parse_request("POST", "application/sparql-query", {}, None, b"ASK {\xff}")


@pytest.mark.parametrize("name", ["json", "xml", "csv", "tsv"])
def test_solutions_are_cut_at_the_row_limit(name: str) -> None:
    store = _store(10)
    query = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s"
    exact = render_solutions(store.query(query, use_default_graph_as_union=True), BY_NAME[name], 10)
    assert exact.rows == 10 and not exact.truncated
    cut = render_solutions(store.query(query, use_default_graph_as_union=True), BY_NAME[name], 3)
    assert cut.rows == 3 and cut.truncated
    if name == "csv":  # lossy: pyoxigraph does not read it back
        rows_csv = list(csv.reader(io.StringIO(cut.body.decode())))
        assert rows_csv[0] == ["s", "o"] and len(rows_csv) == 4
        assert rows_csv[1] == ["http://ex/s0", "v0\nline"]
        return
    rows = list(ox.parse_query_results(cut.body, format=BY_NAME[name].results_format))
    assert len(rows) == 3
    assert rows[0]["o"] == ox.Literal("v0\nline")


def test_json_is_the_w3c_format() -> None:
    store = _store(2)
    rendered = render_solutions(
        store.query("SELECT ?s ?o WHERE { ?s ?p ?o }", use_default_graph_as_union=True),
        BY_NAME["json"],
        100,
    )
    data = json.loads(rendered.body)
    assert data["head"]["vars"] == ["s", "o"]
    assert data["results"]["bindings"][0]["s"]["type"] == "uri"


def test_triples_are_cut_and_every_graph_format_parses() -> None:
    store = _store(10)
    for name, fmt in (
        ("turtle", ox.RdfFormat.TURTLE),
        ("ntriples", ox.RdfFormat.N_TRIPLES),
        ("jsonld", ox.RdfFormat.JSON_LD),
        ("rdfxml", ox.RdfFormat.RDF_XML),
    ):
        rendered = render_triples(
            store.query("CONSTRUCT WHERE { ?s ?p ?o }", use_default_graph_as_union=True),
            BY_NAME[name],
            4,
        )
        assert rendered.truncated and rendered.rows == 4
        assert len(list(ox.parse(rendered.body, format=fmt))) == 4


def test_ask_in_every_results_format() -> None:
    assert json.loads(render_boolean(True, BY_NAME["json"]).body) == {"head": {}, "boolean": True}
    assert b"<boolean>false</boolean>" in render_boolean(False, BY_NAME["xml"]).body
    assert render_boolean(True, BY_NAME["csv"]).body.splitlines()[1] == b"true"
    assert render_boolean(False, BY_NAME["tsv"]).body.splitlines()[1] == b"false"


def test_charset_and_byte_order_mark_of_a_query_body() -> None:
    """SPARQL 1.1 Protocol 2.1.3: UTF-8 is the only valid charset of a query body; any
    other declared charset (or an unknown one) is a 415. A leading byte-order mark, in a
    body or a parameter, is not part of the query."""
    bom = parse_request("POST", "application/sparql-query", {}, None, b"\xef\xbb\xbfASK {}")
    assert bom.query == "ASK {}"
    assert parse_request("GET", None, {"query": ["\ufeffASK {}"]}).query == "ASK {}"
    for charset in ("utf-8", "UTF8", '"UTF-8"'):
        ok = parse_request(
            "POST",
            f"application/sparql-query; charset={charset}",
            {},
            None,
            'ASK { ?s ?p "café" }'.encode(),
        )
        assert ok.query == 'ASK { ?s ?p "café" }'
    for charset in ("ISO-8859-1", "UTF-16", '"x-no-such"'):
        with pytest.raises(UnsupportedMediaTypeError, match="UTF-8 only"):
            parse_request(
                "POST", f"application/sparql-query; charset={charset}", {}, None, b"ASK {}"
            )
