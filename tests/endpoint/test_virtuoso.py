"""The same graph on an external SPARQL server: Virtuoso Open Source from Debian.

The fixture starts a throw-away Virtuoso on 127.0.0.1 (free ports, a temporary
database), ``kg push`` loads the built graph into it, and every shipped query
(queries/cq*.rq, with its default parameters) must give the same answers there
as on the embedded store. Without Virtuoso the tests skip, except on CI
(``CI=true``), where that is a failure.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.config import Settings
from kg.query import load_query, run_query
from kg.remote import RemoteStore
from kg.store import open_store, read_manifest
from tests.endpoint.compare import describe_difference, normalise
from tests.endpoint.util import http, run_server
from tests.endpoint.virtuoso import DBA_PASSWORD, DBA_USER, Virtuoso, require_virtuoso
from tests.helpers import REPO, run_kg

pytestmark = [pytest.mark.slow, pytest.mark.virtuoso]

SHIPPED = sorted((REPO / "queries").glob("cq*.rq"))

#: Shipped queries that Virtuoso 7.2.5 (Debian 12) evaluates wrongly or refuses.
#: Measured; each is a Virtuoso defect, not a difference SPARQL allows. The test
#: still runs them (xfail, not skip), and reports when one starts to agree.
VIRTUOSO_DEFECTS = {
    "cq09-safeguarding-partners": "Virtuoso 7.2.5 fails to compile it "
    "(SQ200 'No column'; BIND over COALESCE(NOW()) with GROUP BY)",
    "cq06-lscb-objective-functions": "Virtuoso 7.2.5 gives MIN('5(1)(e)', '5(2)') as "
    "'5(2)' for the serious-case-review function once it has two topics (each pattern "
    "alone agrees; measured after the 2026-12 derivations enlarged the graph)",
    "cq11-smb-commitments": "Virtuoso 7.2.5 returns 1 row instead of 8 once the graph "
    "holds the 156 derived LSCBs: the joins on sg:LocalSafeguardingChildrenBoard with the "
    "MINUS (each pattern alone gives the right count: 17 SMB commitments, 60 owed to LSCBs)",
    "cq13-information-sharing-rules": "Virtuoso 7.2.5 returns 1 row instead of 7 since the "
    "graph grew with the derived arrangements (the rule and clause patterns alone agree)",
    "cq12-lscb-representatives": "Virtuoso 7.2.5 returns 1 row instead of 8: a nested "
    "OPTIONAL after two sg:partOf+ paths ending at the same node drops rows",
    "cq17-duties-of-a-kind": "Virtuoso 7.2.5 returns 0 rows instead of 14 (cause not "
    "isolated: subqueries whose UNION branches start with BIND(?kind AS ?start); the "
    "shape before, one UNION binding ?from/?to with BIND, failed with SQ156)",
    "cq18-in-force-at-date": "Virtuoso 7.2.5 drops some ?bearingKinds values (13 of 73 "
    "rows differ): the OPTIONAL holding a UNION over role assignments with date FILTERs",
    "cq19-provision-duties-and-reliance": "Virtuoso 7.2.5 fails to compile it "
    "(SQ142 'Different number of expected and generated columns in a select (13 vs 10)': "
    "UNION branches starting with BIND joined with a subquery; the shape before failed "
    "with SQ156 'unknown table for a column')",
}


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    require_virtuoso()
    server = Virtuoso(tmp_path_factory.mktemp("virtuoso"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def pushed(virtuoso: Virtuoso, real_store: Settings) -> RemoteStore:
    """The real build pushed into Virtuoso with ``kg push`` (Graph Store Protocol)."""
    result = run_kg(
        ["push", virtuoso.gsp_url, "--batch", "2000"],
        real_store,
        timeout=300,
        KG_PUSH_USER=DBA_USER,
        KG_PUSH_PASSWORD=DBA_PASSWORD,
    )
    assert result.returncode == 0, result.stderr
    assert "total" in result.stdout
    # server mode: Virtuoso 7.2.5 answers several queries wrongly when the dataset
    # is given as a list of default-graph-uri (see docs/endpoint.md)
    return RemoteStore(virtuoso.sparql_url, dataset="server", timeout=120)


def test_push_loads_every_graph(pushed: RemoteStore, real_store: Settings) -> None:
    expected = read_manifest(real_store)["graphs"]
    assert pushed.quad_counts() == expected


def test_push_by_sparql_update_replaces_a_graph(
    virtuoso: Virtuoso, pushed: RemoteStore, real_store: Settings
) -> None:
    graph = "https://w3id.org/safeguarding-kg/graph/ontology"  # has blank nodes
    expected = read_manifest(real_store)["graphs"][graph]
    result = run_kg(
        ["push", virtuoso.update_url, "--method", "update", "--graph", graph, "--batch", "100"],
        real_store,
        timeout=300,
        KG_PUSH_USER=DBA_USER,
        KG_PUSH_PASSWORD=DBA_PASSWORD,
    )
    assert result.returncode == 0, result.stderr
    assert pushed.quad_counts()[graph] == expected


def test_push_with_wrong_credentials_fails_clearly(
    virtuoso: Virtuoso, real_store: Settings
) -> None:
    result = run_kg(
        ["push", virtuoso.gsp_url, "-q"], real_store, KG_PUSH_USER="dba", KG_PUSH_PASSWORD="wrong"
    )
    assert result.returncode == 1
    assert "HTTP 401" in result.stderr and "KG_PUSH_USER" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_query_gives_the_same_answers(
    path: Path, pushed: RemoteStore, real_store: Settings
) -> None:
    if path.stem in VIRTUOSO_DEFECTS:
        pytest.xfail(VIRTUOSO_DEFECTS[path.stem])
    query = load_query(path, real_store)
    embedded = run_query(open_store(real_store), query)
    remote = run_query(pushed, query)  # the same code path the pages use
    a, b = normalise(embedded, query.text), normalise(remote, query.text)
    assert a == b, describe_difference(a, b)


def test_kg_serve_from_virtuoso(
    virtuoso: Virtuoso, pushed: RemoteStore, real_store: Settings, tmp_path: Path
) -> None:
    with run_server(
        real_store, tmp_path, "--store", virtuoso.sparql_url, KG_STORE_DATASET="server"
    ) as server:
        status, headers, body = http(
            "GET",
            server.sparql,
            params={
                "query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
            },
        )
        assert status == 200, body
        counts = {
            b["g"]["value"]: int(b["n"]["value"]) for b in json.loads(body)["results"]["bindings"]
        }
        for graph, n in read_manifest(real_store)["graphs"].items():
            assert counts[graph] == n
        status, _, body = http(
            "GET", server.sparql, params={"query": "SELECT * WHERE { SERVICE <http://x/> {} }"}
        )
        assert status == 400  # the same guard in front of the external server
        status, _, body = http("GET", server.url + "/void")
        assert status == 200 and b"void:triples" in body
        for page in ("/", "/bodies", "/provisions", "/documents", "/index.json"):
            status, _, body = http("GET", server.url + page)
            assert status == 200, (page, body[:300])  # the pages, from the external store
