"""The store backend over a SPARQL endpoint (kg.remote) and ``kg push`` (kg.push).

Any SPARQL 1.1 server will do for most of these: the tests use our own
``kg serve`` as the external server, so they run without Virtuoso.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.config import Settings
from kg.push import batches, push
from kg.query import (
    QueryResult,
    _read_result,
    bind_values,
    load_query,
    resolve_bindings,
    run_query,
)
from kg.remote import RemoteStore, RemoteStoreReader, _safe_bnode_labels
from kg.store import open_store, read_manifest
from tests.endpoint.compare import describe_difference, normalise
from tests.endpoint.util import Server, http, run_server
from tests.helpers import REPO

SHIPPED = sorted((REPO / "queries").glob("cq*.rq"))
N = ox.NamedNode


# --------------------------------------------------------------- binding


def test_bind_values_binds_like_pyoxigraph_substitutions(real_store: Settings) -> None:
    store = open_store(real_store)
    for path in SHIPPED:
        query = load_query(path, real_store)
        bound = bind_values(query.text, resolve_bindings(query))
        a = run_query(store, query)
        b = _read_result(store.query(bound))  # the default graph: distinct triples
        assert normalise(a, query.text) == normalise(b, query.text), path.name


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "SELECT ?s WHERE { ?s ?p ?o }",
            "WHERE { VALUES (?s) { (<http://a>) }  <http://a> ?p ?o }",
        ),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT WHERE { <http://a> ?p ?o }"),
        ("DESCRIBE ?s", "DESCRIBE ?s\n VALUES (?s) { (<http://a>) } "),
        (
            "SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } GROUP BY ?s } BIND(1 AS ?s2) }",
            "{ SELECT ?s WHERE { <http://a> ?p ?o } GROUP BY ?s }",
        ),
        ('SELECT * WHERE { ?x ?p "?s" }', 'VALUES (?s) { (<http://a>) }  ?x ?p "?s" }'),
    ],
)
def test_bind_values_cases(query: str, expected: str) -> None:
    bound = bind_values(query, {"s": N("http://a")})
    assert expected in bound
    ox.Store().query(bound)  # still valid SPARQL


def test_virtuoso_blank_node_labels_are_made_valid() -> None:
    data = (
        b'{"head":{"vars":["b"]},"results":{"bindings":[{"b":{"type":"bnode",'
        b'"value":"nodeID://b10006"}}]}}'
    )
    rows = list(ox.parse_query_results(_safe_bnode_labels(data), format=ox.QueryResultsFormat.JSON))
    assert isinstance(rows[0]["b"], ox.BlankNode)


# ----------------------------------------------- RemoteStore over kg serve


@pytest.fixture(scope="module")
def real_server(real_store: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with run_server(real_store, tmp_path_factory.mktemp("real-serve"), KG_STORE_MODE="disk") as s:
        yield s


@pytest.mark.slow
def test_every_shipped_query_through_remote_store(
    real_server: Server, real_store: Settings
) -> None:
    local = open_store(real_store)
    with RemoteStore(real_server.sparql) as remote:
        assert remote.graphs() == sorted(read_manifest(real_store)["graphs"])
        for path in SHIPPED:
            query = load_query(path, real_store)
            a: QueryResult = run_query(local, query)
            b: QueryResult = run_query(remote, query)
            na, nb = normalise(a, query.text), normalise(b, query.text)
            assert na == nb, f"{path.name}: {describe_difference(na, nb)}"


@pytest.mark.slow
def test_remote_store_interface(
    real_server: Server, real_store: Settings, request: pytest.FixtureRequest
) -> None:
    remote = RemoteStore(real_server.sparql)
    request.addfinalizer(remote.close)
    counts = read_manifest(real_store)["graphs"]
    assert remote.quad_counts() == counts and len(remote) == sum(counts.values())
    graph = N("https://w3id.org/safeguarding-kg/graph/areas")
    quads = list(remote.quads_for_pattern(None, None, None, graph))
    assert len(quads) == counts[graph.value] and all(q.graph_name == graph for q in quads)
    triples = list(
        remote.query("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3", use_default_graph_as_union=True)
    )
    assert len(triples) == 3 and isinstance(triples[0], ox.Triple)
    assert bool(remote.query("ASK { ?s ?p ?o }", use_default_graph_as_union=True))
    with pytest.raises(SyntaxError, match="refused the query"):
        remote.query("SELECT * WHERE { ?s ?p }")
    store, manifest = RemoteStoreReader(real_store, remote).get()
    assert store is remote and manifest["total_quads"] == sum(counts.values())


@pytest.mark.slow
def test_kg_serve_with_store_url(real_server: Server, real_store: Settings, tmp_path: Path) -> None:
    with run_server(real_store, tmp_path, "--store", real_server.sparql) as server:
        for page in ("/", "/bodies", "/provisions", "/index.json"):
            status, _, body = http("GET", server.url + page)
            assert status == 200, (page, body[:300])
        status, headers, body = http(
            "GET", server.sparql, params={"query": "SELECT * WHERE { ?s ?p ?o }", "format": "csv"}
        )
        assert status == 200 and body.count(b"\r\n") == int(headers["x-kg-rows"]) + 1
        status, _, body = http("GET", server.sparql, params={"query": "SELECT * WHERE { ?s ?p }"})
        assert status == 400 and b"refused the query" in body


# ---------------------------------------------------------------- kg push


def test_batches_keep_blank_node_components_together() -> None:
    b = [ox.BlankNode(f"b{i}") for i in range(6)]
    p = N("http://p")
    triples = [ox.Triple(N(f"http://s{i}"), p, N("http://o")) for i in range(10)]
    # a chain b0 -> b1 -> ... -> b5 (an RDF list, say), reached from s0
    triples.append(ox.Triple(N("http://s0"), p, b[0]))
    triples += [ox.Triple(b[i], p, b[i + 1]) for i in range(5)]
    out = list(batches(triples, 3))
    assert sum(len(x) for x in out) == len(triples)
    holding = [
        i for i, batch in enumerate(out) if any(isinstance(t.object, ox.BlankNode) for t in batch)
    ]
    assert len(holding) == 1  # the whole chain in one batch


class _Recorder(BaseHTTPRequestHandler):
    requests: list[tuple[str, str, dict[str, str], bytes]] = []

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if "Authorization" not in self.headers:  # credentials only when challenged
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="graphs"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        type(self).requests.append((self.command, self.path, dict(self.headers), body))
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_PUT = do_POST = _handle  # noqa: N815

    def log_message(self, *args: object) -> None:
        pass


def test_push_replaces_each_graph_by_gsp(basic_store: Settings) -> None:
    _Recorder.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/gsp"
        report = push(basic_store, url, batch_triples=10, user="writer", password="s3cret")
    finally:
        server.shutdown()
        server.server_close()
    manifest = read_manifest(basic_store)
    assert report.graphs == manifest["graphs"]
    by_graph: dict[str, list[str]] = {}
    total = 0
    # first, an empty POST (adds nothing) that checks the credentials before any large body
    probe, *requests = _Recorder.requests
    assert probe[0] == "POST" and probe[3] == b""
    for method, path, headers, body in requests:
        assert headers["Authorization"] == "Basic " + base64.b64encode(b"writer:s3cret").decode()
        assert headers["Content-Type"] == "application/n-triples"
        graph = path.split("graph=")[1]
        by_graph.setdefault(graph, []).append(method)
        total += len(list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES)))
    assert total == manifest["total_quads"]
    for methods in by_graph.values():
        assert methods[0] == "PUT" and set(methods[1:]) <= {"POST"}
