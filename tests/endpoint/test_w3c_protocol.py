"""The W3C SPARQL 1.1 Protocol tests, read from their manifest, against ``kg serve``.

tests/fixtures/w3c-protocol/manifest.ttl describes each test in prose: one or more
HTTP requests (``#### Request``: request line, headers, body) each followed by the
expected response (``#### Response``: status class, allowed media types, the boolean
or other expected answer). This module reads those exchanges, sends each request to a
real ``kg serve`` on loopback whose store holds the manifest's remote documents
(``http://kasei.us/2009/09/sparql/data/dataN.rdf``) as named graphs loaded from
fixture files (see the fixture's README: stand-ins), and checks the response.

The endpoint is read-only, so the tests of SPARQL Update do not apply as written:
:data:`NOT_APPLICABLE` lists them with the reason. Each of their update requests must
be answered with the documented refusal (403, docs/endpoint.md), and the queries
that would check the update's effect are not sent. Tests that expect an update to be
refused (``bad_update_*``, 4xx) apply as they are.
"""

from __future__ import annotations

import http.client
import json
import re
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.collection import Collection

from kg.config import Settings
from tests.endpoint.util import TEST_LIMITS, Server, publish_store, run_server
from tests.helpers import FIXTURES

SUITE = FIXTURES / "w3c-protocol"
MANIFEST = SUITE / "manifest.ttl"
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
RDFS_COMMENT = URIRef("http://www.w3.org/2000/01/rdf-schema#comment")
#: The remote documents the tests name, each the named graph of a local file.
DATA = {
    f"http://kasei.us/2009/09/sparql/data/data{n}.rdf": SUITE / "data" / f"data{n}.nt"
    for n in range(4)
}
#: How the endpoint refuses an update (docs/endpoint.md).
UPDATE_REFUSED = 403
NOT_APPLICABLE = {
    name: "SPARQL Update: the endpoint is read-only, so the update is refused (403) and "
    "the query that checks its effect is not sent"
    for name in (
        "update_dataset_default_graph",
        "update_dataset_default_graphs",
        "update_dataset_named_graphs",
        "update_dataset_full",
        "update_post_form",
        "update_post_direct",
        "update_base_uri",
    )
}


@dataclass
class Exchange:
    """One request of a test and the response it expects."""

    method: str
    target: str  # path and query string, as written
    headers: dict[str, str]
    body: str | None
    status: str  # "2xx or 3xx", "4xx"
    media_types: list[str] = field(default_factory=list)  # any of these, if given
    expected: str | None = None  # "true", "false" or prose


@dataclass
class ProtocolTest:
    name: str
    title: str
    utf16: bool  # "(content body encoded in utf-16)"
    exchanges: list[Exchange]


def _block(lines: list[str]) -> list[str]:
    """The indented block of a prose section, dedented; blank lines kept inside."""
    out = [line[4:] if line.startswith("    ") else line.strip() for line in lines]
    while out and not out[-1].strip():
        out.pop()
    while out and not out[0].strip():
        out.pop(0)
    return out


def _media_types(value: str) -> list[str]:
    return [m for m in re.split(r",\s*(?:or\s+)?|\s+or\s+", value.strip()) if "/" in m]


def parse_exchanges(comment: str) -> list[Exchange]:
    """The request/response pairs of a test's prose (``#### Request`` ...)."""
    sections = re.split(r"^#### (Request|Response)\s*$", comment, flags=re.MULTILINE)
    exchanges: list[Exchange] = []
    for kind, text in zip(sections[1::2], sections[2::2], strict=True):
        text = text.split("\nfollowed by", 1)[0]
        lines = _block(text.splitlines())
        if kind == "Request":
            words = lines[0].split()
            headers: dict[str, str] = {}
            index = 1
            while index < len(lines) and lines[index].strip():
                name, _, value = lines[index].partition(":")
                headers[name.strip().lower()] = value.strip()
                index += 1
            body_lines = [line.rstrip() for line in lines[index + 1 :]]
            body = "\n".join(body_lines).strip("\n") or None
            exchanges.append(Exchange(words[0], words[1], headers, body, status=""))
        else:
            exchange = exchanges[-1]
            exchange.status = lines[0].replace(" response", "").strip()
            rest = [line.strip() for line in lines[1:]]
            for line in rest:
                if line.lower().startswith("content-type:"):
                    exchange.media_types = _media_types(line.split(":", 1)[1])
            answer = [line for line in rest if line and not line.lower().startswith("content-")]
            exchange.expected = " ".join(answer) or None
    return exchanges


