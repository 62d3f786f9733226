"""Two areas side by side on a date, or one area on two dates (``/compare``).

``?a=AREA&b=AREA&as_at=DATE`` or ``?area=AREA&from=DATE&to=DATE``. Each side is the
area page's read model (:func:`kg.browse.pages.area_page`): the statutory roles the
build derives for the area, lined up by the statutory role assignment each is derived
from (so "youth offending teams: duty to co-operate" is one row, with who fills it on
each side), then one row per kind of children's safeguarding board (ACPC, LSCB,
safeguarding partnership) with the boards of the area's children's services authorities,
what the local documents add, and the validation status of the area's example
configurations on that side's date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from kg.browse.catalog import Catalog
from kg.browse.common import BadParameterError
from kg.browse.pages import area_page, document_of, ref, refs
from kg.browse.pages.base import current, p, verification
from kg.changes.filters import parse_day, resolve
from kg.config import SG, SGD
from kg.dates import long_date

Json = dict[str, Any]

#: Every parameter the page reads.
PARAMS = ("a", "b", "area", "from", "to")
_MODES_EXPECTED = (
    "either a and b (two areas, with as_at), or area with from and to (one area, two dates)"
)


def parse(cat: Catalog, values: Mapping[str, str], as_at: date) -> list[tuple[str, date]] | None:
    """The two sides asked for, as (area IRI, date), ``as_at`` being the page's date
    (for two areas); None when nothing is asked (the empty form); a clear error naming
    the field."""
    given = {k: (values.get(k) or "").strip() for k in PARAMS}
    if not any(given[k] for k in ("a", "b", "area", "from", "to")):
        return None
    if given["area"] and (given["a"] or given["b"]):
        raise BadParameterError(
            "give either a and b, or area, not both", field="area", expected=_MODES_EXPECTED
        )
    if given["area"]:
        area = _area(cat, given["area"], "area")
        for field in ("from", "to"):
            if not given[field]:
                raise BadParameterError(
                    f"{field} is missing: comparing one area needs two dates",
                    field=field,
                    expected="a date written YYYY-MM-DD (for example 2017-08-01)",
                )
        start, end = parse_day(given["from"], "from"), parse_day(given["to"], "to")
        assert start is not None and end is not None
        return [(area, start), (area, end)]
    for field in ("a", "b"):
        if not given[field]:
            raise BadParameterError(
                f"{field} is missing: comparing two areas needs both", field=field,
                expected=_MODES_EXPECTED,
            )  # fmt: skip
    return [(_area(cat, given["a"], "a"), as_at), (_area(cat, given["b"], "b"), as_at)]


def _area(cat: Catalog, text: str, field: str) -> str:
    try:
        iri = resolve(cat, text, "area")
    except BadParameterError as e:  # the same checks, named after this page's field
        raise BadParameterError(e.message, field=field, expected=e.expected) from None
    assert iri is not None
    return iri


def compare(cat: Catalog, sides: list[tuple[str, date]], status: list[list[Json]]) -> Json:
    """The comparison of two sides; ``status`` is each side's validation summaries
    (:func:`kg.browse.validation_status.area_status`), read by the caller."""
    pages = [area_page(cat, area, day) for area, day in sides]
    roles = _roles(cat, pages) + _boards(cat, pages)
    roles.sort(key=lambda r: ((r["role"] or {}).get("label", ""), r["statutory"]["label"]))
    local = _local(cat, pages)
    one_area = sides[0][0] == sides[1][0]
    heads = [
        {
            "area": ref(cat, area),
            "as_at": day.isoformat(),
            "as_at_text": long_date(day),
            "heading": long_date(day) if one_area else cat.label(area),
            "country": page["country"],
            "documents": [
                {"iri": d["iri"], "label": d["label"], "href": d["href"], "status": d["status"]}
                for d in page["documents"]
            ],
            "validation": status[i],
            "counts": {
                "roles": sum(1 for r in roles if r["sides"][i]),
                "statutory_duties": len(page["statutory_duties"]),
                "local_commitments": len(page["local_commitments"]),
            },
        }
        for i, ((area, day), page) in enumerate(zip(sides, pages, strict=True))
    ]
    return {
        "title": _title(cat, sides, one_area),
        "mode": "dates" if one_area else "areas",
        "sides": heads,
        "roles": roles,
        "differences": sum(1 for r in roles if not r["same"]),
        "local": local,
        "changes_href": (
            f"/changes?area={sides[0][0].rsplit('/', 1)[-1]}&from={min(d for _, d in sides)}"
            f"&to={max(d for _, d in sides)}"
            if one_area
            else None
        ),
    }


def _title(cat: Catalog, sides: list[tuple[str, date]], one_area: bool) -> str:
    (a, da), (b, db) = sides
    if one_area:
        return f"{cat.label(a)}: {long_date(da)} and {long_date(db)} compared"
    return f"{cat.label(a)} and {cat.label(b)} compared, {long_date(da)}"


def _roles(cat: Catalog, pages: list[Json]) -> list[Json]:
    """The statutory roles of both sides, one row for each statutory role assignment
    the area's roles are derived from, with who fills it on each side."""
    rows: dict[str, Json] = {}
    for i, page in enumerate(pages):
        for r in page["derived_roles"]:
            # derived from the statute's role assignment (and from the area's bodies)
            statutory = [d for d in r["derived_from"] if cat.is_a(d["iri"], SG + "RoleAssignment")]
            for basis in statutory or [r["assignment"]]:
                row = rows.setdefault(
                    basis["iri"],
                    {"statutory": basis, "role": r["role"], "basis": r["basis"],
                     "sides": [[], []]},
                )  # fmt: skip
                holder = {
                    "holder": r["holder"],
                    "context": r["context"],
                    "context_is_board": r["context_is_board"],
                    "dates_text": r["dates_text"],
                    "status": r["status"],
                    "verification": (r["verification"] or {}).get("status"),
                }
                if holder not in row["sides"][i]:
                    row["sides"][i].append(holder)
    return _finish(rows.values())


