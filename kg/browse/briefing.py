"""A briefing pack: what a kind of body, a body, a board or an area must and may do on
a date, for whom, under which provision; what changed in the two years before; the
reviews coming up; who represents it; and the sources. One page, made to be printed
(``/id/<name>/briefing``) and rendered to PDF (:mod:`kg.browse.pdf`).

It is built from the pages' own builders (:mod:`kg.browse.pages`) and the changes
report (:mod:`kg.changes`), so that it never says more, or other, than they do.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from kg.browse.catalog import Catalog
from kg.browse.common import BadParameterError, NotFoundError
from kg.browse.pages import area_page, base, body_page, page_type, ref
from kg.browse.pages.base import current, p
from kg.browse.pages.duties import by_dates, role_row
from kg.changes.filters import ChangeQuery, _years_before, resolve
from kg.changes.report import changes
from kg.changes.window import Window
from kg.dates import long_date

Json = dict[str, Any]

#: The page types that have a briefing, and what the pack calls them.
SUBJECTS = ("body", "board", "area")
#: The changes filter that selects a subject's changes, tried in this order.
_CHANGE_FIELDS = ("area", "board", "kind", "body")
#: How far back "what changed" looks.
CHANGE_YEARS = 2


def briefing(cat: Catalog, iri: str, as_at: date) -> Json:
    """The briefing pack of ``iri`` on ``as_at``."""
    if not cat.has(iri):
        raise NotFoundError(f"nothing is known about {iri}")
    kind = page_type(cat, iri)
    if kind not in SUBJECTS:
        raise NotFoundError(
            f"{cat.label(iri)} is a {kind}: briefing packs are made for kinds of body, "
            "bodies, boards and areas"
        )
    if kind == "area":
        page = area_page(cat, iri, as_at)
        duties = [*page["statutory_duties"], *page["local_commitments"]]
        documents = [d["iri"] for d in page["documents"]]
        representatives = _area_representatives(cat, page, as_at)
    else:
        page = body_page(cat, iri, as_at)
        duties = page["duties_held"]
        documents = [d["document"]["iri"] for d in page["documents"]]
        representatives = page["representatives"] + page["members"]
    head = base(cat, iri, as_at)
    must = [d for d in duties if d["modality"] != "may"]
    may = [d for d in duties if d["modality"] == "may"]
    return {
        **head,
        "title": f"Briefing: {head['label']}",
        "subject_type": kind,
        "as_at": as_at.isoformat(),
        "as_at_text": long_date(as_at),
        "must": must,
        "may": may,
        "changes": _changes(cat, iri, as_at),
        "reviews": _reviews(cat, documents, as_at),
        "representatives": _unique(representatives),
        "sources": _sources(duties),
        "page": page["iri"],
    }


def _changes(cat: Catalog, iri: str, as_at: date) -> Json:
    """What began or ended in the two years up to ``as_at``, as /changes says it."""
    start = _years_before(as_at, CHANGE_YEARS)
    for field in _CHANGE_FIELDS:
        try:
            chosen = resolve(cat, iri, field)
        except BadParameterError:
            continue
        report = changes(cat, ChangeQuery(Window(start, as_at), **{field: chosen}))
        events = [e for g in report["groups"] for e in g["events"]]
        return {
            "from": start.isoformat(),
            "to": as_at.isoformat(),
            "window_text": report["window_text"],
            "events": events,
            "per_area": report["per_area"]["summary"],
            "open": report["counts"]["open"],
            "link": {
                "path": "/changes",
                "params": {"from": start.isoformat(), "to": as_at.isoformat(), field: iri},
            },  # fmt: skip
        }
    return {"from": start.isoformat(), "to": as_at.isoformat(), "events": [], "per_area": []}


def _reviews(cat: Catalog, documents: list[str], as_at: date) -> list[Json]:
    """The documents' own review dates (``sg:reviewDue``) on or after ``as_at``, and
    those already past, which the pack says were due."""
    out = []
    for doc in dict.fromkeys(documents):
        due = cat.text(doc, p("reviewDue"))
        if not due:
            continue
        day = date.fromisoformat(due)
        out.append(
            {
                "document": ref(cat, doc),
                "due": due,
                "due_text": long_date(day),
                "past": day < as_at,
                "within_months": cat.integer(doc, p("reviewWithinMonths")),
            }
        )
    return sorted(out, key=lambda r: r["due"])


def _area_representatives(cat: Catalog, page: Json, as_at: date) -> list[Json]:
    """Who acts for the area's boards and bodies on the date, where the data records
    it (as their own pages list them: ``sg:onBehalfOf``)."""
    out: list[Json] = []
    for entry in page["boards"] + page["bodies"]:
        for ra in cat.subjects(p("onBehalfOf"), entry["iri"]):
            row = role_row(cat, ra, as_at)
            if current(row):
                out.append(row)
    return by_dates(out)


def _unique(rows: list[Json]) -> list[Json]:
    """One row per role assignment (an area's boards share their representatives)."""
    return list({r["assignment"]["iri"]: r for r in rows}.values())


def _sources(duties: list[Json]) -> list[Json]:
    """Every source the duties name, and every provision, once each."""
    seen: dict[str, Json] = {}
    for d in duties:
        for r in d["sources"] + d["provisions"] + d.get("stated_in", []):
            seen.setdefault(r["iri"], r)
    return sorted(seen.values(), key=lambda r: r["label"].lower())