def load_manifest(path: Path = MANIFEST) -> list[ProtocolTest]:
    """The manifest's tests in the order of its ``mf:entries``."""
    graph = Graph().parse(path, format="turtle")
    manifest = next(graph.subjects(URIRef(MF + "entries"), None))
    entries = Collection(graph, graph.value(manifest, URIRef(MF + "entries")))
    tests = []
    for entry in entries:
        comment = str(graph.value(entry, RDFS_COMMENT))
        tests.append(
            ProtocolTest(
                name=str(entry).rsplit("#", 1)[1],
                title=str(graph.value(entry, URIRef(MF + "name"))),
                utf16="encoded in utf-16" in comment,
                exchanges=parse_exchanges(comment),
            )
        )
    return tests


TESTS = load_manifest()


@pytest.fixture(scope="module")
def w3c_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``kg serve`` over a store holding the test documents as named graphs."""
    root = tmp_path_factory.mktemp("w3c-protocol")
    quads = [
        ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(iri))
        for iri, path in DATA.items()
        for t in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    ]
    publish_store(quads, root / "store")
    settings = Settings.for_home(SUITE, store_dir=root / "store")
    with run_server(settings, root, **TEST_LIMITS) as server:
        yield server


def send(server: Server, test: ProtocolTest, exchange: Exchange) -> tuple[int, str, bytes]:
    """Send one request as the prose writes it (Host and Content-Length our own)."""
    url = urllib.parse.urlsplit(server.url)
    headers = {k: v for k, v in exchange.headers.items() if k not in ("host", "content-length")}
    body = None
    if exchange.body is not None:
        body = exchange.body.encode("utf-16" if test.utf16 else "utf-8")
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        # skip_accept_encoding etc.: send no header the prose does not have
        connection.putrequest(
            exchange.method, exchange.target, skip_host=False, skip_accept_encoding=True
        )
        for name, value in headers.items():
            connection.putheader(name, value)
        if body is not None or exchange.method in ("POST", "PUT"):
            connection.putheader("Content-Length", str(len(body or b"")))
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        connection.close()


def _answer(media: str, body: bytes) -> tuple[bool | None, int | None]:
    """The boolean of an ASK result, or the number of solutions of a SELECT."""
    if media == "application/sparql-results+json":
        data = json.loads(body)
        if "boolean" in data:
            return bool(data["boolean"]), None
        return None, len(data["results"]["bindings"])
    if media == "application/sparql-results+xml":
        root = ET.fromstring(body)
        ns = "{http://www.w3.org/2005/sparql-results#}"
        boolean = root.find(ns + "boolean")
        if boolean is not None:
            return boolean.text == "true", None
        return None, len(root.findall(f"{ns}results/{ns}result"))
    raise AssertionError(f"cannot read a result in {media}")


def check(exchange: Exchange, status: int, content_type: str, body: bytes) -> None:
    where = f"{exchange.method} {exchange.target[:80]}: {status} {body[:300]!r}"
    if exchange.status == "4xx":
        assert 400 <= status < 500, where
        assert b"Traceback" not in body, where
        return
    assert exchange.status == "2xx or 3xx", exchange.status
    assert 200 <= status < 400, where
    media = content_type.split(";")[0].strip().lower()
    if exchange.media_types:
        assert media in exchange.media_types, f"{media} not in {exchange.media_types}"
    if exchange.expected in ("true", "false"):
        boolean, rows = _answer(media, body)
        if boolean is not None:
            assert boolean is (exchange.expected == "true"), where
        else:
            # a SELECT whose prose expects "true" (query_dataset_full): a solution
            assert rows and exchange.expected == "true", where


def test_the_manifest_is_read_whole() -> None:
    """Every entry parsed into requests with expected responses."""
    assert len(TESTS) == 34 and len({t.name for t in TESTS}) == 34
    for test in TESTS:
        assert test.exchanges, test.name
        for exchange in test.exchanges:
            assert exchange.method in ("GET", "POST", "PUT"), test.name
            assert exchange.target.startswith("/sparql"), test.name
            assert exchange.status in ("2xx or 3xx", "4xx"), (test.name, exchange.status)
    assert set(NOT_APPLICABLE) <= {t.name for t in TESTS}


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_w3c_protocol(w3c_server: Server, test: ProtocolTest) -> None:
    if test.name in NOT_APPLICABLE:
        update = test.exchanges[0]
        assert update.status == "2xx or 3xx"
        status, _, body = send(w3c_server, test, update)
        assert status == UPDATE_REFUSED, (status, body)
        assert b"read-only" in body
        return
    for exchange in test.exchanges:
        check(exchange, *send(w3c_server, test, exchange))
