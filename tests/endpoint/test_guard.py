"""The guard decides on the lexed query: no SERVICE, no updates, bounded size and depth."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib.plugins.sparql.parser import parseQuery

from bench import guard_bench
from kg.endpoint.errors import BadRequestError, ForbiddenError, PayloadTooLargeError
from kg.endpoint.guard import Limits, check_query, read_query

REPO = Path(__file__).resolve().parents[2]
P = "http://127.0.0.1:9/sparql"

SERVICE_QUERIES = {
    "plain": f"SELECT * WHERE {{ SERVICE <{P}> {{ ?s ?p ?o }} }}",
    "lower case": f"select * where {{ service <{P}> {{ ?s ?p ?o }} }}",
    "mixed case": f"SELECT * WHERE {{ SeRvIcE <{P}> {{ ?s ?p ?o }} }}",
    "silent": f"SELECT * WHERE {{ SERVICE SILENT <{P}> {{ ?s ?p ?o }} }}",
    "no spaces": f"SELECT*WHERE{{SERVICE<{P}>{{?s ?p ?o}}}}",
    "glued silent": f"SELECT * WHERE {{ SERVICESILENT<{P}> {{ ?s ?p ?o }} }}",
    "escaped keyword": f"SELECT * WHERE {{ \\u0053ERVICE <{P}> {{ ?s ?p ?o }} }}",
    "escaped long form": f"SELECT * WHERE {{ \\U00000053ERVICE <{P}> {{ ?s ?p ?o }} }}",
    "after a comment": f"SELECT * WHERE {{ # a comment }}\n SERVICE <{P}> {{ ?s ?p ?o }} }}",
    "comment inside": f"SELECT * WHERE {{ SERVICE #x\n <{P}> {{ ?s ?p ?o }} }}",
    "in OPTIONAL": f"SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE <{P}> {{ ?s ?p ?o }} }} }}",
    "in a subquery": f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{P}> {{ ?s ?p ?o }} }} }} }}",  # noqa: E501
    "in UNION": f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{P}> {{ ?s ?p ?o }} }} }}",
    "in MINUS": f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE <{P}> {{ ?s ?p ?o }} }} }}",
    "in EXISTS": f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{P}> {{ ?s ?p ?o }} }} }}",
    "in ASK": f"ASK {{ SERVICE <{P}> {{ ?s ?p ?o }} }}",
    "in CONSTRUCT": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{P}> {{ ?s ?p ?o }} }}",
    "in DESCRIBE": f"DESCRIBE ?s WHERE {{ SERVICE <{P}> {{ ?s ?p ?o }} }}",
    "variable endpoint": f"SELECT * WHERE {{ BIND(<{P}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
    "variable endpoint $": f"SELECT * WHERE {{ VALUES $e {{ <{P}> }} SERVICE $e {{ ?s ?p ?o }} }}",
    "prefixed name": "PREFIX ep: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE ep:sparql { ?s ?p ?o } }",  # noqa: E501
    "glued prefixed name": "PREFIX ep: <http://127.0.0.1:9/> SELECT * WHERE { SERVICEep:x { ?s ?p ?o } }",  # noqa: E501
    "relative IRI with BASE": "BASE <http://127.0.0.1:9/> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }",  # noqa: E501
    "after a number": f"SELECT * WHERE {{ ?s ?p 1SERVICE <{P}> {{ ?s ?p ?o }} }}",
    "after true.": f"SELECT * WHERE {{ ?s ?p true.SERVICE <{P}> {{ ?s ?p ?o }} }}",
    "after a string": f'SELECT * WHERE {{ ?s ?p "x"SERVICE <{P}> {{ ?s ?p ?o }} }}',
    "after a datatype": f'SELECT * WHERE {{ ?s ?p "x"^^<http://x/>SERVICE <{P}> {{ ?s ?p ?o }} }}',
    "after a language tag": f'SELECT * WHERE {{ ?s ?p "x"@en SERVICE <{P}> {{ ?s ?p ?o }} }}',
    "after a variable": "SELECT * WHERE { ?s ?p ?o SERVICE ?o { ?s ?p ?o } }",
    "after a local name escape": f"PREFIX e: <http://e/> SELECT * WHERE {{ ?s e:a\\#b ?o SERVICE <{P}> {{ }} }}",  # noqa: E501
    "escaped quote trick": f'SELECT * WHERE {{ ?s ?p "\\u005C" SERVICE <{P}> {{ ?s ?p ?o }} "" }}',
    # pyoxigraph ends a name at a dot followed by more name (the grammar does not)
    "dotted prefixed name": f"PREFIX e: <http://e/> SELECT * WHERE {{ ?s ?p e:a.b.SERVICE <{P}> {{ }} }}",  # noqa: E501
    "dotted, lower case": f"PREFIX e: <http://e/> SELECT * WHERE {{ ?s ?p e:a.service <{P}> {{ }} }}",  # noqa: E501
    "dotted blank node": f"SELECT * WHERE {{ ?s ?p _:a.b.SERVICE <{P}> {{ }} }}",
    "nested deep": "SELECT * WHERE { "
    + "{ " * 10
    + f"SERVICE <{P}> {{ ?s ?p ?o }}"
    + " }" * 10
    + " }",
}

ALLOWED = {
    "service in a string": 'SELECT * WHERE { ?s ?p "SERVICE <http://x/> { }" }',
    "service in a long string": "SELECT * WHERE { ?s ?p '''a\nSERVICE <http://x/> {}''' }",
    "service in a comment": "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> { }",
    "service in an IRI": "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
    "service in a local name": "PREFIX sgd: <https://w3id.org/safeguarding-kg/id/> "
    "SELECT * WHERE { ?s ?p sgd:kind-prison-service }",
    "service as a variable": "SELECT ?service WHERE { ?service ?p ?o }",
    "load in a string": 'SELECT * WHERE { ?s ?p "LOAD <http://x/>" }',
    "from an http graph": "SELECT * FROM <http://127.0.0.1:9/x> WHERE { ?s ?p ?o }",
}

UPDATES = [
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "DELETE DATA { <http://a> <http://b> <http://c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "PREFIX x: <http://x/> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "LOAD SILENT <file:///etc/passwd> INTO GRAPH <http://g>",
    "CLEAR ALL",
    "CLEAR DEFAULT",
    "DROP GRAPH <http://g>",
    "CREATE GRAPH <http://g>",
    "ADD <http://a> TO <http://b>",
    "MOVE DEFAULT TO <http://b>",
    "COPY <http://a> TO DEFAULT",
    "\\u0049NSERT DATA { <http://a> <http://b> <http://c> }",
    "# comment\nBASE <http://x/> INSERT DATA { <a> <b> <c> }",
]


@pytest.mark.parametrize("query", SERVICE_QUERIES.values(), ids=SERVICE_QUERIES.keys())
def test_service_is_refused_wherever_it_appears(query: str) -> None:
    with pytest.raises(BadRequestError, match="federated queries are not allowed"):
        check_query(query)


@pytest.mark.parametrize("query", ALLOWED.values(), ids=ALLOWED.keys())
def test_words_in_strings_iris_comments_and_names_are_not_keywords(query: str) -> None:
    assert check_query(query).form in ("SELECT", "ASK")


@pytest.mark.parametrize("query", UPDATES)
def test_updates_are_forbidden(query: str) -> None:
    with pytest.raises(ForbiddenError, match="read-only"):
        check_query(query)


def test_size_and_emptiness() -> None:
    with pytest.raises(PayloadTooLargeError, match="limit is 100 bytes"):
        check_query("SELECT * WHERE { ?s ?p ?o }" + " " * 100, Limits(max_bytes=100))
    for empty in ("", "   \n\t"):
        with pytest.raises(BadRequestError, match="empty"):
            check_query(empty)
    with pytest.raises(BadRequestError, match="NUL"):
        check_query("SELECT * WHERE { ?s ?p ?o }\x00")


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE " + "{" * 200 + " ?s ?p ?o " + "}" * 200,
        "SELECT * WHERE { FILTER(" + "(" * 200 + "1" + ")" * 200 + ") }",
        "SELECT * WHERE { FILTER(" + "!" * 200 + "true) }",
        "SELECT * WHERE { FILTER(" + "-" * 200 + "1) }",
        "SELECT * WHERE { ?s " + "^" * 200 + "<http://p> ?o }",
        "SELECT * WHERE { ?s " + "(" * 200 + "<http://p>" + ")" * 200 + " ?o }",
        "SELECT * WHERE { ?s ?p " + "[ <http://p> " * 200 + "]" * 200 + " }",
    ],
    ids=["groups", "parentheses", "not", "minus", "inverse", "path", "blank nodes"],
)
def test_deep_nesting_is_refused_before_any_parser(query: str) -> None:
    with pytest.raises(BadRequestError, match="nested 2\\d\\d levels deep; the limit is 48"):
        check_query(query)


def test_form_and_dataset_clause() -> None:
    assert check_query("PREFIX a: <http://a/> BASE <http://b/> ASK {}").form == "ASK"
    assert check_query("construct where { ?s ?p ?o }").form == "CONSTRUCT"
    assert check_query("DESCRIBE <http://a>").form == "DESCRIBE"
    assert check_query("SELECT * FROM NAMED <http://g> { ?s ?p ?o }").has_dataset_clause
    assert not check_query("SELECT ?from WHERE { ?from ?p ?o }").has_dataset_clause
    assert check_query("nonsense").form is None  # the engine reports the syntax error


def test_pragmas_are_refused() -> None:
    with pytest.raises(BadRequestError, match="pragmas"):
        check_query('define get:soft "replace" SELECT * FROM <http://x/> WHERE { ?s ?p ?o }')


@pytest.mark.parametrize("kind", sorted(guard_bench.HOSTILE))
def test_lexer_is_linear_on_hostile_input(kind: str) -> None:
    # ten times the input, about ten times the time (quadratic would be a hundred):
    # a ratio of two timings in the same run, so machine load cannot fail it; the
    # times themselves are printed by bench/guard_bench.py
    small = guard_bench.lex_seconds(guard_bench.hostile(kind, 12_000), runs=3)
    large = guard_bench.lex_seconds(guard_bench.hostile(kind, 120_000), runs=3)
    assert large / max(small, 1e-3) < 35, f"{kind}: {small:.4f} s -> {large:.4f} s"


def _mentions_service(tree: object) -> bool:
    """Whether rdflib's parse tree has a ServiceGraphPattern anywhere."""
    seen: set[int] = set()

    def walk(node: object) -> bool:
        if id(node) in seen:
            return False
        seen.add(id(node))
        if getattr(node, "name", None) == "ServiceGraphPattern":
            return True
        if isinstance(node, dict):
            return any(walk(v) for v in node.values())
        if isinstance(node, list | tuple):
            return any(walk(v) for v in node)
        return False

    return walk(tree)


