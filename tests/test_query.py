import csv
import io
import json

import pyoxigraph as ox
import pytest

from kg.config import SGD
from kg.errors import QueryError
from kg.query import (
    format_csv,
    format_json,
    format_result,
    format_table,
    load_query,
    parse_assignment,
    parse_query_text,
    parse_term,
    query_keywords,
    resolve_bindings,
    run_query,
    select_where_brace,
    with_values_clause,
)
from kg.store import open_store
from tests.helpers import FIXTURES

XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
QUERY_FILE = FIXTURES / "kg-basic" / "queries" / "duties-owed-by.rq"


def ids(result, column=0):
    return [row[column].value.removeprefix(SGD) for row in result.rows]


# ---------------------------------------------------------------- parameters


def test_header_defaults_are_parsed():
    query = load_query(QUERY_FILE)
    assert query.params["kind"].default == ox.NamedNode(SGD + "kind-youth-offending-team")
    assert query.params["date"].default == ox.Literal("2017-08-01", datatype=XSD_DATE)
    assert query.params["kind"].line == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<http://example.org/a>", ox.NamedNode("http://example.org/a")),
        ("sgd:kind-lscb", ox.NamedNode(SGD + "kind-lscb")),
        ("ex:thing", ox.NamedNode("http://example.org/thing")),  # from the query's PREFIX
        ('"2017-08-01"^^xsd:date', ox.Literal("2017-08-01", datatype=XSD_DATE)),
        ('"plain"', ox.Literal("plain")),
        ('"Kinder"@de', ox.Literal("Kinder", language="de")),
        ("42", ox.Literal("42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))),
        (
            "true",
            ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")),
        ),
    ],
)
def test_parse_term(text, expected):
    assert parse_term(text, {"ex": "http://example.org/"}) == expected


@pytest.mark.parametrize(
    "text", ["hello", "<relative>", "[]", "<http://a> . <http://b> <http://c> <http://d>", ""]
)
def test_parse_term_rejects(text):
    with pytest.raises(QueryError):
        parse_term(text)


def test_malformed_param_line_is_reported_with_line():
    with pytest.raises(QueryError) as info:
        parse_query_text("# about\n# param: 9lives = 1\nSELECT ?x WHERE {}", origin="q.rq")
    assert str(info.value).startswith("q.rq:2: malformed parameter")


def test_param_must_be_a_query_variable():
    with pytest.raises(QueryError, match="not a variable"):
        parse_query_text("# param: kind = 1\nSELECT ?x WHERE { ?x ?p ?y }", origin="q.rq")


def test_param_lines_after_the_header_are_ignored():
    query = parse_query_text("SELECT ?x WHERE { ?x ?p ?y }\n# param: x = 1\n")
    assert query.params == {}


def test_parse_assignment():
    assert parse_assignment("kind=sgd:x") == ("kind", "sgd:x")
    assert parse_assignment('?date="a=b"') == ("date", '"a=b"')
    with pytest.raises(QueryError):
        parse_assignment("novalue")


# ----------------------------------------------------------------- execution


def test_defaults_apply(basic_store):
    result = run_query(open_store(basic_store), load_query(QUERY_FILE))
    assert result.variables == ["duty", "label", "from"]
    assert ids(result) == ["duty-ca2004-s11-yot", "duty-cda1998-s39-yot"]


def test_override_replaces_header_default(basic_store):
    result = run_query(
        open_store(basic_store),
        load_query(QUERY_FILE),
        {"kind": "sgd:kind-local-authority", "date": '"2030-06-01"^^xsd:date'},
    )
    assert ids(result) == ["duty-ca2004-s11-la"]


def test_override_date_literal(basic_store):
    result = run_query(
        open_store(basic_store), load_query(QUERY_FILE), {"date": '"2040-01-01"^^xsd:date'}
    )
    assert ids(result) == ["duty-ca2004-s11-yot", "duty-cda1998-s39-yot", "duty-future-yot"]


def test_bare_override_takes_the_default_datatype(basic_store):
    query = load_query(QUERY_FILE)
    assert resolve_bindings(query, {"date": "2040-01-01"})["date"] == ox.Literal(
        "2040-01-01", datatype=XSD_DATE
    )
    with pytest.raises(QueryError, match="--param kind"):
        resolve_bindings(query, {"kind": "not-a-term"})  # IRI default: no guessing


def test_projected_params_use_native_substitution(basic_store):
    text = (
        "# param: kind = sgd:kind-local-authority\n"
        "PREFIX sg: <https://w3id.org/safeguarding-kg/ontology#>\n"
        "SELECT ?duty ?kind WHERE { ?duty sg:owedBy ?kind }"
    )
    result = run_query(open_store(basic_store), parse_query_text(text))
    assert ids(result) == ["duty-ca2004-s11-la"]
    assert ids(result, 1) == ["kind-local-authority"]


def test_prefixed_default_uses_query_prefixes(basic_store, monkeypatch):
    monkeypatch.chdir(FIXTURES / "kg-basic")
    result = run_query(open_store(basic_store), load_query("queries/duties-owed-by-prefixed.rq"))
    assert ids(result) == ["duty-ca2004-s11-la"]


def test_queries_folder_lookup(basic_store):
    query = load_query("duties-owed-by-prefixed.rq", basic_store)
    assert query.params["kind"].default == ox.NamedNode(SGD + "kind-local-authority")


