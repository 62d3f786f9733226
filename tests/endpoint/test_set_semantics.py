"""The default graph has set semantics (issue 15, item 8).

A triple stated in several source files is a quad in each file's named graph; the
default graph holds it once, for ``/sparql``, ``kg query``, VoID and the service
description, and for a dataset of several ``default-graph-uri`` or ``FROM``.
``GRAPH ?g`` still sees every named graph that states it. The store is a real build
(HermiT included) of the kg-basic fixture plus two files restating one of its
resources, served by a real ``kg serve``.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from kg.config import GRAPH_BASE, Settings
from kg.errors import StoreCorruptError
from kg.query import LoadedQuery, run_query
from kg.store import MANIFEST_NAME, build_store, open_store, quad_counts, verify_store
from tests.endpoint.util import TEST_LIMITS, Server, http, run_server
from tests.helpers import FIXTURES, RULES, require_java, run_kg

SGD = "https://w3id.org/safeguarding-kg/id/"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ACT = SGD + "children-act-2004"
RESTATED = (
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    "@prefix sg: <https://w3id.org/safeguarding-kg/ontology#> .\n"
    "@prefix sgd: <https://w3id.org/safeguarding-kg/id/> .\n\n"
    "# restates what sample-duties.ttl says of the Act\n"
    'sgd:children-act-2004 a sg:Legislation ; rdfs:label "Children Act 2004"@en .\n'
)
STATING = [GRAPH_BASE + "sample-duties", GRAPH_BASE + "restated-a", GRAPH_BASE + "restated-b"]
THE_LABEL = f'<{ACT}> <{LABEL}> "Children Act 2004"@en'
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
COUNT_LABEL = f"SELECT (COUNT(*) AS ?n) WHERE {{ {THE_LABEL} }}"


@pytest.fixture(scope="module")
def restated(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """kg-basic with the Act's type and label stated in three files, built."""
    require_java()
    home = tmp_path_factory.mktemp("restated") / "home"
    shutil.copytree(FIXTURES / "kg-basic", home)
    for name in ("restated-a", "restated-b"):
        (home / "data" / f"{name}.ttl").write_text(RESTATED, encoding="utf-8")
    settings = Settings.for_home(home, store_dir=home / "build" / "store", rules_dir=RULES)
    build_store(settings)
    return settings


@pytest.fixture(scope="module")
def served(restated: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    limits = {**TEST_LIMITS, "KG_MAX_RESULT_ROWS": "100000"}
    with run_server(restated, tmp_path_factory.mktemp("serve-restated"), **limits) as server:
        yield server


def _named_triples(store: ox.Store) -> tuple[list[ox.Triple], set[ox.Triple]]:
    """Every named graph's triples (with repeats), and the distinct ones."""
    stated = [
        q.triple
        for g in quad_counts(store)
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(g))
    ]
    return stated, set(stated)


def _select(server: Server, query: str, **params: str | list[str]) -> list[dict[str, str]]:
    pairs = [("query", query)]
    for name, value in params.items():
        for v in [value] if isinstance(value, str) else value:
            pairs.append((name.replace("_", "-"), v))
    status, _, body = http(
        "GET", server.sparql, params=pairs, headers={"Accept": "application/sparql-results+json"}
    )
    assert status == 200, body
    return [
        {k: v["value"] for k, v in row.items()} for row in json.loads(body)["results"]["bindings"]
    ]


def _count(server: Server, query: str, **params: str | list[str]) -> int:
    return int(_select(server, query, **params)[0]["n"])


def test_the_fixture_states_a_triple_in_three_graphs(restated: Settings) -> None:
    store = open_store(restated)
    label = ox.Triple(
        ox.NamedNode(ACT), ox.NamedNode(LABEL), ox.Literal("Children Act 2004", language="en")
    )
    quads = store.quads_for_pattern(label.subject, label.predicate, label.object)
    graphs = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
    assert graphs == set(STATING)
    stated, distinct = _named_triples(store)
    assert len(stated) > len(distinct)  # so the counts below can tell the two apart


