"""The RDF dataset a query runs on, with a default graph that has set semantics.

* No dataset in the request or the query: the store's own default graph, which the
  build fills with each distinct triple once (:mod:`kg.dataset`); the fast path.
* ``default-graph-uri``/``named-graph-uri`` (the protocol's dataset), else the query's
  ``FROM``/``FROM NAMED``: with at most one default graph Oxigraph is given the graph
  names; with several, their merge is copied into an in-memory store first, since
  Oxigraph would yield a triple once per graph that states it (about 2 s for all the
  graphs of a 100k store: bench/set_semantics_bench.py). When they are all the
  store's graphs (``kg.remote`` names them all), the merge is the store's default
  graph, used as it is.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

import pyoxigraph as ox

from kg.dataset import merged
from kg.endpoint.guard import tokens


def _iri(token: str, base: str) -> str:
    """An ``<...>`` token as an absolute IRI (an absolute one is kept as it is)."""
    try:
        return urljoin(base, token[1:-1])
    except ValueError:  # not an IRI: the engine reports it, with its place
        return token[1:-1]


def dataset_clause(text: str, base: str) -> tuple[list[str], list[str]]:
    """The ``FROM`` and ``FROM NAMED`` graph IRIs of a query, in order.

    Read from the guard's tokens: prefixed names are expanded with the query's own
    ``PREFIX`` declarations, relative IRIs resolved against its ``BASE`` (else
    ``base``, the endpoint's). Unknown prefixes are left to the engine to report.
    """
    prefixes: dict[str, str] = {}
    defaults: list[str] = []
    named: list[str] = []
    pending: list[tuple[str, str]] = []  # recent (kind, text) tokens
    for kind, start, end in tokens(text):
        value = text[start:end]
        pending = [*pending[-3:], (kind, value)]
        kinds = [k for k, _ in pending]
        words = [v.upper() if k == "word" else v for k, v in pending]
        if kinds[-1] not in ("iri", "pname"):
            continue
        term = value
        if kind == "pname":
            prefix, _, local = value.partition(":")
            if len(pending) >= 2 and words[-2] == "PREFIX":
                continue  # the declaration's own name
            if prefix not in prefixes:
                continue
            full = prefixes[prefix] + local
        else:
            full = _iri(term, base)
        if len(pending) >= 2 and words[-2] == "BASE":
            base = full
        elif len(pending) >= 3 and words[-3] == "PREFIX" and kinds[-2] == "pname":
            prefixes[pending[-2][1].rstrip(":")] = full
        elif len(pending) >= 3 and words[-3:-1] == ["FROM", "NAMED"]:
            named.append(full)
        elif len(pending) >= 2 and words[-2] == "FROM":
            defaults.append(full)
    return defaults, named


def dataset_for(
    store: Any,
    query: str,
    default_graphs: tuple[str, ...] | None,
    named_graphs: tuple[str, ...] | None,
    has_dataset_clause: bool,
    base: str,
) -> tuple[Any, dict[str, Any]]:
    """The store to query and the dataset arguments of ``store.query``."""
    if default_graphs is None and named_graphs is None:
        if not has_dataset_clause:
            return store, {}  # the materialised default graph
        default_graphs, named_graphs = (tuple(g) for g in dataset_clause(query, base))
    defaults = tuple(dict.fromkeys(default_graphs or ()))
    named_iris = tuple(dict.fromkeys(named_graphs or ()))
    try:
        named = [ox.NamedNode(g) for g in named_iris]
        nodes = [ox.NamedNode(g) for g in defaults]
    except ValueError:
        # a FROM that is no IRI (the protocol's are checked before): the engine parses
        # the query and reports the error with its place
        return store, {}
    if len(defaults) <= 1:
        # one graph is a set already; the protocol's dataset replaces the query's FROM
        return store, {"default_graph": nodes, "named_graphs": named}
    existing = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
    if existing <= set(defaults):
        # every graph of the store (kg.remote names them all): the merge is the
        # materialised default graph; graphs the store lacks add nothing
        return store, {"default_graph": [ox.DefaultGraph()], "named_graphs": named}
    # copied per query (the store cannot be weakly referenced to key a cache safely)
    return merged(store, defaults, named_iris), {
        "default_graph": [ox.DefaultGraph()],
        "named_graphs": named,
    }
