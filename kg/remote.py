"""A store backend over any SPARQL 1.1 endpoint (Virtuoso, Fuseki, GraphDB, ...).

:class:`RemoteStore` answers the part of ``pyoxigraph.Store``'s interface that the
project uses (``query``, ``quads_for_pattern``, ``named_graphs``, ``len``) by
sending SPARQL 1.1 Protocol requests, and returns real pyoxigraph result objects
(parsed from the server's SPARQL Results JSON or N-Triples), so that pages and
queries written for the embedded store work unchanged. :class:`RemoteStoreReader`
stands in for :class:`kg.store.StoreReader`; :func:`open_reader` picks one of the
two from the settings.

The dataset: by default (``store_dataset = "explicit"``) every query names our
graphs (those under ``https://w3id.org/safeguarding-kg/graph/``) with
``default-graph-uri`` and ``named-graph-uri``, so that the default graph is their
union, as in the embedded store, and the server's own graphs (Virtuoso keeps
system graphs) are invisible. With ``store_dataset = "server"`` the server's
default graph is used as it is.

Parameters (``substitutions``) are bound as pyoxigraph binds them (SEP-0007): the
variable is replaced by its value inside the ``WHERE`` group, and a ``VALUES``
clause keeps it bound for the projection (see :func:`bind_values`).
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
import re
import threading
import time
import urllib.parse
from collections.abc import Iterator, Mapping
from typing import Any

import pyoxigraph as ox

from kg.config import GRAPH_BASE, Settings
from kg.endpoint import errors
from kg.endpoint.guard import read_query
from kg.query import bind_values
from kg.store import StoreReader

RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.8"
GRAPH_ACCEPT = (
    "application/n-triples, text/plain;q=0.9, text/turtle;q=0.8, application/rdf+xml;q=0.5"
)
USER_AGENT = "safeguarding-kg/remote"

_RDF_BY_MEDIA = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/ntriples": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}
_RESULTS_BY_MEDIA = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "text/csv": ox.QueryResultsFormat.CSV,
}


# ------------------------------------------------------------------ binding


def query_form(text: str) -> str | None:
    """``SELECT``, ``CONSTRUCT``, ``DESCRIBE`` or ``ASK`` (None: not a query)."""
    return read_query(text).form


# ------------------------------------------------------------------- the store


class _Connections(threading.local):
    conn: http.client.HTTPConnection | None = None


class RemoteStore:
    """Read access to a SPARQL 1.1 query endpoint, shaped like ``pyoxigraph.Store``.

    Args:
        url: the query endpoint (e.g. ``http://127.0.0.1:8890/sparql``).
        user, password: HTTP Basic credentials, if the endpoint needs them.
        timeout: seconds to wait for an answer.
        dataset: ``explicit`` or ``server`` (see the module docstring).
        graph_prefix: which of the server's named graphs are ours.
    """

    def __init__(
        self,
        url: str,
        *,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
        dataset: str = "explicit",
        graph_prefix: str = GRAPH_BASE,
        graphs_ttl: float = 30.0,
    ) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise errors.EndpointError(f"not an http(s) SPARQL endpoint URL: {url!r}", status=500)
        self.url = url
        self._parts = parts
        self._path = parts.path or "/"
        if parts.query:
            self._path += "?" + parts.query
        self.timeout = timeout
        self.dataset = dataset
        self.graph_prefix = graph_prefix
        self.graphs_ttl = graphs_ttl
        self._auth = None
        if user is not None:
            token = base64.b64encode(f"{user}:{password or ''}".encode()).decode()
            self._auth = f"Basic {token}"
        self._local = _Connections()
        self._connections: set[http.client.HTTPConnection] = set()
        self._graphs: list[str] | None = None
        self._graphs_at = 0.0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RemoteStore({self.url!r})"

    # -- HTTP

    def _connection(self, timeout: float) -> http.client.HTTPConnection:
        conn = self._local.conn
        if conn is None:
            https = self._parts.scheme == "https"
            cls = http.client.HTTPSConnection if https else http.client.HTTPConnection
            conn = cls(self._parts.hostname, self._parts.port, timeout=timeout)
            self._local.conn = conn
            with self._lock:
                self._connections.add(conn)
        conn.timeout = timeout
        if conn.sock is not None:
            conn.sock.settimeout(timeout)
        return conn

    def _drop_connection(self) -> None:
        conn, self._local.conn = self._local.conn, None
        if conn is not None:
            conn.close()
            with self._lock:
                self._connections.discard(conn)

    def close(self) -> None:
        """Close the kept-alive connections (of every thread)."""
        with self._lock:
            connections, self._connections = list(self._connections), set()
        for conn in connections:
            conn.close()
        self._local = _Connections()

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(
        self,
        query: str,
        accept: str,
        *,
        default_graphs: list[str] | tuple[str, ...] | None = None,
        named_graphs: list[str] | tuple[str, ...] | None = None,
        timeout: float | None = None,
    ) -> tuple[str, bytes]:
        """POST ``query`` (form-encoded); return the media type and body.

        Raises:
            QuerySyntaxError: the server refused the query (4xx).
            QueryTimeoutError: no answer within ``timeout`` (503).
            ServiceUnavailableError: the server cannot be reached (503).
            BackendError: the server failed (5xx, 502).
        """
        fields: list[tuple[str, str]] = [("query", query)]
        fields += [("default-graph-uri", g) for g in default_graphs or ()]
        fields += [("named-graph-uri", g) for g in named_graphs or ()]
        body = urllib.parse.urlencode(fields).encode("ascii")
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": accept,
            "User-Agent": USER_AGENT,
        }
        if self._auth:
            headers["Authorization"] = self._auth
        limit = self.timeout if timeout is None else timeout
        for attempt in (1, 2):
            conn = self._connection(limit)
            try:
                conn.request("POST", self._path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                break
            except TimeoutError:
                self._drop_connection()
                raise errors.QueryTimeoutError(
                    f"the external SPARQL server did not answer within {limit:g} s, the time limit"
                ) from None
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self._drop_connection()  # a kept-alive connection the server closed
                if attempt == 2:
                    raise errors.ServiceUnavailableError(
                        f"the external SPARQL server at {self.url} closed the connection"
                    ) from None
            except (OSError, http.client.HTTPException) as e:
                self._drop_connection()
                raise errors.ServiceUnavailableError(
                    f"cannot reach the external SPARQL server at {self.url} ({e})"
                ) from None
        if response.getheader("Connection", "").lower() == "close":
            self._drop_connection()
        media = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
        if response.status >= 400:
            text = data.decode("utf-8", "replace").strip()
            summary = " ".join(text.split())[:500] or response.reason
            if response.status in (400, 406, 414, 415, 422):
                raise errors.QuerySyntaxError(
                    f"the external SPARQL server refused the query: {summary}"
                )
            if response.status in (401, 403):
                raise errors.BackendError(
                    f"the external SPARQL server refused access ({response.status}); "
                    "check KG_STORE_USER / KG_STORE_PASSWORD"
                )
            raise errors.BackendError(
                f"the external SPARQL server failed ({response.status}): {summary}"
            )
        return media, data

    # -- datasets

    def graphs(self, refresh: bool = False) -> list[str]:
        """Our named graphs on the server (cached for ``graphs_ttl`` seconds)."""
        with self._lock:
            fresh = time.monotonic() - self._graphs_at < self.graphs_ttl
            if self._graphs is not None and fresh and not refresh:
                return list(self._graphs)
        prefix = json.dumps(self.graph_prefix)
        text = (
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
            f"FILTER(STRSTARTS(STR(?g), {prefix})) }}"
        )
        media, data = self.request(text, RESULTS_ACCEPT)
        solutions = _parse_results(media, data)
        found = sorted(str(s["g"].value) for s in solutions if s["g"] is not None)  # type: ignore[union-attr]
        with self._lock:
            self._graphs, self._graphs_at = found, time.monotonic()
        return list(found)

    def dataset_params(
        self,
        *,
        use_default_graph_as_union: bool = False,
        default_graph: Any = None,
        named_graphs: Any = None,
        has_dataset_clause: bool = False,
    ) -> tuple[list[str] | None, list[str] | None]:
        """The ``default-graph-uri``/``named-graph-uri`` lists for a query."""
        if default_graph is not None or named_graphs is not None:
            defaults = default_graph if isinstance(default_graph, list | tuple) else [default_graph]
            return (
                [
                    _iri_value(g)
                    for g in defaults
                    if g is not None and not isinstance(g, ox.DefaultGraph)
                ],
                [_iri_value(g) for g in named_graphs or ()],
            )
        if has_dataset_clause or self.dataset == "server":
            return None, None
        graphs = self.graphs()
        # with or without the union flag: our store's default graph is the merge of our
        # graphs (kg.dataset), and the server merges the default-graph-uri graphs
        return graphs, graphs

    # -- pyoxigraph.Store's interface

    def query(
        self,
        query: str,
        *,
        use_default_graph_as_union: bool = False,
        default_graph: Any = None,
        named_graphs: Any = None,
        substitutions: Mapping[ox.Variable, Any] | None = None,
        base_iri: str | None = None,
        prefixes: Mapping[str, str] | None = None,
        **_ignored: Any,
    ) -> ox.QuerySolutions | ox.QueryBoolean | Iterator[ox.Triple]:
        """Like ``pyoxigraph.Store.query``; the result is read in full."""
        text = query
        if prefixes:
            text = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in prefixes.items()) + text
        if base_iri:
            text = f"BASE <{base_iri}>\n" + text
        if substitutions:
            text = bind_values(text, {v.value: t for v, t in substitutions.items()})
        reading = read_query(text)
        defaults, named = self.dataset_params(
            use_default_graph_as_union=use_default_graph_as_union,
            default_graph=default_graph,
            named_graphs=named_graphs,
            has_dataset_clause="FROM" in reading.words,
        )
        graph_form = reading.form in ("CONSTRUCT", "DESCRIBE")
        try:
            media, data = self.request(
                text,
                GRAPH_ACCEPT if graph_form else RESULTS_ACCEPT,
                default_graphs=defaults,
                named_graphs=named,
            )
        except errors.QuerySyntaxError as e:
            raise SyntaxError(e.message) from None
        except errors.EndpointError as e:
            raise OSError(e.message) from None
        if graph_form or media in _RDF_BY_MEDIA:
            return iter(_parse_triples(media, data))
        return _parse_results(media, data)

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        return iter([ox.NamedNode(g) for g in self.graphs()])

    def quads_for_pattern(
        self,
        subject: Any = None,
        predicate: Any = None,
        object: Any = None,
        graph_name: Any = None,  # noqa: A002
    ) -> Iterator[ox.Quad]:
        terms = {"s": subject, "p": predicate, "o": object}
        pattern = " ".join(str(t) if t is not None else f"?{n}" for n, t in terms.items())
        graph = str(graph_name) if isinstance(graph_name, ox.NamedNode) else "?g"
        text = f"SELECT * WHERE {{ GRAPH {graph} {{ {pattern} }} }}"
        solutions = self.query(text, use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions)
        quads = []
        for row in solutions:
            s = subject if subject is not None else row["s"]
            p = predicate if predicate is not None else row["p"]
            o = object if object is not None else row["o"]
            g = graph_name if isinstance(graph_name, ox.NamedNode) else row["g"]
            quads.append(ox.Quad(s, p, o, g))
        return iter(quads)

    def __iter__(self) -> Iterator[ox.Quad]:
        return self.quads_for_pattern()

    def __len__(self) -> int:
        return sum(self.quad_counts().values())

    def quad_counts(self) -> dict[str, int]:
        """Triples per named graph (ours only)."""
        text = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        solutions = self.query(text, use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions)
        counts = {
            str(row["g"].value): int(row["n"].value)  # type: ignore[union-attr]
            for row in solutions
            if row["g"] is not None
        }
        return {g: n for g, n in sorted(counts.items()) if g.startswith(self.graph_prefix)}


def _iri_value(term: Any) -> str:
    return term.value if isinstance(term, ox.NamedNode) else str(term)


_BNODE_LABEL_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


def _safe_bnode_labels(data: bytes) -> bytes:
    """Blank node labels pyoxigraph accepts (Virtuoso writes ``nodeID://b123``)."""

    def fix(node: Any) -> Any:
        if isinstance(node, dict):
            if node.get("type") == "bnode" and not _BNODE_LABEL_RE.match(str(node.get("value"))):
                digest = hashlib.sha1(str(node.get("value")).encode()).hexdigest()[:16]
                return {**node, "value": "b" + digest}
            return {k: fix(v) for k, v in node.items()}
        if isinstance(node, list):
            return [fix(v) for v in node]
        return node

    return json.dumps(fix(json.loads(data))).encode()


def _parse_results(media: str, data: bytes) -> ox.QuerySolutions | ox.QueryBoolean:
    fmt = _RESULTS_BY_MEDIA.get(media, ox.QueryResultsFormat.JSON)
    if fmt == ox.QueryResultsFormat.JSON and b'"bnode"' in data:
        try:
            data = _safe_bnode_labels(data)
        except ValueError as e:
            raise OSError(f"the external SPARQL server sent unreadable JSON: {e}") from None
    try:
        return ox.parse_query_results(data, format=fmt)
    except (SyntaxError, ValueError) as e:
        raise OSError(
            f"the external SPARQL server sent unreadable results ({media}): {e}"
        ) from None


def _parse_triples(media: str, data: bytes) -> list[ox.Triple]:
    fmt = _RDF_BY_MEDIA.get(media, ox.RdfFormat.N_TRIPLES)
    try:
        return [q.triple for q in ox.parse(data, format=fmt)]
    except (SyntaxError, ValueError) as e:
        raise OSError(f"the external SPARQL server sent unreadable RDF ({media}): {e}") from None


# ------------------------------------------------------------------ readers


def remote_store_for(settings: Settings) -> RemoteStore:
    """The :class:`RemoteStore` of ``settings.store_url`` (credentials from the env)."""
    if not settings.store_url:
        raise errors.EndpointError("no external store configured (KG_STORE_URL)", status=500)
    return RemoteStore(
        settings.store_url,
        user=os.environ.get("KG_STORE_USER") or None,
        password=os.environ.get("KG_STORE_PASSWORD") or None,
        timeout=settings.query_timeout,
        dataset=settings.store_dataset,
    )


class RemoteStoreReader:
    """Stands in for :class:`kg.store.StoreReader` over an external SPARQL server.

    ``get()`` returns the :class:`RemoteStore` and a manifest-like dict with the
    triple counts of our graphs (refreshed every ``ttl`` seconds).
    """

    def __init__(
        self, settings: Settings, store: RemoteStore | None = None, ttl: float = 30.0
    ) -> None:
        self.settings = settings
        self.store = store or remote_store_for(settings)
        self.ttl = ttl
        self._lock = threading.Lock()
        self._manifest: dict[str, Any] | None = None
        self._at = 0.0

    def get(self) -> tuple[RemoteStore, dict[str, Any]]:
        with self._lock:
            if self._manifest is not None and time.monotonic() - self._at < self.ttl:
                return self.store, self._manifest
        try:
            counts = self.store.quad_counts()
        except OSError as e:
            raise errors.ServiceUnavailableError(str(e)) from None
        manifest = {
            "format": 1,
            "built_at": None,
            "store_url": self.store.url,
            "graphs": counts,
            "total_quads": sum(counts.values()),
        }
        with self._lock:
            self._manifest, self._at = manifest, time.monotonic()
        return self.store, manifest


def open_reader(settings: Settings) -> StoreReader | RemoteStoreReader:
    """The reader for ``settings``: the external store if ``store_url`` is set."""
    if settings.store_url:
        return RemoteStoreReader(settings)
    return StoreReader(settings)
