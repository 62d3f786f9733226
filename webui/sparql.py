"""The SPARQL 1.1 endpoint: ``/sparql``, ``/void`` and ``/.well-known/void``.

Register with :func:`init_app`. The queries run either in killable worker
processes over the built store (:mod:`kg.endpoint.workers`) or on an external
SPARQL server (``settings.store_url``, :mod:`kg.remote`). Every error is a
``text/plain`` message with the right status; no traceback ever reaches a client.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import threading
import time
import weakref
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, render_template_string, request
from werkzeug.exceptions import HTTPException

from kg.config import Settings
from kg.endpoint import errors
from kg.endpoint.advice import timeout_advice
from kg.endpoint.guard import GuardedQuery, Limits, check_query
from kg.endpoint.protocol import (
    BY_NAME,
    FORMATS,
    GRAPH,
    SOLUTIONS,
    Negotiated,
    Rendered,
    negotiate,
    parse_request,
    prefers_html,
    render_boolean,
    render_solutions,
    render_triples,
)
from kg.endpoint.rewrite import rewrite
from kg.endpoint.service_description import SD_PREFIXES, DatasetFacts, service_description
from kg.endpoint.void import (
    CLASSES_QUERY,
    DISTINCT_TRIPLES_QUERY,
    LICENSE_QUERY,
    PROPERTIES_QUERY,
    TITLES_QUERY,
    namespaces,
    void_description,
)
from kg.endpoint.workers import MANIFEST_NAME, Job, WorkerPool

log = logging.getLogger("kg.endpoint")

bp = Blueprint("sparql", __name__)

EXTENSION = "kg_sparql"
EXPOSED_HEADERS = (
    "X-KG-Rows, X-KG-Truncated, X-KG-Store, X-KG-Rewrites, Warning, Server-Timing, "
    "Content-Type, Link"
)
#: What the rewriter did to the query (kg.endpoint.rewrite): "none" or "name=count, ..."
REWRITES_HEADER = "X-KG-Rewrites"
ALLOWED_REQUEST_HEADERS = "Accept, Content-Type, Cache-Control, X-Requested-With"


# -------------------------------------------------------------------- backends


class _Backend:
    """What both backends share: ``select`` for the service description's facts."""

    def run(
        self, job: Job, client: str = "local", small: bool = False, shape: str | None = None
    ) -> Rendered:
        raise NotImplementedError

    def select(self, query: str) -> list[dict[str, Any]]:
        rendered = self.run(Job(query, solutions_format="tsv", max_rows=100_000))
        solutions = ox.parse_query_results(rendered.body, format=ox.QueryResultsFormat.TSV)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        return [{n: row[n] for n in names} for row in solutions]


