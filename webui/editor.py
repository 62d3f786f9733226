"""The SPARQL editor page: YASGUI pointed at /sparql, with the competency queries."""

from __future__ import annotations

from flask import Blueprint, current_app, make_response
from flask.typing import ResponseReturnValue

from kg.browse.examples import competency_queries, prefix_block
from webui.http import CONTENT_SECURITY_POLICY, as_at, negotiate, params, render

bp = Blueprint("editor", __name__)

#: YASGUI's result views set inline styles, so this page alone allows them (never
#: inline scripts).
EDITOR_CSP = CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


@bp.get("/query", defaults={"fmt": None})
@bp.get("/query.json", defaults={"fmt": "json"})
def query_page(fmt: str | None) -> ResponseReturnValue:
    params()
    as_at()
    settings = current_app.extensions["kg"].settings
    prefixes = prefix_block()
    default = (
        prefixes
        + "\nSELECT ?duty ?label WHERE {\n  ?duty a sg:Duty ; rdfs:label ?label .\n}\nLIMIT 20\n"
    )
    data = {
        "title": "Query the knowledge graph with SPARQL",
        "endpoint": "/sparql",
        "prefixes": prefixes,
        "default_query": default,
        "examples": competency_queries(settings),
    }
    response = make_response(render(fmt or negotiate(), "query.html", data))
    response.headers["Content-Security-Policy"] = EDITOR_CSP
    return response