#: The kinds of children's safeguarding board an area has, each in its era: the ACPC
#: (Working Together 1999), the LSCB (Children Act 2004 s.13, in Wales s.31), the
#: safeguarding partnership (s.16E) and the Welsh regional Safeguarding Children Board;
#: the Welsh kinds first, so that a board is put under its most specific kind.
CHILD_BOARD_KINDS = tuple(
    SGD + k
    for k in (
        "kind-lscb-wales",
        "kind-safeguarding-children-board-wales",
        "kind-acpc",
        "kind-lscb",
        "kind-safeguarding-partnership",
    )
)


def _boards(cat: Catalog, pages: list[Json]) -> list[Json]:
    """The children's safeguarding boards of both sides, one row per kind of board,
    with the boards of that kind the area has on each side's date (one per children's
    services authority, recorded or derived by the rules derive-5 and derive-6)."""
    rows: dict[str, Json] = {}
    for i, page in enumerate(pages):
        for board in page["boards"]:
            kinds = [k for k in CHILD_BOARD_KINDS if k in cat.iris(board["iri"], p("ofKind"))]
            if not kinds or not current(board):
                continue
            kind = kinds[0]
            row = rows.setdefault(
                kind,
                {"statutory": ref(cat, kind), "role": ref(cat, kind),
                 "basis": refs(cat, cat.iris(kind, p("source"))), "board": True,
                 "sides": [[], []]},
            )  # fmt: skip
            holder = {
                "holder": {k: board[k] for k in ("iri", "label", "href")},
                "context": board["area"],
                "context_is_board": False,
                "dates_text": board["dates_text"],
                "status": board["status"],
                "verification": (verification(cat, board["iri"]) or {}).get("status"),
            }
            if holder not in row["sides"][i]:
                row["sides"][i].append(holder)
    return _finish(rows.values())


def _finish(rows: Iterable[Json]) -> list[Json]:
    """Each row's holders in order, and whether the two sides differ."""
    out = []
    for row in rows:
        for side in row["sides"]:
            side.sort(key=lambda h: h["holder"]["label"].lower() if h["holder"] else "")
        names = [{h["holder"]["label"] for h in side if h["holder"]} for side in row["sides"]]
        row["same"] = names[0] == names[1]
        row["only"] = None if all(names) else (0 if names[0] else 1)
        out.append(row)
    return out


def _local(cat: Catalog, pages: list[Json]) -> list[Json]:
    """What the local documents add on each side: their commitments in force on the
    side's date, by document, with who in the area bears each."""
    out = []
    for page in pages:
        by_doc: dict[str, Json] = {}
        for duty in page["local_commitments"]:
            doc = document_of(cat, duty["duty"]["iri"])
            entry = by_doc.setdefault(
                doc or "", {"document": ref(cat, doc) if doc else None, "commitments": []}
            )
            entry["commitments"].append(
                {
                    "duty": duty["duty"],
                    "modality": duty["modality_label"],
                    "borne_here": [b["party"] for b in duty["borne_here"]],
                }
            )
        groups = sorted(
            by_doc.values(), key=lambda g: g["document"]["label"] if g["document"] else ""
        )
        out.append({"count": len(page["local_commitments"]), "documents": groups})
    return out


def area_choices(cat: Catalog) -> list[Json]:
    """The MAPPA areas, for the form's lists (any area can be named in the address)."""
    cached: list[Json] | None = cat.__dict__.get("_compare_choices")
    if cached is None:
        areas = [a for a in cat.instances(SG + "Area") if a.startswith(SGD + "mappa-area-")]
        cached = sorted(
            ({"value": a[len(SGD) :], "iri": a, "label": cat.label(a)} for a in areas),
            key=lambda o: o["label"].casefold(),
        )
        cat.__dict__["_compare_choices"] = cached
    return cached