class EmbeddedBackend(_Backend):
    """Queries run in a :class:`WorkerPool` over the built store."""

    kind = "embedded"

    def __init__(self, settings: Settings, pool: WorkerPool | None = None) -> None:
        self.settings = settings
        self.pool = pool or make_pool(settings)
        self._facts: tuple[str, DatasetFacts] | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        self.pool.start()

    def close(self) -> None:
        self.pool.close()

    def run(
        self, job: Job, client: str = "local", small: bool = False, shape: str | None = None
    ) -> Rendered:
        return self.pool.run(
            job, self.settings.query_timeout, client=client, small=small, shape=shape
        )

    def _manifest(self) -> tuple[str, dict[str, Any]]:
        version = os.path.realpath(self.settings.store_dir)
        try:
            manifest = json.loads((Path(version) / MANIFEST_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise errors.ServiceUnavailableError("no built store: run `kg build` first") from None
        return version, manifest

    def facts(self) -> DatasetFacts:
        version, manifest = self._manifest()
        with self._lock:
            if self._facts is not None and self._facts[0] == version:
                return self._facts[1]
        facts = DatasetFacts(
            graphs={g: int(n) for g, n in (manifest.get("graphs") or {}).items()},
            built_at=manifest.get("built_at"),
            distinct=manifest.get("default_graph_triples"),
        )
        _fill_facts(facts, self.select)
        with self._lock:
            self._facts = (version, facts)
        return facts


def make_pool(settings: Settings) -> WorkerPool:
    """The worker pool for ``settings`` (not started)."""
    return WorkerPool.from_settings(settings)


class RemoteBackend(_Backend):
    """Queries go to an external SPARQL 1.1 server (:class:`kg.remote.RemoteStore`)."""

    kind = "remote"

    def __init__(self, settings: Settings) -> None:
        from kg.remote import remote_store_for

        self.settings = settings
        self.store = remote_store_for(settings)
        self._facts: tuple[float, DatasetFacts] | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        pass

    def close(self) -> None:
        pass

    def run(
        self, job: Job, client: str = "local", small: bool = False, shape: str | None = None
    ) -> Rendered:
        if job.default_graphs is not None or job.named_graphs is not None:
            defaults, named = list(job.default_graphs or ()), list(job.named_graphs or ())
        else:
            defaults, named = self.store.dataset_params(
                use_default_graph_as_union=True, has_dataset_clause=job.has_dataset_clause
            )
        from kg.remote import (
            GRAPH_ACCEPT,
            RESULTS_ACCEPT,
            _parse_results,
            _parse_triples,
            query_form,
        )

        graph_form = query_form(job.query) in ("CONSTRUCT", "DESCRIBE")
        media, data = self.store.request(
            job.query,
            GRAPH_ACCEPT if graph_form else RESULTS_ACCEPT,
            default_graphs=defaults,
            named_graphs=named,
            timeout=self.settings.query_timeout,
        )
        try:
            if graph_form:
                fmt = _format(job.graph_format, GRAPH)
                return render_triples(
                    _parse_triples(media, data), fmt, job.max_rows, max_bytes=job.max_bytes
                )
            result = _parse_results(media, data)
        except OSError as e:
            raise errors.BackendError(str(e)) from None
        if isinstance(result, ox.QueryBoolean):
            return render_boolean(bool(result), _format(job.solutions_format, SOLUTIONS))
        return render_solutions(
            result, _format(job.solutions_format, SOLUTIONS), job.max_rows, job.max_bytes
        )

    def facts(self) -> DatasetFacts:
        with self._lock:
            if self._facts is not None and time.monotonic() - self._facts[0] < 60:
                return self._facts[1]
        try:
            counts = self.store.quad_counts()
        except OSError as e:
            raise errors.ServiceUnavailableError(str(e)) from None
        facts = DatasetFacts(graphs=counts, source=self.store.url)
        _fill_facts(facts, self.select)
        try:
            rows = self.select(DISTINCT_TRIPLES_QUERY)
            facts.distinct = int(rows[0]["n"].value) if rows and rows[0]["n"] else None
        except (errors.EndpointError, ValueError) as e:
            log.warning("dataset description without the distinct triple count: %s", e)
        with self._lock:
            self._facts = (time.monotonic(), facts)
        return facts


def _format(name: str | None, kind: str):  # noqa: ANN202
    if name is None:
        what = "SELECT and ASK" if kind == SOLUTIONS else "CONSTRUCT and DESCRIBE"
        raise errors.NotAcceptableError(f"the request accepts no format for {what} results")
    return BY_NAME[name]


def _fill_facts(facts: DatasetFacts, select: Any) -> None:
    """Titles, vocabularies and licence; left out (logged) when a query fails."""
    try:
        for row in select(TITLES_QUERY):
            if row["g"] is not None and row["title"] is not None:
                facts.titles.setdefault(row["g"].value, row["title"].value)
        properties = [r["term"].value for r in select(PROPERTIES_QUERY) if r["term"] is not None]
        classes = [r["term"].value for r in select(CLASSES_QUERY) if r["term"] is not None]
        facts.properties, facts.classes = len(properties), len(classes)
        facts.vocabularies = namespaces(properties + classes)
        rows = select(LICENSE_QUERY)
        if rows and rows[0]["license"] is not None:
            facts.license = rows[0]["license"].value
    except errors.EndpointError as e:
        log.warning("dataset description incomplete: %s", e)


# --------------------------------------------------------------------- service


class SparqlService:
    """The endpoint's state: settings, limits and the backend."""

    def __init__(self, settings: Settings, pool: WorkerPool | None = None) -> None:
        self.settings = settings
        self.limits = Limits(max_bytes=settings.max_query_bytes, max_depth=settings.max_query_depth)
        self.backend: EmbeddedBackend | RemoteBackend = (
            RemoteBackend(settings) if settings.store_url else EmbeddedBackend(settings, pool)
        )
        self._closed = False

    def start(self) -> None:
        """Start the query workers now rather than on the first query."""
        self.backend.start()

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.backend.close()

    def limit_values(self) -> dict[str, object]:
        s = self.settings
        return {
            "queryTimeoutSeconds": float(s.query_timeout),
            "maxResultRows": s.max_result_rows,
            "maxResultBytes": s.max_result_bytes,
            "maxQueryBytes": s.max_query_bytes,
            "maxQueryDepth": s.max_query_depth,
            "maxRequestBytes": s.max_request_bytes,
            "queryWorkers": s.endpoint_workers,
            "workerMemoryMB": s.worker_memory_mb,
            "readOnly": True,
            "federatedQuery": False,
        }


def init_app(app: Flask, settings: Settings) -> SparqlService:
    """Register the endpoint on ``app``.

    The query workers start on the first query, or earlier with
    :meth:`SparqlService.start`; ``app.config["KG_SPARQL_POOL"]`` may hold a
    :class:`WorkerPool` already starting (``kg serve`` starts it while the app loads).
    """
    service = SparqlService(settings, app.config.get("KG_SPARQL_POOL"))
    app.extensions[EXTENSION] = service
    app.register_blueprint(bp)
    atexit.register(service.close)
    weakref.finalize(app, service.close)
    return service


def service() -> SparqlService:
    return current_app.extensions[EXTENSION]


# ------------------------------------------------------------------- responses


def _text(message: str, status: int, headers: dict[str, str] | None = None) -> Response:
    response = Response(message.rstrip("\n") + "\n", status=status, mimetype="text/plain")
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _error(error: errors.EndpointError) -> Response:
    return _text(error.client_message(), error.status, error.headers)


@bp.errorhandler(errors.EndpointError)
def _on_endpoint_error(error: errors.EndpointError) -> Response:
    return _error(error)


@bp.errorhandler(HTTPException)
def _on_http_error(error: HTTPException) -> Response:
    if error.code == 413:
        limit = service().settings.max_request_bytes
        return _text(f"the request body is over the size limit of {limit} bytes", 413)
    return _text(error.description or error.name, error.code or 500)


@bp.errorhandler(Exception)
def _on_unexpected(error: Exception) -> Response:
    log.exception("internal error in the SPARQL endpoint")
    return _text("internal error; it has been logged", 500)


@bp.after_request
def _cors(response: Response) -> Response:
    origin = service().settings.cors_origin
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    if origin != "*":
        response.headers.add("Vary", "Origin")
    response.headers.add("Vary", "Accept")
    return response


def _preflight() -> Response:
    response = Response(status=204)
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = ALLOWED_REQUEST_HEADERS
    response.headers["Access-Control-Max-Age"] = "86400"
    response.headers["Allow"] = "GET, POST, OPTIONS"
    return response


def _links() -> dict[str, str]:
    return {"Link": '</void>; rel="describedby"; type="text/turtle"'}


# ------------------------------------------------------------------ the views


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
@bp.route("/sparql/", methods=["GET", "POST", "OPTIONS"])
def sparql() -> Response:
    if request.method == "OPTIONS":
        return _preflight()
    svc = service()
    content_type = request.headers.get("Content-Type")
    media = (content_type or "").split(";")[0].strip().lower()
    form = None
    body = None
    if request.method == "POST":
        if media == "application/x-www-form-urlencoded":
            form = request.form.to_dict(flat=False)
        elif media == "application/sparql-query":
            body = request.get_data(cache=False)
    parsed = parse_request(
        request.method, content_type, request.args.to_dict(flat=False), form, body
    )
    if parsed.query is None:
        if request.method == "POST":
            raise errors.BadRequestError(
                "no query: send query= (form or URL) or an application/sparql-query body"
            )
        return _service_description(parsed.format)
    started = time.perf_counter()
    guarded = check_query(parsed.query, svc.limits)
    negotiated = negotiate(request.headers.get("Accept"), parsed.format)
    _check_acceptable(guarded, negotiated)
    # plans for Oxigraph's planner only; an external server gets the query as written
    rewritten = rewrite(guarded.text) if svc.backend.kind == "embedded" else None
    job = Job(
        query=rewritten.text if rewritten else guarded.text,
        solutions_format=negotiated.solutions.name if negotiated.solutions else None,
        graph_format=negotiated.graph.name if negotiated.graph else None,
        max_rows=svc.settings.max_result_rows,
        max_bytes=svc.settings.max_result_bytes,
        has_dataset_clause=guarded.has_dataset_clause,
        default_graphs=parsed.default_graphs if parsed.has_protocol_dataset else None,
        named_graphs=parsed.named_graphs if parsed.has_protocol_dataset else None,
    )
    if job.solutions_format is None and job.graph_format is None:
        raise negotiated_error(negotiated)
    try:
        client = request.remote_addr or "unknown"
        # the same tokens over the same dataset: the same work, whoever asks
        shape = "\x1f".join(
            (guarded.shape, *(job.default_graphs or ("-",)), *(job.named_graphs or ("-",)))
        )
        rendered = svc.backend.run(job, client=client, small=guarded.small, shape=shape)
    except errors.QueryTimeoutError as e:
        # name the slow shapes in the query and what helps, not just "narrow it down"
        head = e.message.split("; ", 1)[0]
        headers = dict(e.headers or {})
        if rewritten is not None:
            headers[REWRITES_HEADER] = rewritten.header()
        raise errors.QueryTimeoutError(
            f"{head}; {timeout_advice(job.query, rewritten)}", headers=headers
        ) from None
    response = _result_response(rendered, svc, time.perf_counter() - started)
    if rewritten is not None:
        response.headers[REWRITES_HEADER] = rewritten.header()
    return response


def negotiated_error(negotiated: Negotiated) -> errors.NotAcceptableError:
    return errors.NotAcceptableError(
        f"no result format matches {negotiated.requested}; available: "
        + ", ".join(f"{f.name} ({f.media_type})" for f in FORMATS)
    )


def _check_acceptable(guarded: GuardedQuery, negotiated: Negotiated) -> None:
    if guarded.form in ("SELECT", "ASK"):
        negotiated.for_kind(SOLUTIONS)
    elif guarded.form in ("CONSTRUCT", "DESCRIBE"):
        negotiated.for_kind(GRAPH)


def _result_response(rendered: Rendered, svc: SparqlService, seconds: float) -> Response:
    response = Response(rendered.body, status=200)
    response.headers["Content-Type"] = rendered.media_type
    if rendered.rows is not None:
        response.headers["X-KG-Rows"] = str(rendered.rows)
    if rendered.truncated:
        if rendered.cut_at == "bytes":
            limit, what = svc.settings.max_result_bytes, "max-bytes"
            told = f"the size limit of {limit} bytes"
        else:
            limit, what = svc.settings.max_result_rows, "max-rows"
            told = f"the row limit of {limit}"
        response.headers["X-KG-Truncated"] = f"true; {what}={limit}"
        response.headers["Warning"] = f'199 kg "result cut at {told}"'
    for name, value in rendered.headers.items():
        response.headers[name] = value
    timing = f"total;dur={seconds * 1000:.1f}"
    if rendered.engine_seconds is not None:
        timing = f"engine;dur={rendered.engine_seconds * 1000:.1f}, " + timing
    response.headers["Server-Timing"] = timing
    response.headers["Cache-Control"] = "no-cache"
    return response


def _base() -> str:
    # the configured public address: a Host header is the client's to choose
    return service().settings.public_base_url


def _rdf_response(triples: list[ox.Triple], format_param: str | None) -> Response:
    negotiated = negotiate(request.headers.get("Accept"), format_param)
    fmt = negotiated.for_kind(GRAPH)
    rendered = render_triples(triples, fmt, max_rows=10_000_000, prefixes=SD_PREFIXES)
    response = Response(rendered.body, status=200)
    response.headers["Content-Type"] = rendered.media_type
    return response


def _service_description(format_param: str | None) -> Response:
    svc = service()
    base = _base()
    endpoint, void_url = base + "/sparql", base + "/void"
    try:
        facts = svc.backend.facts()
    except errors.EndpointError as e:
        log.warning("service description without dataset facts: %s", e)
        facts = DatasetFacts()
    if format_param is None and prefers_html(request.headers.get("Accept")):
        html = render_template_string(
            SERVICE_PAGE,
            endpoint=endpoint,
            void_url=void_url,
            facts=facts,
            limits=svc.limit_values(),
            formats=FORMATS,
            backend=svc.backend.kind,
            data_source=facts.source,
        )
        response = Response(html, status=200, mimetype="text/html")
    else:
        triples = service_description(endpoint, void_url, facts, svc.limit_values())
        response = _rdf_response(triples, format_param)
    for name, value in _links().items():
        response.headers[name] = value
    return response


@bp.route("/void", methods=["GET", "OPTIONS"])
@bp.route("/.well-known/void", methods=["GET", "OPTIONS"])
def void() -> Response:
    if request.method == "OPTIONS":
        return _preflight()
    svc = service()
    base = _base()
    unknown = set(request.args) - {"format"}
    if unknown:
        raise errors.BadRequestError(
            f"/void has no parameter {sorted(unknown)[0]!r}; it takes format only"
        )
    facts = svc.backend.facts()
    triples = void_description(base + "/void", base + "/sparql", facts)
    return _rdf_response(triples, request.args.get("format"))


SERVICE_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>SPARQL endpoint - Safeguarding duties knowledge graph</title>
<link rel="describedby" href="{{ void_url }}" type="text/turtle">
</head>
<body>
<main>
<h1>SPARQL 1.1 endpoint</h1>
<p>Endpoint: <code>{{ endpoint }}</code>. Read-only: SPARQL Update is refused (403),
federated queries (<code>SERVICE</code>) are refused (400).
The default graph is the RDF merge of the {{ facts.graphs|length }} named graphs
({{ facts.total }} distinct triples)
{%- if backend == "remote" %}, served from {{ data_source }}{% endif %}.</p>
<p>Dataset description (VoID): <a href="{{ void_url }}">{{ void_url }}</a>.
This description as RDF: <a href="?format=turtle">Turtle</a>,
<a href="?format=ntriples">N-Triples</a>, <a href="?format=jsonld">JSON-LD</a>,
<a href="?format=rdfxml">RDF/XML</a>.</p>
<form method="get" action="{{ endpoint }}">
<p><label for="query">Query</label><br>
<textarea id="query" name="query" rows="10" cols="80">SELECT ?graph (COUNT(*) AS ?triples)
WHERE { GRAPH ?graph { ?s ?p ?o } }
GROUP BY ?graph ORDER BY ?graph</textarea></p>
<p><label for="format">Format</label>
<select id="format" name="format">
{% for f in formats %}<option value="{{ f.name }}">{{ f.name }} ({{ f.media_type }})</option>
{% endfor %}</select>
<button type="submit">Run</button></p>
</form>
<h2>Limits</h2>
<table>
{% for name, value in limits.items() %}<tr><th scope="row">{{ name }}</th><td>{{ value }}</td></tr>
{% endfor %}</table>
<h2>Formats</h2>
<ul>
{% for f in formats %}<li><code>format={{ f.name }}</code> or
<code>Accept: {{ f.media_type }}</code>
({{ "SELECT, ASK" if f.kind == "solutions" else "CONSTRUCT, DESCRIBE" }})</li>
{% endfor %}</ul>
<h2>Example</h2>
<pre>curl -H 'Accept: text/csv' \\
  --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 5' {{ endpoint }}</pre>
</main>
</body>
</html>
"""
