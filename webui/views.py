"""The pages. Each view reads parameters, calls :mod:`kg.browse` or
:mod:`kg.analysis`, and renders the result as HTML or as its JSON twin.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request
from flask.typing import ResponseReturnValue

from kg import analysis
from kg.browse import BadParameterError, NotFoundError, pages
from kg.browse import compare as compare_areas
from kg.browse.briefing import briefing
from kg.browse.common import LEGISLATION, page_node, page_path
from kg.browse.glossary import glossary_page
from kg.browse.linked import DOWNLOADS, FORMATS, RESOURCE_FORMATS, describe, download
from kg.browse.ontology_diagram import core_diagram
from kg.browse.ontology_doc import ontology_doc
from kg.browse.search import search as run_search
from kg.browse.search_index import SearchIndexCache
from kg.browse.timeline import TIMELINE_PAGES, timeline
from kg.browse.validation_status import area_status
from kg.changes import page as changes_page
from kg.config import SGD
from kg.dates import long_date
from kg.errors import KGError
from kg.store import store_summary
from kg.terms import compact_iri
from webui.http import (
    MEDIA,
    as_at,
    catalog,
    check_date,
    negotiate,
    params,
    render,
    resolve_iri,
    split_suffix,
    state,
    url_with,
    with_contents,
)
from webui.pdf import PdfError, render_pdf

bp = Blueprint("pages", __name__)

TITLE = "Safeguarding duties knowledge graph"

#: Dates offered as one-click examples on every page.
EXAMPLE_DATES = (
    ("1 June 2004", "2004-06-01", "Area Child Protection Committees; MAPPA under the CJA 2003"),
    ("1 August 2017", "2017-08-01", "Local Safeguarding Children Boards"),
)


def _fmt(fmt: str | None) -> str:
    return fmt or negotiate()


# ------------------------------------------------------------------------- home


def _summary() -> tuple[dict[str, Any], int]:
    try:
        data = store_summary(state().reader)
    except KGError as e:
        return {"title": TITLE, "error": str(e), "graphs": [], "total_quads": 0}, 503
    data["title"] = TITLE
    for graph in data["graphs"]:
        graph["label"] = compact_iri(graph["graph"])
    return data, 200


@bp.get("/", defaults={"fmt": None})
@bp.get("/index.json", defaults={"fmt": "json"})
def home(fmt: str | None) -> ResponseReturnValue:
    params()
    when = as_at()
    data, status = _summary()
    if status == 200:
        data["home"] = pages.home_page(catalog(), when)
    data["as_at"] = when.isoformat()
    return render(_fmt(fmt), "home.html", data, status)


# --------------------------------------------------------------------- listings

LISTINGS = {
    "bodies": (pages.bodies_listing, "Bodies and kinds of body"),
    "boards": (pages.boards_listing, "Boards"),
    "provisions": (pages.provisions_listing, "Legislation and provisions"),
    "areas": (pages.areas_listing, "Areas"),
    "documents": (pages.documents_listing, "Local protocols, reports and guidance"),
}


def _listing(name: str, fmt: str | None) -> ResponseReturnValue:
    params()
    builder, title = LISTINGS[name]
    data = builder(catalog(), as_at())
    data["title"] = title
    data["listing"] = name
    return render(_fmt(fmt), f"list_{name}.html", data)


def _register_listing(name: str) -> None:
    def view(fmt: str | None) -> ResponseReturnValue:
        return _listing(name, fmt)

    view.__name__ = f"list_{name}"
    bp.add_url_rule(f"/{name}", view_func=view, defaults={"fmt": None})
    bp.add_url_rule(f"/{name}.json", view_func=view, defaults={"fmt": "json"})


for _name in LISTINGS:
    _register_listing(_name)


# ------------------------------------------------------------- entity pages


def _entity(iri: str, fmt: str | None) -> ResponseReturnValue:
    params()
    when = as_at()
    # only the IRIs this server makes pages for (plain local names, legislation paths),
    # parsed as a term: that term, never the path's text, goes into the query and the
    # Link header; anything odd is a 404
    node = page_node(iri)
    fmt = fmt or negotiate(allowed=("html", "json", "ttl", "jsonld"))
    if fmt in RESOURCE_FORMATS:
        check_date()
        body = describe(state().catalogs.store(), state().settings, node, fmt)
        return Response(
            body,
            mimetype=FORMATS[fmt].media_type,
            headers={"Vary": "Accept", "Link": f'<{node.value}>; rel="canonical"'},
        )
    data = pages.entity_page(catalog(), iri, when)
    data["links"] = _twin_links(iri)
    data["analysis"] = _entity_analysis(data, when)
    if data["page_type"] in TIMELINE_PAGES:
        data["timeline"] = timeline(catalog(), data, when)
    return render(fmt, f"entity_{data['page_type']}.html", data)


def _twin_links(iri: str) -> dict[str, str]:
    path = page_path(iri) or ""
    return {
        "html": path,
        "json": path + ".json",
        "turtle": path + ".ttl",
        "jsonld": path + ".jsonld",
    }


def _entity_analysis(data: dict[str, Any], when: date) -> dict[str, Any] | None:
    """Network analysis shown on board and area pages."""
    cat = catalog()
    if data["page_type"] == "area":
        g = analysis.duty_network(cat, when, analysis.Filters(area=data["iri"]))
        return {
            "validation": area_status(state().settings, data["iri"], when),
            "rankings": analysis.rankings(g, 5),
            "unlinked": analysis.unlinked_members(cat, when, data["iri"]),
            "summary": analysis.network_summary(g),
        }
    if data["page_type"] == "board":
        return {"unlinked": analysis.unlinked_members(cat, when, board=data["iri"])}
    return None


# ---------------------------------------------------------------- briefing packs


#: The last segment of a briefing's address (``/id/<name>/briefing``), by format.
BRIEFING_SEGMENTS = {"briefing": None, "briefing.json": "json", "briefing.pdf": "pdf"}


def briefing_pack(local: str, fmt: str | None) -> ResponseReturnValue:
    """A print-ready briefing on a kind of body, body, board or area (docs/web.md)."""
    params()
    when = as_at()
    iri = SGD + local
    path = page_path(iri)
    if path is None:
        raise NotFoundError("no page has that address")
    if fmt == "pdf":
        check_date()
    data = briefing(catalog(), iri, when)
    data["links"] = {"page": path, "pdf": path + "/briefing.pdf", "json": path + "/briefing.json"}
    data["made_text"] = long_date(date.today())
    built = catalog().built_at
    data["built_text"] = long_date(date.fromisoformat(built[:10])) if built else "a day unknown"
    if fmt != "pdf":
        return render(_fmt(fmt), "briefing.html", data)
    html = with_contents(render_template("briefing.html", page=data))
    settings = state().settings
    try:
        body = render_pdf(
            html,
            static_dir=Path(current_app.static_folder or "static"),
            base_url=request.host_url,
            chromium=settings.chromium,
            timeout=settings.pdf_timeout,
        )
    except PdfError as e:
        abort(503, description=str(e)[:1].upper() + str(e)[1:] + ".")
    name = f"briefing-{local.replace('/', '-')}-{when.isoformat()}.pdf"
    return Response(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/id/<path:local>")
def entity_by_id(local: str) -> ResponseReturnValue:
    # /id/<name>/briefing: a path converter would also take it, so the entity route
    # hands it on
    subject, _, last = local.rpartition("/")
    if subject and last in BRIEFING_SEGMENTS:
        return briefing_pack(subject, BRIEFING_SEGMENTS[last])
    name, fmt = split_suffix(local)
    return _entity(SGD + name, fmt)


@bp.get("/legislation/<path:rest>")
def entity_legislation(rest: str) -> ResponseReturnValue:
    name, fmt = split_suffix(rest)
    return _entity(LEGISLATION + name, fmt)


@bp.get("/resource")
@bp.get("/provision")
def resource() -> ResponseReturnValue:
    """``?iri=`` of any resource: a redirect to its page."""
    values = params("iri")
    raw = values.get("iri", "").strip()
    if not raw:
        raise BadParameterError(
            "no IRI given", field="iri", expected="?iri=<the IRI of a resource>"
        )
    iri = resolve_iri(raw, "iri")
    path = page_path(iri)
    if not path or not catalog().has(iri):
        raise NotFoundError(f"nothing is known about {iri}")
    query = f"?as_at={values['as_at']}" if values.get("as_at") else ""
    return redirect(path + query, code=303)


# ------------------------------------------------------------------------ search


@bp.get("/search", defaults={"fmt": None})
@bp.get("/search.json", defaults={"fmt": "json"})
def search(fmt: str | None) -> ResponseReturnValue:
    values = params("q")
    cat = catalog()
    # the index kg build wrote beside the store (or one built in memory), per app
    indexes = current_app.extensions.setdefault("kg_search", SearchIndexCache(state().settings))
    data = run_search(cat, values.get("q"), as_at(), indexes.get(cat))
    data["title"] = "Search"
    return render(_fmt(fmt), "search.html", data)


# ------------------------------------------------------------ diagram, network


def _filters() -> tuple[dict[str, str], analysis.Filters]:
    values = params("area", "board", "provision", "benefits", "from", "to")
    benefits = values.get("benefits", "")
    if benefits not in ("", "yes", "no"):
        raise BadParameterError(
            f"benefits={benefits!r}", field="benefits", expected="yes or no (default no)"
        )
    f = analysis.Filters(
        area=resolve_iri(values["area"], "area") if values.get("area") else None,
        board=resolve_iri(values["board"], "board") if values.get("board") else None,
        provision=resolve_iri(values["provision"], "provision", LEGISLATION)
        if values.get("provision")
        else None,
        include_benefits=benefits == "yes",
    )
    return values, f


def _choices() -> dict[str, Any]:
    cat = catalog()
    areas = [a for a in pages.areas_listing(cat, date.today())["areas"] if a["has_content"]]
    boards = pages.boards_listing(cat, date.today())
    provisions = []
    for law in pages.provisions_listing(cat, date.today())["legislation"]:
        if law["is_guidance"]:
            continue
        provisions.append({"iri": law["iri"], "label": law["label"]})
        for prov in law["provisions"]:
            if prov["iri"].count("/") <= 7:  # sections and regulations, not sub-paragraphs
                provisions.append({"iri": prov["iri"], "label": "— " + prov["label"]})
    return {
        "areas": [{"iri": a["iri"], "label": a["label"]} for a in areas],
        "boards": [
            {"iri": b["iri"], "label": b["label"]} for b in boards["boards"] + boards["kinds"]
        ],
        "provisions": provisions,
    }


def _filter_labels(f: analysis.Filters) -> dict[str, Any]:
    cat = catalog()
    return {
        "area": pages.ref(cat, f.area) if f.area else None,
        "board": pages.ref(cat, f.board) if f.board else None,
        "provision": pages.ref(cat, f.provision) if f.provision else None,
        "benefits": f.include_benefits,
    }


@bp.get("/diagram", defaults={"fmt": None})
@bp.get("/diagram.json", defaults={"fmt": "json"})
@bp.get("/diagram.svg", defaults={"fmt": "svg"})
@bp.get("/diagram.graphml", defaults={"fmt": "graphml"})
@bp.get("/diagram.csv", defaults={"fmt": "csv"})
def diagram(fmt: str | None) -> ResponseReturnValue:
    values, f = _filters()
    when = as_at()
    if fmt in ("svg", "graphml", "csv"):
        check_date()
    cat = catalog()
    g = analysis.duty_network(cat, when, f)
    labels = _filter_labels(f)
    # exports carry what they show: the area, the date and the other filters
    title, subtitle = analysis.diagram_title(
        when, *(labels[k]["label"] if labels[k] else None for k in ("area", "board", "provision")),
        benefits=f.include_benefits,
    )  # fmt: skip
    if fmt == "svg":
        return Response(analysis.to_svg(g, title, subtitle), mimetype="image/svg+xml")
    if fmt == "graphml":
        return _graphml(g, "duty-network")
    elements = analysis.diagram_elements(g, cat)
    if fmt == "csv":
        return Response(
            analysis.diagram_csv(elements["rows"]),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="duty-network.csv"'},
        )
    data = {
        "title": "Who owes what to whom",
        "as_at": when.isoformat(),
        "filters": labels,
        "summary": analysis.network_summary(g),
        "elements": elements,
        "export": {"title": title, "subtitle": subtitle},
        "downloads": {
            "svg": url_with("/diagram.svg"),
            "csv": url_with("/diagram.csv"),
            "graphml": url_with("/diagram.graphml"),
            "json": url_with("/diagram.json"),
        },
    }
    if _fmt(fmt) == "html":
        data["choices"] = _choices()
        data["selected"] = values
    return render(_fmt(fmt), "diagram.html", data)


def _graphml(g: Any, name: str) -> Response:
    return Response(
        analysis.to_graphml(g),
        mimetype="application/graphml+xml",
        headers={"Content-Disposition": f'attachment; filename="{name}.graphml"'},
    )


@bp.get("/network", defaults={"fmt": None})
@bp.get("/network.json", defaults={"fmt": "json"})
@bp.get("/network.graphml", defaults={"fmt": "graphml"})
def network(fmt: str | None) -> ResponseReturnValue:
    values, f = _filters()
    when = as_at()
    if fmt == "graphml":
        check_date()
    cat = catalog()
    g = analysis.duty_network(cat, when, f)
    if fmt == "graphml":
        return _graphml(g, "duty-network")
    source = resolve_iri(values["from"], "from") if values.get("from") else None
    target = resolve_iri(values["to"], "to") if values.get("to") else None
    for name, iri in (("from", source), ("to", target)):
        if iri and iri not in g:
            raise BadParameterError(
                f"{iri} has no duty or role in the network on {when.isoformat()}"
                + (" with these filters" if f != analysis.Filters() else ""),
                field=name,
                expected="a party from the list on the page (a body, board, role or person "
                "with a duty or role on that date)",
            )
    chain = None
    if source and target:
        chain = analysis.chain(g, source, target)
        chain["alternatives"] = analysis.chains(g, source, target)
        chain["from"] = pages.ref(cat, source)
        chain["to"] = pages.ref(cat, target)
    data = {
        "title": "The duty network, analysed",
        "as_at": when.isoformat(),
        "filters": _filter_labels(f),
        "summary": analysis.network_summary(g),
        "chain": chain,
        "rankings": analysis.rankings(g, 10),
        "unlinked": analysis.unlinked_members(cat, when, f.area),
        "downloads": {"graphml": url_with("/network.graphml"), "json": url_with("/network.json")},
    }
    if _fmt(fmt) == "html":
        data["choices"] = _choices()
        data["parties"] = analysis.parties(g)
        data["selected"] = values
    return render(_fmt(fmt), "network.html", data)


# ----------------------------------------------------------------------- changes


@bp.get("/changes", defaults={"fmt": None})
@bp.get("/changes.json", defaults={"fmt": "json"})
def changes(fmt: str | None) -> ResponseReturnValue:
    """What began, ended or changed between two dates (docs/changes.md)."""
    fmt = _fmt(fmt)
    cat = catalog()
    try:
        data, status = changes_page.page(cat, params(*changes_page.PARAMS)), 200
    except BadParameterError as e:
        if fmt != "html":
            raise  # the JSON twin's 400 names the field, as every page's does
        data, status = changes_page.error_page(request.args, e), 400
    if fmt == "html":
        data["choices"] = changes_page.choices(cat)
    return render(fmt, "changes.html", data, status)


# ----------------------------------------------------------------------- compare


@bp.get("/compare", defaults={"fmt": None})
@bp.get("/compare.json", defaults={"fmt": "json"})
def compare(fmt: str | None) -> ResponseReturnValue:
    """Two areas on a date, or one area on two dates, side by side (kg/browse/compare.py)."""
    fmt = _fmt(fmt)
    cat = catalog()
    values = params(*compare_areas.PARAMS)
    when = as_at()
    form = {k: values.get(k, "") for k in compare_areas.PARAMS}
    data: dict[str, Any] = {"title": "Compare areas", "form": form, "error": None, "result": None}
    status = 200
    try:
        sides = compare_areas.parse(cat, values, when)
        if sides is not None:
            statuses = [area_status(state().settings, a, d) for a, d in sides]
            data["result"] = compare_areas.compare(cat, sides, statuses)
            data["title"] = data["result"]["title"]
    except BadParameterError as e:
        if fmt != "html":
            raise  # the JSON twin's 400 names the field, as every page's does
        data["error"] = {"field": e.field, "message": e.message, "expected": e.expected}
        status = 400
    if fmt == "html":
        data["choices"] = compare_areas.area_choices(cat)
    return render(fmt, "compare.html", data, status)


# ---------------------------------------------------------------------- glossary


@bp.get("/glossary", defaults={"fmt": None})
@bp.get("/glossary.json", defaults={"fmt": "json"})
def glossary(fmt: str | None) -> ResponseReturnValue:
    """The terms and acronyms of the field (data/glossary.ttl)."""
    params()
    as_at()
    return render(_fmt(fmt), "glossary.html", glossary_page(catalog()))


# ------------------------------------------------------------- downloads, docs


@bp.get("/downloads", defaults={"fmt": None})
@bp.get("/downloads.json", defaults={"fmt": "json"})
def downloads(fmt: str | None) -> ResponseReturnValue:
    params()
    as_at()
    cat = catalog()
    data = {
        "title": "Downloads",
        "downloads": [
            {
                "name": name,
                "description": description,
                "files": [
                    {
                        "format": f.name,
                        "href": f"/downloads/{name}.{f.suffix}",
                        "media_type": f.media_type,
                    }
                    for f in FORMATS.values()
                ],
            }
            for name, description in DOWNLOADS.items()
        ],
        "sources": cat.sources,
        "built_at": cat.built_at,
    }
    return render(_fmt(fmt), "downloads.html", data)


@bp.get("/downloads/<name>.<suffix>")
def download_file(name: str, suffix: str) -> ResponseReturnValue:
    params()
    if name not in DOWNLOADS or suffix not in FORMATS:
        abort(404)
    body = download(state().catalogs.store(), state().settings, name, suffix)
    return Response(
        body,
        mimetype=FORMATS[suffix].media_type,
        headers={"Content-Disposition": f'attachment; filename="safeguarding-kg-{name}.{suffix}"'},
    )


@bp.get("/ontology", defaults={"fmt": None})
@bp.get("/ontology.json", defaults={"fmt": "json"})
def ontology(fmt: str | None) -> ResponseReturnValue:
    params()
    as_at()
    data = ontology_doc(catalog())
    data["diagram"] = core_diagram(catalog())
    data["title"] = "The ontology"
    return render(_fmt(fmt), "ontology.html", data)


def media_type(fmt: str) -> str:
    return MEDIA[fmt]