def test_guard_agrees_with_rdflibs_parse_tree() -> None:
    """Whenever rdflib's parser finds a SERVICE, the guard refuses the query."""
    corpus = {**SERVICE_QUERIES, **ALLOWED}
    for path in sorted((REPO / "queries").rglob("*.rq")):
        corpus[path.name] = path.read_text(encoding="utf-8")
    checked = 0
    for name, text in corpus.items():
        try:
            tree = parseQuery(text)
        except Exception:  # noqa: BLE001 - rdflib cannot parse it: nothing to compare
            continue
        checked += 1
        if _mentions_service(tree):
            with pytest.raises(BadRequestError):
                check_query(text)
        elif name not in SERVICE_QUERIES:  # (the guard may refuse more than rdflib sees)
            check_query(text)
    assert checked >= 20


# ----------------------------------------------------------- against the engine itself


@pytest.fixture(scope="module")
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A TCP port that records every connection made to it (a SERVICE call)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    calls: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                calls.append(conn.recv(64))

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], calls
    stop.set()
    thread.join(timeout=2)
    server.close()


# names of dot-separated segments, some of them keywords, some ending in a dot
_LOCAL_NAMES = st.builds(
    lambda segments, trailing: ".".join(segments) + trailing,
    st.lists(st.sampled_from(["a", "b1", "x-y", "SERVICE", "service", "SILENT", ""]),
             min_size=1, max_size=4),
    st.sampled_from(["", "."]),
)  # fmt: skip
_SEPARATORS = st.sampled_from(["", " ", ".", "\n", " . ", "#c\n", ";", ","])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    local=_LOCAL_NAMES.filter(lambda n: n[:1].isalnum()),
    sep=_SEPARATORS,
    keyword=st.sampled_from(["SERVICE", "service", "SeRvIcE", "SERVICE SILENT", "SILENT"]),
    blank=st.booleans(),
)
def test_what_the_guard_allows_never_calls_out(
    listener: tuple[int, list[bytes]], local: str, sep: str, keyword: str, blank: bool
) -> None:
    """Differential check against pyoxigraph's own reading of the text: whatever the
    guard lets through never makes the engine contact another server, however the
    engine splits a name. The store holds a match for every dot-separated head of the
    name, so a pattern the engine reads is never empty and a SERVICE after it runs."""
    port, calls = listener
    name = f"_:{local}" if blank else f"e:{local}"
    query = (
        f"PREFIX e: <http://e/> SELECT * WHERE {{ ?s ?p {name}{sep}"
        f"{keyword} <http://127.0.0.1:{port}/> {{ ?x ?y ?w }} }}"
    )
    try:
        check_query(query)
    except (BadRequestError, ForbiddenError):
        return
    store = ox.Store()
    parts = local.split(".")
    for i in range(1, len(parts) + 1):
        store.add(ox.Quad(ox.NamedNode("http://s"), ox.NamedNode("http://p"),
                          ox.NamedNode("http://e/" + ".".join(parts[:i]))))  # fmt: skip
    before = len(calls)
    with contextlib.suppress(SyntaxError, OSError, ValueError):  # refused, or called out
        list(store.query(query))  # type: ignore[arg-type]
    time.sleep(0.01)
    assert len(calls) == before, f"the engine called out for an allowed query: {query!r}"


