"""A dated list of what happened to the subject of a page (began, commenced, amended,
ended, review due), and the compact picture drawn from it.

The events come from the changes report (:mod:`kg.changes`, docs/changes.md) asked
about all time with the page's subject as its filter: a body or kind of body, a board,
a provision, an area. A local document, which the changes filters do not take, gets the
changes of what it states (``Fact.document``). A provision adds its effects
(:mod:`kg.browse.history`); a document its review date. The list is the accessible form;
the picture (:func:`picture`) repeats it for the eye and is hidden from assistive
technology.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from kg.browse.catalog import Catalog
from kg.browse.common import MAX_DATE, MIN_DATE
from kg.browse.pages import iso, p, period, ref
from kg.changes import ChangeQuery, Window, changes
from kg.changes.facts import by_iri
from kg.changes.filters import short_id
from kg.dates import Bound, long_date

Json = dict[str, Any]

#: The event kinds, in the order the key lists them.
KINDS = ("began", "commenced", "inserted", "amended", "ended", "repealed", "review due")
_ALL_TIME = Window(MIN_DATE, MAX_DATE)
#: The page types that have a timeline.
TIMELINE_PAGES = frozenset({"body", "board", "provision", "area", "document"})
#: The changes filter each page type's subject goes in.
_FILTER = {"body": "body", "board": "board", "provision": "provision", "area": "area"}


def timeline(cat: Catalog, page: Json, as_at: date) -> Json:
    """The events of the page's subject, earliest first, with the picture's geometry."""
    iri, kind = page["iri"], page["page_type"]
    events = list(_recorded(cat, iri, kind))
    if kind == "provision":
        events += [_effect(r) for r in page.get("effects", []) if r["sort"] is not None]
    if not any(e["item"] and e["item"]["iri"] == iri for e in events):
        events += _own(cat, iri)
    events.sort(key=lambda e: (e["sort"] or "", KINDS.index(e["kind"]), e["text"]))
    changes_href = None
    if kind in _FILTER:  # the same events, with every national change, on /changes
        changes_href = f"/changes?{_FILTER[kind]}={short_id(iri)}&from={MIN_DATE.isoformat()}"
    return {
        "events": events,
        "picture": picture(events, as_at),
        "kinds": _used(events),
        "changes_href": changes_href,
        "page_type": kind,
    }


#: Subjects whose recorded events are kept per catalog (about 2,000 have a timeline;
#: a London area's takes tens of milliseconds to gather from every fact).
RECORDED_KEPT = 4096


def _recorded(cat: Catalog, iri: str, kind: str) -> list[Json]:
    """The subject's events from the changes report over all time: the same at every
    date the page is asked for, so kept per catalog (never changed by the caller)."""
    cache: dict[tuple[str, str], list[Json]] = cat.__dict__.setdefault("_timelines", {})
    key = (iri, kind)
    if key in cache:
        return cache[key]
    events: list[Json] = []
    if kind in _FILTER:
        # an area's timeline is its own history: what its local documents state, and
        # its councils, forces, boards and derived roles, counted (hundreds in London)
        # as /changes counts them nationally; the national law that extends to it is
        # on /changes?area=. A body's or board's own facts are few, and listed.
        area = kind == "area"
        q = ChangeQuery(_ALL_TIME, count_per_area=area, **{_FILTER[kind]: iri})
        result = changes(cat, q)
        events += _listed(result, local_only=area)
        events += [_counted(row) for row in result["per_area"]["summary"]]
    elif kind == "document":
        events += _of_document(cat, iri)
    if len(cache) >= RECORDED_KEPT:
        cache.clear()
    cache[key] = events
    return events


def _event(kind: str, bound: Bound, text: str, item: Json | None, possibly: bool) -> Json:
    first = bound.earliest or bound.latest
    return {
        "kind": kind,
        "when": bound.iso(),
        "when_text": bound.describe(),
        "date": iso(bound.exact),
        "uncertain": bound.exact is None,
        "possibly": possibly,
        "sort": iso(first),
        "text": text,
        "item": item,
    }


def _listed(result: Json, local_only: bool = False) -> list[Json]:
    out = []
    for row in [e for g in result["groups"] for e in g["events"]] + result["open"]:
        if local_only and row["scope"] == "national":
            continue
        b = Bound(_day(row["when"]["earliest"]), _day(row["when"]["latest"]))
        # the report's sentences are about a window ("in this period"); here it is all time
        text = row["sentence"].replace(" in this period", "")
        out.append(_event(row["change"], b, text, row["item"], row["possibly"]))
    return out


def _counted(row: Json) -> Json:
    text = row["sentence"].replace(" in this period", "")
    b = Bound(_day(row["first"]), _day(row["last"]))
    if row["known_side"] != "both":
        b = Bound(b.earliest, None) if row["known_side"] == "earliest" else Bound(None, b.latest)
    return _event(row["change"], b, text, None, row["certainty"] != "certain")


def _of_document(cat: Catalog, iri: str) -> list[Json]:
    facts = by_iri(cat)
    stated = {x for x, f in facts.items() if f.document == iri}
    result = changes(cat, ChangeQuery(_ALL_TIME))
    out = [e for e in _listed(result) if e["item"] and e["item"]["iri"] in stated]
    due = cat.date(iri, p("reviewDue"))
    if due is not None:
        text = f"Review due: {cat.label(iri)} was to be reviewed by {long_date(due)}."
        out.append(_event("review due", Bound(due, due), text, ref(cat, iri), False))
    return out


def _effect(row: Json) -> Json:
    b = Bound(_day(row["when"]["earliest"]), _day(row["when"]["latest"]))
    what = row["what"]["label"]
    by = ", ".join(m["label"] for m in row["made_by"])
    text = f"{what} {row['type_label']}" + (f" by {by}" if by else "")
    text += f": {row['text']}" if row.get("text") else "."
    return _event(row["type"], b, text, row["what"], bool(row["uncertain"]))


def _own(cat: Catalog, iri: str) -> list[Json]:
    """The subject's own start and end, when the changes report has none (an area)."""
    when = period(cat, iri)
    label = cat.label(iri)
    out = []
    if when.start.known:
        out.append(_event("began", when.start, f"{label} began.", ref(cat, iri), False))
    if when.end.known and when.end.latest is not None:
        out.append(_event("ended", when.end, f"{label} ended.", ref(cat, iri), False))
    return out


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _used(events: list[Json]) -> list[str]:
    seen = {e["kind"] for e in events}
    return [k for k in KINDS if k in seen]