def test_default_graph_returns_each_distinct_triple_once(
    restated: Settings, served: Server
) -> None:
    """The acceptance test: `{?s ?p ?o}` over the default graph, and COUNT(*)."""
    stated, distinct = _named_triples(open_store(restated))
    assert _count(served, COUNT_ALL) == len(distinct) < len(stated)
    assert _count(served, COUNT_LABEL) == 1
    rows = _select(served, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    keys = [(r["s"], r["p"], r["o"]) for r in rows]
    assert len(keys) == len(set(keys)) == len(distinct)
    ask_twice = f"SELECT ?o WHERE {{ <{ACT}> <{LABEL}> ?o }}"
    assert [r["o"] for r in _select(served, ask_twice)] == ["Children Act 2004"]


def test_graph_queries_still_see_every_named_graph(served: Server) -> None:
    rows = _select(served, f"SELECT ?g WHERE {{ GRAPH ?g {{ {THE_LABEL} }} }} ORDER BY ?g")
    assert [r["g"] for r in rows] == sorted(STATING)
    # the default graph is no named graph: GRAPH ?g ranges over the source files only
    graphs = {r["g"] for r in _select(served, "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")}
    assert set(STATING) <= graphs and all(g.startswith(GRAPH_BASE) for g in graphs)


@pytest.mark.parametrize("how", ["default-graph-uri", "FROM", "FROM prefixed"])
def test_a_dataset_of_several_graphs_is_their_merge(
    restated: Settings, served: Server, how: str
) -> None:
    """Several default graphs (protocol or FROM): each distinct triple once."""
    store = open_store(restated)
    merged = {
        q.triple
        for g in STATING
        for q in store.quads_for_pattern(None, None, None, ox.NamedNode(g))
    }
    if how == "default-graph-uri":
        count = _count(served, COUNT_ALL, default_graph_uri=STATING)
        label = _count(served, COUNT_LABEL, default_graph_uri=STATING)
    else:
        if how == "FROM":
            froms = " ".join(f"FROM <{g}>" for g in STATING)
            prologue = ""
        else:
            froms = " ".join(f"FROM g:{g[len(GRAPH_BASE) :]}" for g in STATING)
            prologue = f"PREFIX g: <{GRAPH_BASE}>\n"
        count = _count(served, prologue + COUNT_ALL.replace("WHERE", froms + " WHERE", 1))
        label = _count(served, prologue + COUNT_LABEL.replace("WHERE", froms + " WHERE", 1))
    assert count == len(merged) and label == 1


def test_several_default_graphs_with_named_graphs(served: Server) -> None:
    """FROM NAMED beside several FROM: GRAPH sees exactly the named ones."""
    query = (
        f"SELECT ?g (COUNT(*) AS ?n) FROM <{STATING[1]}> FROM <{STATING[2]}> "
        f"FROM NAMED <{STATING[0]}> "
        f"WHERE {{ {{ {THE_LABEL} }} UNION {{ GRAPH ?g {{ {THE_LABEL} }} }} }} "
        "GROUP BY ?g ORDER BY ?g"
    )
    rows = _select(served, query)
    assert [(r.get("g"), r["n"]) for r in rows] == [(None, "1"), (STATING[0], "1")]
    one = _count(served, COUNT_LABEL, default_graph_uri=STATING[1])
    none = _count(served, COUNT_LABEL, named_graph_uri=STATING[0])
    assert (one, none) == (1, 0)


def test_kg_query_counts_each_distinct_triple_once(restated: Settings) -> None:
    _, distinct = _named_triples(open_store(restated))
    result = run_kg(["query", COUNT_ALL, "--format", "csv"], restated)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["n", str(len(distinct))]
    query = LoadedQuery(text=COUNT_LABEL, origin="test")
    assert run_query(open_store(restated), query).rows[0][0].value == "1"


def test_void_and_service_description_report_distinct_triples(
    restated: Settings, served: Server
) -> None:
    _, distinct = _named_triples(open_store(restated))
    void_ns, sd = "http://rdfs.org/ns/void#", "http://www.w3.org/ns/sparql-service-description#"
    status, _, body = http("GET", served.url + "/void", headers={"Accept": "text/turtle"})
    assert status == 200, body
    void = Graph().parse(data=body, format="turtle")
    dataset = URIRef(served.url + "/void#dataset")
    assert int(void.value(dataset, URIRef(void_ns + "triples"))) == len(distinct)
    status, _, body = http("GET", served.sparql, headers={"Accept": "text/turtle"})
    description = Graph().parse(data=body, format="turtle")
    default = description.value(dataset, URIRef(sd + "defaultGraph"))
    assert int(description.value(default, URIRef(void_ns + "triples"))) == len(distinct)


def test_a_store_built_before_set_semantics_is_refused(restated: Settings, tmp_path: Path) -> None:
    """An older store has an empty default graph: serving it would answer nothing."""
    version = tmp_path / "store.v-old"
    shutil.copytree(Path(restated.store_dir).resolve(), version)
    manifest = json.loads((version / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest["format"] = 1
    (version / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    (tmp_path / "store").symlink_to(version.name)
    old = restated.with_(store_dir=tmp_path / "store")
    with pytest.raises(StoreCorruptError, match=r"older version .* rebuild it with `kg build`"):
        verify_store(old)
    result = run_kg(["serve", "--port", "9"], old, timeout=60)
    assert result.returncode != 0 and "rebuild it with `kg build`" in result.stderr
    assert "Traceback" not in result.stderr


def test_downloads_hold_the_named_graphs_only(restated: Settings) -> None:
    from kg.browse.linked import download

    store = open_store(restated)
    quads = list(ox.parse(download(store, restated, "all", "nq"), format=ox.RdfFormat.N_QUADS))
    assert quads and all(isinstance(q.graph_name, ox.NamedNode) for q in quads)
    assert len(quads) == sum(quad_counts(store).values())


def test_every_graph_as_default_graph_uri_is_the_default_graph(served: Server) -> None:
    """What kg.remote sends: all our graphs as default-graph-uri and named-graph-uri."""
    _, _, body = http("GET", served.url + "/void", headers={"Accept": "text/turtle"})
    void = Graph().parse(data=body, format="turtle")
    graphs = sorted(
        str(o)
        for o in void.objects(None, URIRef("http://www.w3.org/ns/sparql-service-description#name"))
    )
    assert set(STATING) <= set(graphs)
    everything = [*graphs, "http://example.org/not-in-the-store"]
    count = _count(served, COUNT_ALL, default_graph_uri=everything, named_graph_uri=graphs)
    assert count == _count(served, COUNT_ALL)
    assert _count(served, COUNT_LABEL, default_graph_uri=everything) == 1
    rows = _select(
        served,
        f"SELECT ?g WHERE {{ GRAPH ?g {{ {THE_LABEL} }} }} ORDER BY ?g",
        default_graph_uri=everything,
        named_graph_uri=STATING[:2],
    )
    assert [r["g"] for r in rows] == sorted(STATING[:2])


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM <http://a/> FROM <//[::1> WHERE { ?s ?p ?o }",
        "SELECT * FROM <http://a/> FROM x:y WHERE { ?s ?p ?o }",
    ],
)
def test_a_bad_from_of_several_is_a_400_with_its_place(served: Server, query: str) -> None:
    status, headers, body = http("GET", served.sparql, params={"query": query})
    assert status == 400, body
    assert headers["content-type"].startswith("text/plain")
    assert b"not valid SPARQL" in body and b"line 1" in body, body
    assert b"Traceback" not in body
