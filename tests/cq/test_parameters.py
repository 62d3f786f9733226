"""Parameters of the shipped queries: a ``VALUES ?name { value }  # param`` line that
``kg query --param``, the pages and the editor replace (issue 14, item 3).

Values are typed by their default and never reach the query as text: a bad value is
refused naming the parameter (``kg query`` exits 2, no traceback), and what looks
like SPARQL inside a value stays inside a literal.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.config import SGD, Settings
from kg.endpoint.guard import read_query
from kg.errors import QueryError
from kg.query import (
    bind_values,
    load_query,
    parse_query_text,
    resolve_bindings,
    run_query,
    runnable_text,
    set_parameters,
)
from kg.store import open_store
from tests.endpoint.compare import normalise
from tests.helpers import run_kg

XSD = "http://www.w3.org/2001/XMLSchema#"
QUERY = """PREFIX sg: <https://w3id.org/safeguarding-kg/ontology#>
PREFIX sgd: <https://w3id.org/safeguarding-kg/id/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
# not a parameter: VALUES ?nope { 1 }  # param
SELECT ?kind ?day ?label ?asAt WHERE {
  VALUES ?kind { sgd:kind-youth-offending-team }  # param: a kind of body
  VALUES ?day { "2017-08-01"^^xsd:date }  # PARAM
  VALUES ?label { "youth offending team" }  # param: a label
  VALUES ?asAt { UNDEF }  # param: a day; UNDEF: today
  VALUES ?role { sg:boardPartner sg:boardMember }  # two values, no mark: not one
  ?x ?p "VALUES ?q { 1 }  # param" .
}
"""


def test_marked_values_lines_are_the_parameters() -> None:
    query = parse_query_text(QUERY, origin="q.rq")
    assert list(query.params) == ["kind", "day", "label", "asAt"]
    kind = query.params["kind"]
    assert kind.default == ox.NamedNode(SGD + "kind-youth-offending-team")
    assert (kind.line, kind.about) == (6, "a kind of body")
    assert query.params["day"].default == ox.Literal(
        "2017-08-01", datatype=ox.NamedNode(XSD + "date")
    )
    assert query.params["asAt"].default is None  # UNDEF: no value, and none needed
    assert resolve_bindings(query) == {
        "kind": kind.default,
        "day": query.params["day"].default,
        "label": ox.Literal("youth offending team"),
    }
    assert runnable_text(query) == QUERY  # the defaults stay as written


@pytest.mark.parametrize(
    "clause",
    [
        "VALUES ?x { 1 2 }  # param",
        "VALUES (?x ?y) { (1 2) }  # param",
        "VALUES ?x { ?y }  # param",
        "VALUES ?x { }  # param",
    ],
)
def test_a_marked_clause_of_another_shape_is_refused(clause: str) -> None:
    with pytest.raises(QueryError, match=r"^q\.rq:2: a parameter is one variable with one value"):
        parse_query_text(f"SELECT * WHERE {{\n  {clause}\n  ?x ?p ?o }}", origin="q.rq")


def test_a_bad_default_is_refused_with_its_line() -> None:
    text = f'SELECT * WHERE {{\n VALUES ?d {{ "2019-02-30"^^<{XSD}date> }} # param\n}}'
    with pytest.raises(QueryError, match=r"^q\.rq:2: d: '2019-02-30' is not a valid xsd:date"):
        parse_query_text(text, origin="q.rq")


def test_a_parameter_declared_twice_is_refused() -> None:
    text = "# param: x = 1\nSELECT * WHERE { VALUES ?x { 2 }  # param\n ?x ?p ?o }"
    with pytest.raises(QueryError, match="declared twice"):
        parse_query_text(text, origin="q.rq")


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("day", "2019-06-29", ox.Literal("2019-06-29", datatype=ox.NamedNode(XSD + "date"))),
        (
            "day",
            '"2019-06-29"^^xsd:date',
            ox.Literal("2019-06-29", datatype=ox.NamedNode(XSD + "date")),
        ),
        ("kind", "sgd:kind-lscb", ox.NamedNode(SGD + "kind-lscb")),
        ("kind", SGD + "kind-lscb", ox.NamedNode(SGD + "kind-lscb")),  # a bare absolute IRI
        ("label", "local authority", ox.Literal("local authority")),
        ("asAt", "2020-01-01", ox.Literal("2020-01-01", datatype=ox.NamedNode(XSD + "date"))),
    ],
)
def test_values_are_typed_by_the_default(name: str, value: str, expected: ox.Literal) -> None:
    query = parse_query_text(QUERY)
    assert resolve_bindings(query, {name: value})[name] == expected


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("day", "2019-02-30", "--param day: '2019-02-30' is not a valid xsd:date"),
        ("day", "tomorrow", "--param day: 'tomorrow' is not a valid xsd:date"),
        ("day", '"2019-06-29"', "--param day: expects a value of type xsd:date"),
        ("day", "<https://example.org/a>", "--param day: expects a value of type xsd:date"),
        ("kind", '"a youth offending team"', "--param kind: expects an IRI"),
        ("kind", "youth offending team", "--param kind: cannot read"),
        ("kind", "<https://example.org/a> } ; DROP ALL ; SELECT * {", "--param kind: cannot read"),
        ("asAt", "not a term", "--param asAt: cannot read"),
        ("nope", "1", "unknown parameter 'nope'"),
    ],
)
def test_a_bad_value_is_refused_naming_the_parameter(name: str, value: str, message: str) -> None:
    with pytest.raises(QueryError) as info:
        resolve_bindings(parse_query_text(QUERY), {name: value})
    assert str(info.value).startswith(message), str(info.value)


def test_sparql_in_a_value_stays_inside_a_literal() -> None:
    query = parse_query_text(QUERY)
    attack = 'x" } } SELECT * WHERE { ?s ?p ?o } #\n} #'
    text = runnable_text(query, {"label": attack})
    # the same keywords as before: the attack is one string token
    assert read_query(text).words == read_query(QUERY).words
    written = set_parameters(QUERY, {"label": ox.Literal(attack)})
    assert written == text
    solutions = ox.Store().query(text.replace("?x ?p", "BIND(1 AS ?one) #"))
    assert {s["label"].value for s in solutions} == {attack}


def test_kg_query_writes_the_new_value_in_the_values_line_too() -> None:
    """The marked line takes the value as well, so it never contradicts it."""
    query = parse_query_text(QUERY)
    text = bind_values(query.text, resolve_bindings(query, {"kind": "sgd:kind-lscb"}))
    assert f"VALUES ?kind {{ <{SGD}kind-lscb> }}  # param" in text
    assert "kind-youth-offending-team" not in text


def test_the_editor_text_gives_what_kg_query_gives(real_store: Settings) -> None:
    store = open_store(real_store)
    path = real_store.queries_dir / "cq18-in-force-at-date.rq"
    query = load_query(path, real_store)
    shown = runnable_text(query, {"date": "2004-06-01"})
    assert 'VALUES ?date { "2004-06-01"^^<http://www.w3.org/2001/XMLSchema#date> }' in shown
    expected = run_query(store, query, {"date": "2004-06-01"})
    got = run_query(store, parse_query_text(shown))
    assert normalise(got, shown) == normalise(expected, shown)
    assert normalise(got, shown) != normalise(run_query(store, query), shown)


@pytest.mark.slow
def test_kg_query_refuses_a_bad_value_with_exit_2(real_store: Settings) -> None:
    cq18 = "queries/cq18-in-force-at-date.rq"
    bad = run_kg(["query", cq18, "--param", "date=2019-02-30"], real_store)
    assert bad.returncode == 2, bad.stderr
    assert "--param date: '2019-02-30' is not a valid xsd:date" in bad.stderr
    assert "Traceback" not in bad.stderr
    cq17 = "queries/cq17-duties-of-a-kind.rq"
    bad = run_kg(["query", cq17, "--param", 'kind="youth offending team"'], real_store)
    assert bad.returncode == 2 and "--param kind: expects an IRI" in bad.stderr
    assert "Traceback" not in bad.stderr
    good = run_kg(["query", cq18, "--param", "date=2004-06-01", "--format", "csv"], real_store)
    assert good.returncode == 0, good.stderr
    assert len(good.stdout.splitlines()) > 10
