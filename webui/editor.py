"""The SPARQL editor page: YASGUI pointed at /sparql, with the competency queries."""

from __future__ import annotations

from flask import Blueprint, current_app, make_response
from flask.typing import ResponseReturnValue

from kg.browse import BadParameterError
from kg.browse.common import LEGISLATION
from kg.browse.examples import competency_queries, prefix_block
from kg.config import PREFIXES, SGD
from webui.http import CONTENT_SECURITY_POLICY, as_at, negotiate, params, render

bp = Blueprint("editor", __name__)

DEFAULT_QUERY = """
# Duties in force, or possibly in force, on a day: a start or end known only within
# bounds, or not confirmed since a date, makes a duty "possibly in force".
SELECT ?duty ?label ?status WHERE {
  BIND("DAY"^^xsd:date AS ?day)
  ?duty a sg:Duty ; rdfs:label ?label ; sg:latestStart ?latestStart .
  OPTIONAL { ?duty sg:earliestStart ?earliestStart }
  OPTIONAL { ?duty sg:earliestEnd ?earliestEnd }
  OPTIONAL { ?duty sg:latestEnd ?latestEnd }
  FILTER(!(BOUND(?earliestStart) && ?day < ?earliestStart)
         && !(BOUND(?latestEnd) && ?latestEnd < ?day))
  BIND(IF(?latestStart <= ?day && (!BOUND(?earliestEnd) || ?day <= ?earliestEnd),
          "in force", "possibly in force") AS ?status)
}
ORDER BY ?status ?label
LIMIT 50
"""

#: YASGUI's result views set inline styles, so this page alone allows them (never
#: inline scripts).
EDITOR_CSP = CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


@bp.get("/query", defaults={"fmt": None})
@bp.get("/query.json", defaults={"fmt": "json"})
def query_page(fmt: str | None) -> ResponseReturnValue:
    """The editor; ``?query=`` opens it on that text (the Questions' "show the SPARQL")."""
    given = params("query").get("query")
    day = as_at()
    settings = current_app.extensions["kg"].settings
    prefixes = prefix_block()
    if given is not None and len(given.encode()) > settings.max_query_bytes:
        raise BadParameterError(
            f"the query is {len(given.encode())} bytes long",
            field="query",
            expected=f"a query of at most {settings.max_query_bytes} bytes",
        )
    # the three-valued "as at" pattern (docs/modelling.md): exact and uncertain dates alike
    default = given or prefixes + DEFAULT_QUERY.replace("DAY", day.isoformat())
    data = {
        "title": "Query the knowledge graph with SPARQL",
        "endpoint": "/sparql",
        "prefixes": prefixes,
        "default_query": default,
        "examples": competency_queries(settings),
        # results show IRIs by these prefixes even where a query declares none, and
        # link the graph's own resources to their pages here (/resource?iri=)
        "result_prefixes": dict(PREFIXES),
        "local_namespaces": [SGD, LEGISLATION],
    }
    response = make_response(render(fmt or negotiate(), "query.html", data))
    response.headers["Content-Security-Policy"] = EDITOR_CSP
    return response