# ------------------------------------------------------------------------ picture


def picture(events: list[Json], as_at: date) -> Json | None:
    """Where each event sits on a line from the first year to the last, in percent
    (SVG attributes, so the page's style-src policy needs no inline styles)."""
    days = [_day(d) for e in events for d in (e["when"]["earliest"], e["when"]["latest"])]
    known = [d for d in days if d is not None]
    if not known:
        return None
    first = date(min(known).year, 1, 1)
    last = date(max(*known, as_at).year + 1, 1, 1)
    span = (last - first).days

    def x(d: date) -> float:
        return round(100 * (min(max(d, first), last) - first).days / span, 2)

    marks = []
    for e in events:
        lo, hi = _day(e["when"]["earliest"]), _day(e["when"]["latest"])
        if lo is None and hi is None:
            continue
        start = x(lo) if lo else 0.0  # open below: from the line's start
        end = x(hi) if hi else 100.0  # open above: to the line's end
        row = 0 if e["kind"] in ("began", "commenced", "inserted") else (
            1 if e["kind"] in ("amended", "review due") else 2
        )  # fmt: skip
        marks.append({"kind": e["kind"], "x": start, "width": round(end - start, 2), "row": row})
    step = max(1, (last.year - first.year) // 6)
    ticks = [{"x": x(date(y, 1, 1)), "year": y} for y in range(first.year, last.year + 1, step)]
    return {
        "marks": marks,
        "ticks": ticks,
        "as_at": x(as_at) if first <= as_at <= last else None,
        "from": first.year,
        "to": last.year,
    }
