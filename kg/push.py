"""``kg push``: load the built graph into an external SPARQL server.

Named graph by named graph, each graph is *replaced* on the server:

* ``gsp`` (default): SPARQL 1.1 Graph Store HTTP Protocol. The first batch is a
  ``PUT ?graph=<g>`` (replace), the following ones ``POST ?graph=<g>`` (add), as
  ``application/n-triples``. Virtuoso: ``http://HOST:8890/sparql-graph-crud-auth``;
  Fuseki: ``http://HOST:3030/DATASET/data``; GraphDB:
  ``http://HOST:7200/repositories/REPO/rdf-graphs/service``.
* ``update``: SPARQL 1.1 Update, ``DROP SILENT GRAPH <g>`` then ``INSERT DATA``
  batches (``INSERT {...} WHERE {}`` for batches with blank nodes, which Virtuoso
  refuses in ``INSERT DATA``). Virtuoso: ``http://HOST:8890/sparql-auth``; Fuseki:
  ``http://HOST:3030/DATASET/update``.

Batches keep every triple that mentions a blank node together with all the triples
connected to it through blank nodes, so that blank nodes are not split between
requests (the server would make two nodes of one).

Credentials come from the environment (``KG_PUSH_USER``, ``KG_PUSH_PASSWORD``)
and are sent with HTTP Basic or Digest authentication, whichever the server asks
for; never on the command line.
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.config import Settings
from kg.errors import KGError
from kg.store import open_store, read_manifest

Progress = Callable[[str], None]
USER_AGENT = "safeguarding-kg/push"


class PushError(KGError):
    """The server refused or failed a push request."""

    exit_code = 1


@dataclass
class PushReport:
    method: str
    graphs: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.graphs.values())


def _quiet(_message: str) -> None:
    pass


# ------------------------------------------------------------------- batching


def batches(triples: Iterable[ox.Triple], size: int) -> Iterator[list[ox.Triple]]:
    """Split ``triples`` into lists of about ``size``, never splitting the triples
    connected through blank nodes (a component may make a batch larger)."""
    plain: list[ox.Triple] = []
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    with_blanks: list[tuple[ox.Triple, list[str]]] = []
    for triple in triples:
        blanks = [t.value for t in (triple.subject, triple.object) if isinstance(t, ox.BlankNode)]
        if not blanks:
            plain.append(triple)
            if len(plain) >= size:
                yield plain
                plain = []
            continue
        for b in blanks:
            parent.setdefault(b, b)
        if len(blanks) == 2:
            ra, rb = find(blanks[0]), find(blanks[1])
            if ra != rb:
                parent[ra] = rb
        with_blanks.append((triple, blanks))
    components: dict[str, list[ox.Triple]] = {}
    for triple, blanks in with_blanks:
        components.setdefault(find(blanks[0]), []).append(triple)
    batch = plain
    for component in components.values():
        batch.extend(component)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _ntriples(triples: list[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


# ----------------------------------------------------------------------- HTTP


class _DigestAfterChallenge(urllib.request.HTTPDigestAuthHandler):
    """Digest authentication that answers the server's last challenge up front.

    urllib sends every request without credentials first and repeats it after the
    401; a server that refuses a large body before reading it resets the connection
    instead (seen with Virtuoso). Once challenged, later requests carry the
    Authorization header from the start (the nonce count goes up each time).
    """

    challenge: dict[str, str] | None = None

    def http_error_auth_reqed(self, authreq, host, req, headers):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN201
        value = headers.get(authreq, "")
        if value.lower().startswith("digest "):
            self.challenge = urllib.request.parse_keqv_list(
                urllib.request.parse_http_list(value[len("digest ") :])
            )
        return super().http_error_auth_reqed(authreq, host, req, headers)

    def http_request(self, req: urllib.request.Request) -> urllib.request.Request:
        if self.challenge and not req.has_header("Authorization"):
            answer = self.get_authorization(req, self.challenge)
            if answer:
                req.add_unredirected_header("Authorization", f"Digest {answer}")
        return req

    https_request = http_request


def _opener(url: str, user: str | None, password: str | None) -> urllib.request.OpenerDirector:
    handlers: list[urllib.request.BaseHandler] = []
    if user is not None:
        # Basic: sent up front once the server has accepted it (prior auth)
        manager = urllib.request.HTTPPasswordMgrWithPriorAuth()
        manager.add_password(None, url, user, password or "")
        handlers += [
            urllib.request.HTTPBasicAuthHandler(manager),
            _DigestAfterChallenge(manager),
        ]
    # no redirects to other hosts with our credentials, no proxies from the environment
    handlers.append(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener(*handlers)


def _send(
    opener: urllib.request.OpenerDirector,
    method: str,
    url: str,
    body: bytes,
    content_type: str,
    timeout: float,
) -> int:
    request = urllib.request.Request(
        url,
        data=body,
        method=method,
        headers={"Content-Type": content_type, "User-Agent": USER_AGENT},
    )
    try:
        try:
            with opener.open(request, timeout=timeout) as response:
                response.read()
                return response.status
        except (urllib.error.URLError, ConnectionError, http.client.RemoteDisconnected) as e:
            reason = getattr(e, "reason", e)
            if isinstance(e, urllib.error.HTTPError) or not isinstance(
                reason, ConnectionResetError | BrokenPipeError | http.client.RemoteDisconnected
            ):
                raise
            # once more: both PUT (replace) and POST (add triples) can be repeated
            time.sleep(1.0)
            with opener.open(request, timeout=timeout) as response:
                response.read()
                return response.status
    except urllib.error.HTTPError as e:
        detail = " ".join(e.read().decode("utf-8", "replace").split())[:300]
        hint = ""
        if e.code in (401, 403):
            hint = " (set KG_PUSH_USER and KG_PUSH_PASSWORD to an account allowed to write)"
        raise PushError(
            f"{method} {url} failed: HTTP {e.code} {e.reason}{hint}: {detail}"
        ) from None
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise PushError(f"cannot reach {url}: {reason}") from None


def _with_graph(url: str, graph: str) -> str:
    separator = "&" if urllib.parse.urlsplit(url).query else "?"
    return f"{url}{separator}graph={urllib.parse.quote(graph, safe='')}"


# ----------------------------------------------------------------------- push


def push(
    settings: Settings,
    url: str,
    *,
    method: str = "gsp",
    graphs: list[str] | None = None,
    batch_triples: int = 5000,
    user: str | None = None,
    password: str | None = None,
    timeout: float = 600.0,
    progress: Progress = _quiet,
) -> PushReport:
    """Replace each named graph of the built store on the server at ``url``.

    Raises:
        StoreMissingError: nothing is built.
        PushError: a request failed (the graphs pushed before stay pushed).
        KGError: a bad argument.
    """
    if method not in ("gsp", "update"):
        raise KGError(f"unknown push method {method!r}; use gsp or update")
    if not url.startswith(("http://", "https://")):
        raise KGError(f"not an http(s) URL: {url!r}")
    if batch_triples <= 0:
        raise KGError("--batch must be positive")
    manifest = read_manifest(settings)
    store = open_store(settings)
    available = list(manifest.get("graphs") or {})
    if not available:
        available = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    if graphs:
        unknown = [g for g in graphs if g not in available]
        if unknown:
            raise KGError(
                f"the built store has no graph {unknown[0]}; it has: {', '.join(available)}"
            )
        selected = list(graphs)
    else:
        selected = available
    opener = _opener(url, user, password)
    report = PushReport(method=method)
    started = time.perf_counter()
    if method == "gsp" and selected:
        # a first request with no body (adding nothing): a refusal of the credentials
        # arrives as a clear HTTP 401, where a server that refuses a large body while it
        # is still being sent resets the connection ("cannot reach")
        _send(opener, "POST", _with_graph(url, selected[0]), b"", "application/n-triples", timeout)
        report.requests += 1
    for graph in selected:
        node = ox.NamedNode(graph)
        triples = [q.triple for q in store.quads_for_pattern(None, None, None, node)]
        sent = 0
        if method == "update":
            _send(
                opener,
                "POST",
                url,
                f"DROP SILENT GRAPH <{graph}>".encode(),
                "application/sparql-update",
                timeout,
            )
            report.requests += 1
        first = True
        for batch in batches(triples, batch_triples):
            if method == "gsp":
                _send(
                    opener,
                    "PUT" if first else "POST",
                    _with_graph(url, graph),
                    _ntriples(batch),
                    "application/n-triples",
                    timeout,
                )
            else:
                # INSERT DATA may not hold blank nodes on some servers (Virtuoso);
                # a template with an empty WHERE inserts them as fresh nodes
                has_blanks = any(
                    isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)
                    for t in batch
                )
                head = (
                    f"INSERT {{ GRAPH <{graph}> {{\n"
                    if has_blanks
                    else (f"INSERT DATA {{ GRAPH <{graph}> {{\n")
                )
                body = (
                    head.encode() + _ntriples(batch) + (b"} } WHERE {}" if has_blanks else b"} }")
                )
                _send(opener, "POST", url, body, "application/sparql-update", timeout)
            report.requests += 1
            sent += len(batch)
            first = False
        if first and method == "gsp":  # an empty graph: replace with nothing
            _send(opener, "PUT", _with_graph(url, graph), b"", "application/n-triples", timeout)
            report.requests += 1
        report.graphs[graph] = sent
        progress(f"{graph}: {sent} triples")
    report.seconds = time.perf_counter() - started
    return report
