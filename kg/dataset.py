"""The store's default graph: each distinct triple once (set semantics).

A source file is one named graph, and a triple stated in several files is a quad in
each. SPARQL's default graph must hold it once (an RDF graph is a set; the default
graph of a dataset given by several ``FROM`` is their RDF merge), but Oxigraph's
union default graph (``use_default_graph_as_union``) and a list of default graphs
both yield it once per graph: at 1M generated quads an area's label matched 300
times. So the build writes a real default graph holding each distinct triple of the
named graphs once, and every reader queries the store without the union flag: the
default graph is then that set, and ``GRAPH ?g`` sees the named graphs only (the
default graph is not a named graph). bench/set_semantics_bench.py measures it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pyoxigraph as ox

DEFAULT_GRAPH = ox.DefaultGraph()

#: SPARQL over the default graph only: its size is the number of distinct triples.
COUNT_DEFAULT_GRAPH = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def with_default_graph(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    """``quads`` (named graphs), then each distinct triple once in the default graph.

    Quads already in the default graph are dropped: the default graph is derived,
    never stated. The default graph comes after all named quads, not interleaved
    with them: in pyoxigraph's in-memory store (how ``kg serve`` holds it) a graph
    inserted in one run is scanned about twice as fast (bench/set_semantics_bench.py).
    """
    distinct: dict[ox.Triple, None] = {}
    for quad in quads:
        if isinstance(quad.graph_name, ox.DefaultGraph):
            continue
        yield quad
        distinct[quad.triple] = None
    for triple in distinct:
        yield ox.Quad(triple.subject, triple.predicate, triple.object, DEFAULT_GRAPH)


def named_quads(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    """The quads of the named graphs: what the sources state (downloads, push)."""
    return (q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph))


def merged(store: Any, default_graphs: Iterable[str], named_graphs: Iterable[str]) -> ox.Store:
    """An in-memory store whose default graph is the RDF merge of ``default_graphs``
    (each distinct triple once) and whose named graphs are ``named_graphs``.

    For a dataset of several default graphs (``default-graph-uri``, ``FROM``): its
    cost grows with those graphs' size, so only such requests pay it.
    """
    out = ox.Store()
    seen: set[ox.Triple] = set()
    batch: list[ox.Quad] = []
    for graph in dict.fromkeys(default_graphs):
        for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            triple = quad.triple
            if triple not in seen:
                seen.add(triple)
                batch.append(ox.Quad(triple.subject, triple.predicate, triple.object))
    for graph in dict.fromkeys(named_graphs):
        batch.extend(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
    out.extend(batch)
    return out
