"""Web UI for the knowledge graph: a Flask app factory.

Views never parse SPARQL or RDF themselves: they call functions in :mod:`kg`
(:mod:`kg.browse` for the pages, :mod:`kg.analysis` for the duty network). See
``docs/web.md`` for the pages and their JSON twins.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import (
    Flask,
    Response,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
)
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from kg.browse import BadParameterError, CatalogCache, NotFoundError
from kg.browse.common import DATE_PARTS, page_path, parse_date_parts
from kg.config import Settings
from kg.dates import long_date
from kg.endpoint.errors import EndpointError
from kg.errors import KGError, QueryError, StoreMissingError
from kg.remote import open_reader
from webui.http import SECURITY_HEADERS, KGState, url_with, with_date
from webui.views import EXAMPLE_DATES, TITLE
from webui.views import bp as pages_bp

log = logging.getLogger(__name__)

__all__ = ["TITLE", "create_app"]

#: The service navigation: (path, label). Nine items fit on one line at 1280 px (GOV.UK's
#: 960 px width); the service name in the header leads home, and the documents, network,
#: downloads, glossary, search and ontology are in the footer.
NAV_ITEMS = (
    ("/bodies", "Bodies"),
    ("/boards", "Boards"),
    ("/provisions", "Provisions"),
    ("/areas", "Areas"),
    ("/changes", "Changes"),
    ("/diagram", "Diagram"),
    ("/questions", "Questions"),
    ("/query", "SPARQL"),
    ("/validate", "Validate"),
)

#: Machine endpoints (webui/sparql.py): their errors are plain text, even routing errors.
ENDPOINT_PATHS = ("/sparql", "/void", "/.well-known/void")

ERROR_TITLES = {
    400: "There is a problem with the request",
    404: "Page not found",
    405: "Method not allowed",
    413: "The upload is too large",
    500: "Sorry, there is a problem with the service",
    502: "The data server is not working properly",
    503: "The knowledge graph is not available",
}


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create the Flask app.

    Config keys (besides Flask's own): ``KG_SETTINGS``, a :class:`kg.config.Settings`
    (default: :meth:`Settings.from_env`).
    """
    app = Flask(__name__)
    settings = (config or {}).get("KG_SETTINGS") or Settings.from_env()
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    if config:
        app.config.update(config)
    app.config["KG_SETTINGS"] = settings
    app.json.sort_keys = False  # type: ignore[attr-defined]
    reader = open_reader(settings)  # the built store, or KG_STORE_URL (kg.remote)
    app.extensions["kg"] = KGState(settings, reader, CatalogCache(settings, reader))

    app.register_blueprint(pages_bp)
    _register_optional_blueprints(app)
    # Other blueprints (e.g. the SPARQL endpoint in webui/sparql.py) register here.
    from webui.sparql import init_app as init_sparql  # /sparql, /void (docs/endpoint.md)

    init_sparql(app, settings)

    app.jinja_env.globals.update(
        site_title=TITLE,
        nav_items=NAV_ITEMS,
        with_date=with_date,
        url_with=url_with,
        date_error=_date_error,
        date_parts=_date_parts,
        example_dates=EXAMPLE_DATES,
        page_for=page_path,
    )

    app.jinja_env.filters["long_date"] = _long_date
    app.jinja_env.filters["counted"] = _counted
    app.jinja_env.filters["sentence_case"] = _sentence_case

    @app.before_request
    def canonical_date() -> ResponseReturnValue | None:
        """A date typed in the date input, once it reads as a date, becomes
        ``?as_at=YYYY-MM-DD`` (303), so that the address gives the date as every link
        does; an empty input means today. One that does not read stays, for the page
        to show the error beside the input."""
        if request.method != "GET" or not any(n in request.args for n in DATE_PARTS):
            return None
        if request.args.get("as_at", "").strip():
            return None  # an explicit as_at wins (webui.http.as_at)
        parts = [request.args.get(n, "") for n in DATE_PARTS]
        drop: dict[str, str | None] = dict.fromkeys(DATE_PARTS)
        if not any(v.strip() for v in parts):
            return redirect(url_with(request.path, **drop, as_at=None), code=303)
        try:
            day = parse_date_parts(*parts)
        except BadParameterError:
            return None
        return redirect(url_with(request.path, **drop, as_at=day.isoformat()), code=303)

    @app.context_processor
    def json_twin() -> dict[str, Any]:
        twin = None
        path = request.path
        if path == "/":
            twin = url_with("/index.json")
        elif (
            request.endpoint
            and request.endpoint.split(".")[0] in ("pages", "editor", "validate", "questions")
            and not path.endswith((".json", ".svg", ".graphml"))
            and not path.startswith(("/id/", "/legislation/"))
        ):
            twin = url_with(path.rstrip("/") + ".json")
        return {"json_twin": twin}

    def wants_json() -> bool:
        path = request.path
        if path.endswith((".json", ".jsonld")):
            return True
        best = request.accept_mimetypes.best_match(["text/html", "application/json"])
        return best == "application/json"

    def error_page(status: int, message: str, **extra: Any) -> ResponseReturnValue:
        data = {
            "status": status,
            "title": ERROR_TITLES.get(status, "There is a problem"),
            "message": message,
            **extra,
        }
        if wants_json():
            response = jsonify({"error": data})
            response.status_code = status
            return response
        return render_template("error.html", page=data), status

    @app.errorhandler(BadParameterError)
    def bad_parameter(e: BadParameterError) -> ResponseReturnValue:
        return error_page(400, e.message, field=e.field, expected=e.expected)

    @app.errorhandler(QueryError)
    def query_error(e: QueryError) -> ResponseReturnValue:
        return error_page(400, str(e))

    @app.errorhandler(NotFoundError)
    def not_found(e: NotFoundError) -> ResponseReturnValue:
        return error_page(404, e.message)

    @app.errorhandler(StoreMissingError)
    def store_missing(e: StoreMissingError) -> ResponseReturnValue:
        return error_page(503, str(e), error=str(e))

    @app.errorhandler(EndpointError)
    def endpoint_error(e: EndpointError) -> ResponseReturnValue:
        # from the external SPARQL server behind the pages: down (503), slow (503), failing (502)
        return error_page(e.status, e.client_message())

    @app.errorhandler(KGError)
    def kg_error(e: KGError) -> ResponseReturnValue:
        return error_page(400, str(e))

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException) -> ResponseReturnValue:
        status = e.code or 500
        allowed = getattr(e, "valid_methods", None)
        if request.path.rstrip("/") in ENDPOINT_PATHS:
            # the endpoint's clients read plain text, not a page (routing errors such as
            # 405 are raised before the endpoint's own handlers are reached)
            response = Response(f"{e.name}\n", status=status, mimetype="text/plain")
        else:
            messages = {
                404: "There is no page at this address. Check it, or search for what you need.",
                413: "The file is larger than this service accepts.",
            }
            response = make_response(error_page(status, messages.get(status, e.description or "")))
        if status == 405 and allowed:
            response.headers["Allow"] = ", ".join(sorted(allowed))
        return response

    @app.errorhandler(Exception)
    def unexpected(e: Exception) -> ResponseReturnValue:
        log.exception("unexpected error on %s", request.path)
        return error_page(500, "Something went wrong on our side. Try again later.")

    @app.after_request
    def security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if response.status_code == 503 and request.blueprint != "sparql":
            # no store yet, or the external server is down: worth trying again soon
            response.headers.setdefault("Retry-After", "10")
        return response

    return app


