"""Web UI for the knowledge graph (a placeholder home page for now).

Views never parse SPARQL or RDF themselves: they call functions in :mod:`kg`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, jsonify, render_template
from flask.typing import ResponseReturnValue

from kg.config import Settings
from kg.errors import KGError
from kg.store import StoreReader, store_summary
from kg.terms import compact_iri

TITLE = "Safeguarding duties knowledge graph"


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
    reader = StoreReader(settings)

    def summary() -> tuple[dict[str, Any], int]:
        try:
            data = store_summary(reader)
        except KGError as e:
            return {"title": TITLE, "error": str(e), "graphs": [], "total_quads": 0}, 503
        data["title"] = TITLE
        for graph in data["graphs"]:
            graph["label"] = compact_iri(graph["graph"])
        return data, 200

    @app.get("/")
    def index() -> ResponseReturnValue:
        data, status = summary()
        return render_template("index.html", **data), status

    @app.get("/index.json")
    def index_json() -> ResponseReturnValue:
        data, status = summary()
        return jsonify(data), status

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'"
        )
        return response

    return app