def test_unknown_and_missing_params(basic_store):
    store = open_store(basic_store)
    with pytest.raises(QueryError, match="unknown parameter 'nope'"):
        run_query(store, load_query(QUERY_FILE), {"nope": "1"})
    required = parse_query_text("# param: kind\nSELECT ?d WHERE { ?d ?p ?kind }")
    with pytest.raises(QueryError, match="missing value for parameter"):
        run_query(store, required)
    assert run_query(store, required, {"kind": "sgd:kind-local-authority"}).rows


def test_ask_and_construct(basic_store):
    store = open_store(basic_store)
    yes = run_query(
        store, load_query("ASK { ?d a <https://w3id.org/safeguarding-kg/ontology#Duty> }")
    )
    no = run_query(store, load_query("ASK { ?d a <http://example.org/Nothing> }"))
    assert (yes.form, yes.boolean, no.boolean) == ("ask", True, False)
    assert format_table(yes) == "true\n" and format_table(no) == "false\n"
    graph = run_query(store, load_query("CONSTRUCT { ?d a ?c } WHERE { ?d a ?c } LIMIT 2"))
    assert graph.form == "graph" and len(graph.triples) == 2
    assert "@prefix" in format_result(graph, "turtle")
    assert format_result(graph, "ntriples").count("\n") == 2
    with pytest.raises(QueryError, match="CONSTRUCT"):
        format_result(yes, "turtle")


def test_sparql_syntax_error(basic_store):
    with pytest.raises(QueryError) as info:
        run_query(open_store(basic_store), load_query("SELECT ?x\nWHERE { ?x ?y }"))
    assert info.value.line == 2 and "invalid SPARQL" in str(info.value)


def test_missing_query_file():
    with pytest.raises(QueryError, match="no such query file"):
        load_query("nope.rq")


# ------------------------------------------------------------------ formats


SAMPLE = """SELECT ?iri ?text ?lang ?num ?date ?unbound ?bnode WHERE {
  VALUES (?iri ?text ?lang ?num ?date) {
    (<http://example.org/a> "comma, \\"quote\\"\\nnewline" "Kinder"@de 42 "2017-08-01"^^<http://www.w3.org/2001/XMLSchema#date>)
  }
  BIND (BNODE("b") AS ?bnode)
}"""


def test_csv_matches_w3c_serializer():
    store = ox.Store()
    ours = format_csv(run_query(store, load_query(SAMPLE)))
    theirs = store.query(SAMPLE).serialize(format=ox.QueryResultsFormat.CSV).decode()
    rows_ours = list(csv.reader(io.StringIO(ours)))
    rows_theirs = list(csv.reader(io.StringIO(theirs)))
    bnode_col = rows_ours[0].index("bnode")
    for row in rows_ours[1:] + rows_theirs[1:]:
        assert row[bnode_col].startswith("_:")
        row[bnode_col] = "_:x"
    assert rows_ours == rows_theirs
    assert ours.endswith("\r\n") and "\r\n" in ours


def test_json_matches_w3c_serializer():
    store = ox.Store()
    ours = json.loads(format_json(run_query(store, load_query(SAMPLE))))
    theirs = json.loads(store.query(SAMPLE).serialize(format=ox.QueryResultsFormat.JSON))
    for doc in (ours, theirs):
        doc["results"]["bindings"][0]["bnode"]["value"] = "x"
    assert ours == theirs
    ask = json.loads(format_json(run_query(store, load_query("ASK {}"))))
    assert ask == {"head": {}, "boolean": True}


def test_table_is_compact_and_one_line_per_row():
    table = format_table(run_query(ox.Store(), load_query(SAMPLE)))
    lines = table.splitlines()
    assert lines[0].split(" | ")[0].strip() == "iri"
    assert "<http://example.org/a>" in lines[2] and "Kinder@de" in lines[2]
    assert "\\n" in lines[2]
    assert lines[-1] == "(1 row)"


# ------------------------------------------------------------ VALUES fallback


@pytest.mark.parametrize(
    ("text", "expected_prefix"),
    [
        ("SELECT ?x WHERE { ?x ?p ?o }", "SELECT ?x WHERE {"),
        ("SELECT ?x { ?x ?p ?o }", "SELECT ?x {"),
        (
            "PREFIX e: <http://e/x>\n# { comment\n"
            'SELECT ("{" AS ?b) (EXISTS { ?x ?p ?o } AS ?e) ?x\nWHERE { ?x ?p ?o }',
            '\nSELECT ("{" AS ?b) (EXISTS { ?x ?p ?o } AS ?e) ?x\nWHERE {',
        ),
    ],
)
def test_select_where_brace(text, expected_prefix):
    index = select_where_brace(text)
    assert index is not None and text[: index + 1].endswith(expected_prefix)


def test_query_keywords_skip_comments_strings_and_iris():
    text = '# SERVICE\nSELECT * WHERE { ?s <http://e/SERVICE> "SERVICE" . ?service ?p ?o }'
    assert "SERVICE" not in query_keywords(text)
    assert {"SELECT", "WHERE"} <= query_keywords(text)


def test_values_clause_is_not_used_for_construct():
    assert select_where_brace("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }") is None


def test_values_clause_binds_filters():
    text = "SELECT ?x WHERE { VALUES ?x { 1 2 3 } FILTER (?x > ?min) }"
    rewritten = with_values_clause(
        text,
        {"min": ox.Literal("1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))},
    )
    assert [r["x"].value for r in ox.Store().query(rewritten)] == ["2", "3"]