def create_serving_app(config: Mapping[str, Any]) -> Flask:
    """The app as ``kg serve`` runs it: never in debug or testing mode.

    ``FLASK_DEBUG=1`` in the environment would otherwise switch Flask's debug
    mode on (exceptions propagated, templates reloaded) on a public server.
    """
    app = create_app(config)
    app.debug = False
    app.testing = False
    app.config.update(DEBUG=False, TESTING=False, PROPAGATE_EXCEPTIONS=False)
    return app


def _date_error() -> BadParameterError | None:
    """The page's date that could not be read, if any (webui.http.as_at)."""
    return getattr(g, "date_error", None)


def _date_parts() -> dict[str, str]:
    """The date input's day, month and year: as typed when they could not be read,
    else the request's explicit date, else empty (today)."""
    if getattr(g, "date_error", None) is not None:
        typed = getattr(g, "date_typed", {})
        return {k.removeprefix("as_at-"): v for k, v in typed.items()}
    as_at = getattr(g, "as_at", None)
    if as_at and getattr(g, "as_at_explicit", False):
        return {"day": str(as_at.day), "month": str(as_at.month), "year": str(as_at.year)}
    return {"day": "", "month": "", "year": ""}


def _long_date(value: str | date | None) -> str:
    """``1 August 2017`` from a date or its ISO form; anything else as it is."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    return long_date(value) if isinstance(value, date) else ""


def _counted(items: Any, singular: str, plural: str) -> str:
    """``1 duty``, ``2 duties``: a count (or a sized collection's) with its noun."""
    n = items if isinstance(items, int) else len(items)
    return f"{n} {singular if n == 1 else plural}"


def _sentence_case(text: str) -> str:
    """The first letter upper case, the rest as written: "MAPPA area", where Jinja's
    ``capitalize`` lower-cases the rest ("Mappa area")."""
    return text[:1].upper() + text[1:]


def _register_optional_blueprints(app: Flask) -> None:
    """The query editor, the Questions and the Validate page (in their own modules)."""
    from webui.editor import bp as editor_bp
    from webui.questions import bp as questions_bp
    from webui.validate import bp as validate_bp

    app.register_blueprint(editor_bp)
    app.register_blueprint(questions_bp)
    app.register_blueprint(validate_bp)
