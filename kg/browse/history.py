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

#: How each effect type reads in the list, and the old undated links it stands for.
_LINKS = {
    SG + "commenced": "commencedBy",
    SG + "inserted": "insertedBy",
    SG + "amended": "amendedBy",
    SG + "repealed": "repealedBy",
}
_UNDATED = {
    "commencedBy": ("commenced", "commenced"),
    "insertedBy": ("inserted", "inserted"),
    "amendedBy": ("amended", "amended"),
    "repealedBy": ("repealed", "repealed"),
}


def read_links(iri: str, as_at: date) -> Json:
    """legislation.gov.uk links for a provision: as at the page's date, as enacted (or
    made), and the latest text. ``None`` where legislation.gov.uk has no such text."""
    latest = legislation_url(iri)
    out: Json = {"latest": latest, "as_at": None, "as_at_date": as_at.isoformat(),
                 "original": None, "original_label": None}  # fmt: skip
    if latest is None:
        return out
    path = iri[len(LEGISLATION) :]
    if path.startswith(_PRIMARY):
        if as_at >= REVISED_FROM:
            out["as_at"] = f"{latest}/{as_at.isoformat()}"
        out["original"], out["original_label"] = f"{latest}/enacted", "as enacted"
    elif path.startswith(_SECONDARY):
        out["original"], out["original_label"] = f"{latest}/made", "as made"
    return out


def provision_history(cat: Catalog, iri: str, scope: list[str], as_at: date) -> Json:
    """The effects on ``iri`` and its parts (``scope``, the provision first), earliest
    first, and those that may have come after ``as_at`` (the "later changes")."""
    rows: list[Json] = []
    for part in scope:
        rows.extend(_effects_of(cat, part, as_at, own=part == iri))
    rows.sort(key=lambda r: (r["sort"] is None, r["sort"] or "", r["order"], r["what"]["label"]))
    later = [r for r in rows if r["after"] in ("after", "possibly after")]
    return {
        "effects": rows,
        "later": later,
        "later_certain": any(r["after"] == "after" for r in later),
        "read": read_links(iri, as_at),
    }


def _effects_of(cat: Catalog, part: str, as_at: date, own: bool) -> list[Json]:
    rows = []
    explained: set[tuple[str, str]] = set()
    for effect in cat.subjects(p("affects"), part):
        if not cat.is_a(effect, SG + "Effect"):
            continue
        kind = cat.iri(effect, p("effectType"))
        made_by = cat.iris(effect, p("madeBy"))
        link = _LINKS.get(kind or "", "")
        explained.update((link, m) for m in made_by)
        if not made_by:
            explained.add((link, ""))
        rows.append(
            _row(cat, part, period(cat, effect).start, kind, made_by, as_at)
            | {
                "effect": ref(cat, effect),
                "text": cat.text(effect, p("text")),
                "verification": verification(cat, effect),
            }
        )
    kinds_seen = {r["type"] for r in rows}
    if own and not kinds_seen & {"commenced", "inserted"}:
        # no effect says how it came into force: its own start says when, its links by what
        start = period(cat, part).start
        by = cat.iris(part, p("insertedBy")) or cat.iris(part, p("commencedBy"))
        kind = SG + ("inserted" if cat.iris(part, p("insertedBy")) else "commenced")
        if start.known or by:
            rows.append(_row(cat, part, start, kind, by, as_at) | {"effect": None})
            explained.update((_LINKS[kind], b) for b in by)
            if kind == SG + "inserted":
                explained.update(("commencedBy", b) for b in cat.iris(part, p("commencedBy")))
    for prop, (type_key, _) in _UNDATED.items():
        for other in cat.iris(part, p(prop)):
            if (prop, other) in explained or (prop, "") in explained:
                continue
            rows.append(_row(cat, part, Bound(), SG + type_key, [other], as_at) | {"effect": None})
    end = period(cat, part).end
    if own and end.known and "repealed" not in {r["type"] for r in rows}:
        # its last day, as a repeal from the day after (when the data names no effect)
        rows.append(
            _row(
                cat, part, _day_after(end), SG + "repealed", cat.iris(part, p("repealedBy")), as_at
            )  # fmt: skip
            | {"effect": None}
        )
    return rows


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