# ------------------------------------------------- chains that crash the engine

X = "<http://x/p>"
#: (query, the count the guard must find, the limit it is checked against)
COUNTED = {
    "operators": ("SELECT (1 + 2 * 3 - -4 AS ?x) { FILTER(!?a || ?b && ?c = ?d) }", 8),
    "comparisons": ("ASK { FILTER(?a != 1 && ?a < 2 && ?a > 0 && ?a <= 3 && ?a >= 4) }", 9),
    "unions": ("SELECT * { { ?s ?p ?o } UNION { ?s ?p ?o } UNION { ?a ?b ?c } }", 2),
    "optionals": ("SELECT * { ?s ?p ?o OPTIONAL { ?s ?q ?r } MINUS { ?s ?p 1 } }", 2),
    "filters": ("SELECT * { ?s ?p ?o BIND(1 AS ?x) FILTER(?o) FILTER(?x) }", 3),
    "triple_patterns": ("SELECT * { ?s ?p ?o , ?o2 ; ?q ?r . ?r ?p [ ?p ?o ] }", 5),
    "path_steps": (f"SELECT * {{ ?s {X}/{X}|^{X}/{X} ?o }}", 4),
}


@pytest.mark.parametrize("name", sorted(COUNTED))
def test_the_guard_counts_what_crashes_the_engine(name: str) -> None:
    query, count = COUNTED[name]
    field = "operators" if name == "comparisons" else name
    assert getattr(read_query(query), field) == count
    check_query(query, Limits(**{f"max_{field}": count}))  # at the limit: allowed
    below = Limits(**{f"max_{field}": count - 1})
    with pytest.raises(BadRequestError, match=f"has {count} .*limit is {count - 1} .*max_{field}"):
        check_query(query, below)


def test_keywords_and_operators_in_strings_iris_and_comments_are_not_counted() -> None:
    reading = read_query(
        'SELECT * { ?s <http://x/a/b> "1+1 UNION OPTIONAL / | ." # || MINUS BIND\n }'
    )
    assert (reading.operators, reading.unions, reading.optionals, reading.path_steps) == (
        1,  # the * of SELECT *
        0,
        0,
        0,
    )


def test_the_shipped_queries_are_far_below_every_count_limit() -> None:
    limits = Limits()
    for path in sorted((REPO / "queries").rglob("*.rq")):
        reading = read_query(path.read_text(encoding="utf-8"))
        for field in ("operators", "unions", "optionals", "filters", "triple_patterns"):
            assert getattr(reading, field) * 4 <= getattr(limits, f"max_{field}"), (path, field)
        assert reading.path_steps * 10 <= limits.max_path_steps, path
