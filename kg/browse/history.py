"""A provision's history: what brought it into force and changed it, when, and by
what instrument, with links to the text as it stood on the page's date and as enacted.

Dated changes are ``sg:Effect`` resources (docs/modelling.md, "Effects"). The older
links ``sg:commencedBy``, ``sg:insertedBy``, ``sg:amendedBy`` and ``sg:repealedBy``
name an instrument without a date; one that no effect accounts for is listed with
"date not recorded", never given a day. A provision with no commencement or insertion
effect has one row from its own start.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from kg.browse.catalog import Catalog
from kg.browse.common import LEGISLATION, legislation_url
from kg.browse.pages import iso, p, period, ref, refs, verification
from kg.config import SG
from kg.dates import Bound, long_date

Json = dict[str, Any]

#: legislation.gov.uk keeps revised, point-in-time texts of primary legislation from
#: this day on (its "basedate"); before it there is only the text as enacted.
REVISED_FROM = date(1991, 2, 1)
#: Primary legislation (revised, with point-in-time texts and an "enacted" version).
_PRIMARY = ("ukpga/", "anaw/", "asc/", "mwa/", "asp/", "nia/")
#: Secondary legislation: the text "as made".
_SECONDARY = ("uksi/", "wsi/", "ssi/", "nisr/")

#: The older, undated links from a provision to what acted on it, and the effect type each is.
_UNDATED = {
    "commencedBy": "commenced",
    "insertedBy": "inserted",
    "amendedBy": "amended",
    "repealedBy": "repealed",
}


def read_links(iri: str, as_at: date, enacted: date | None = None) -> Json:
    """legislation.gov.uk links for a provision: as at the page's date, as enacted (or
    made), and the latest text. ``None`` where legislation.gov.uk has no such text: no
    point-in-time text before its Act was enacted (``enacted``, when known)."""
    latest = legislation_url(iri)
    out: Json = {"latest": latest, "as_at": None, "as_at_date": as_at.isoformat(),
                 "original": None, "original_label": None}  # fmt: skip
    if latest is None:
        return out
    path = iri[len(LEGISLATION) :]
    if path.startswith(_PRIMARY):
        if as_at >= max(REVISED_FROM, enacted or REVISED_FROM):
            out["as_at"] = f"{latest}/{as_at.isoformat()}"
        out["original"], out["original_label"] = f"{latest}/enacted", "as enacted"
    elif path.startswith(_SECONDARY):
        out["original"], out["original_label"] = f"{latest}/made", "as made"
    return out


def provision_history(cat: Catalog, iri: str, scope: list[str], as_at: date) -> Json:
    """The effects on ``iri`` and its parts (``scope``, the provision first), earliest
    first, and those that may have come after ``as_at`` (the "later changes")."""
    rows: list[Json] = []
    # instruments whose dated effect (or own start or end) is listed, by part
    dated: dict[str, set[str]] = {x: set() for x in scope}
    for part in scope:
        for effect in cat.subjects(p("affects"), part):
            if cat.is_a(effect, SG + "Effect"):
                row = _effect_row(cat, part, effect, as_at)
                dated[part].update(m["iri"] for m in row["made_by"])
                rows.append(row)
    for part in scope:
        types = {r["type"] for r in rows if r["what"]["iri"] == part}
        for row in _own_rows(cat, part, types, as_at, whole=part == iri):
            dated[part].update(m["iri"] for m in row["made_by"])
            rows.append(row)
    rows += _undated(cat, scope, dated, as_at)
    rows.sort(key=lambda r: (r["sort"] is None, r["sort"] or "", r["order"], r["what"]["label"]))
    later = [r for r in rows if r["after"] in ("after", "possibly after")]
    return {
        "effects": rows,
        "later": later,
        "later_certain": any(r["after"] == "after" for r in later),
        "read": read_links(iri, as_at, _enacted(cat, iri)),
    }


def _effect_row(cat: Catalog, part: str, effect: str, as_at: date) -> Json:
    kind = cat.iri(effect, p("effectType"))
    start = period(cat, effect).start
    return _row(cat, part, start, kind, cat.iris(effect, p("madeBy")), as_at) | {
        "effect": ref(cat, effect),
        "text": cat.text(effect, p("text")),
        "verification": verification(cat, effect),
    }


def _enacted(cat: Catalog, iri: str) -> date | None:
    """The Royal Assent of the Act a provision belongs to (or is)."""
    seen: set[str] = set()
    x: str | None = iri
    while x and x not in seen:
        seen.add(x)
        if (day := cat.date(x, p("royalAssent"))) is not None:
            return day
        x = cat.iri(x, p("partOf"))
    return None


def _own_rows(cat: Catalog, iri: str, types: set[str], as_at: date, whole: bool) -> list[Json]:
    """How a provision came into force and ended, from its own dates and links, where
    no effect says; for a part of the page's provision, only where the part began or
    ended apart from what it is part of (inserted later, repealed earlier)."""
    rows = []
    when = period(cat, iri)
    outer = period(cat, up) if (up := cat.iri(iri, p("partOf"))) else None
    inserted = cat.iris(iri, p("insertedBy"))
    by = inserted + cat.iris(iri, p("commencedBy"))
    # a part that began with what it is part of, by the same instruments, is not repeated
    outer_by = set(cat.iris(up, p("insertedBy")) + cat.iris(up, p("commencedBy"))) if up else set()
    apart = whole or outer is None or outer.start != when.start or not set(by) <= outer_by
    if not types & {"commenced", "inserted"} and apart and (when.start.known or by):
        kind = SG + ("inserted" if inserted else "commenced")
        rows.append(_row(cat, iri, when.start, kind, by, as_at) | {"effect": None})
    ends_apart = whole or outer is None or outer.end != when.end
    if "repealed" not in types and ends_apart and when.end.known and when.end.latest is not None:
        # in force until its last day: repealed from the day after
        by = cat.iris(iri, p("repealedBy"))
        rows.append(
            _row(cat, iri, _day_after(when.end), SG + "repealed", by, as_at) | {"effect": None}
        )
    return rows


def _undated(cat: Catalog, scope: list[str], dated: dict[str, set[str]], as_at: date) -> list[Json]:
    """The instruments the data names on a part without a date: once each, on the
    most specific part, unless a dated row on that part, below it or above it names them."""
    parent = {x: cat.iri(x, p("partOf")) for x in scope}
    linked = {x: [(prop, i) for prop in _UNDATED for i in cat.iris(x, p(prop))] for x in scope}
    below: dict[str, set[str]] = {x: set() for x in scope}  # named on a part below it
    for x in scope:
        names = dated[x] | {i for _, i in linked[x]}
        up = parent[x]
        while up in below:
            below[up] |= names
            up = parent[up]
    rows = []
    for x in scope:
        seen: set[str] = set()
        for prop, instrument in linked[x]:
            if instrument in seen or instrument in dated[x] or instrument in below[x]:
                continue
            if instrument in _above(x, parent, dated):  # dated on what it is part of
                continue
            seen.add(instrument)
            kind = SG + _UNDATED[prop]
            rows.append(_row(cat, x, Bound(), kind, [instrument], as_at) | {"effect": None})
    return rows


def _above(x: str, parent: dict[str, str | None], dated: dict[str, set[str]]) -> set[str]:
    out: set[str] = set()
    up = parent[x]
    while up in dated:
        out |= dated[up]
        up = parent[up]
    return out


def _day_after(b: Bound) -> Bound:
    one = timedelta(days=1)
    return Bound(b.earliest + one if b.earliest else None, b.latest + one if b.latest else None)


_ORDER = {"commenced": 0, "inserted": 0, "amended": 1, "repealed": 2}


def _row(cat: Catalog, part: str, start: Bound, kind: str | None, made_by: list[str],
         as_at: date) -> Json:  # fmt: skip
    type_key = (kind or SG + "amended").rsplit("#", 1)[-1]
    first = start.earliest or start.latest
    return {
        "type": type_key,
        "type_label": cat.label(kind) if kind else "changed",
        "order": _ORDER.get(type_key, 3),
        "what": ref(cat, part),
        "made_by": refs(cat, made_by),
        "date": iso(start.exact),
        "when": start.iso(),
        "when_text": start.describe() if start.known else "date not recorded",
        "uncertain": start.known and start.exact is None,
        "sort": iso(first),
        "after": _after(start, as_at),
    }


def _after(start: Bound, as_at: date) -> str | None:
    """Whether the change came after the page's date: ``after``, ``possibly after``,
    ``by then`` or None (date not recorded)."""
    if not start.known:
        return None
    if start.earliest is not None and start.earliest > as_at:
        return "after"
    if start.latest is not None and start.latest <= as_at:
        return "by then"
    return "possibly after"


def describe_later(history: Json, as_at: date) -> str | None:
    """The notice on a page viewed at a past date whose provision changed later."""
    later = history["later"]
    if not later:
        return None
    n = len(later)
    noun = "change" if n == 1 else "changes"
    sure = "" if history["later_certain"] else "possibly "
    return (
        f"This provision {sure}changed after {long_date(as_at)}: {n} later {noun} "
        "listed under its history below. The text on this page is as it stood then."
    )
