"""The ``/changes`` page's form: the dates as typed (GOV.UK date inputs or
``YYYY-MM-DD``), the filters' choices, and what to show when the input is wrong.
Nothing here knows about HTTP; ``webui.views`` renders these dictionaries.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from kg.browse.catalog import Catalog
from kg.browse.common import BadParameterError
from kg.browse.pages import BOARD_KINDS, PROVISION_CLASSES, is_board, p
from kg.changes.filters import FIELDS, parse_query, short_id
from kg.changes.report import changes
from kg.config import SG

Json = dict[str, Any]

DAY_PARTS = ("day", "month", "year")
#: Every parameter the page reads.
PARAMS = (
    "from",
    "to",
    *(f"{d}-{part}" for d in ("from", "to") for part in DAY_PARTS),
    *FIELDS,
)
_ISO_LIKE = re.compile(r"^\d{1,4}-\d{1,2}-\d{1,2}$")
_PARTS_EXPECTED = "a real date as day, month and year in numbers, for example 1 8 2017"


def page(cat: Catalog, values: Mapping[str, str], today: date | None = None) -> Json:
    """The changes asked for, with the form as it was filled in."""
    q = parse_query(cat, _with_iso_dates(values), today)
    data = changes(cat, q)
    data["form"] = form(values, q.window.start, q.window.end)
    data["error"] = None
    return data


def error_page(values: Mapping[str, str], error: BadParameterError) -> Json:
    """The form, filled in as it was sent, and what is wrong with it (for a 400)."""
    return {
        "title": "What changed",
        "form": form(values),
        "error": {
            "field": error.field,
            "message": error.message,
            "expected": error.expected,
            "anchor": _anchor(error.field),
        },
        "groups": [],
        "open": [],
        "per_area": {"listed": False, "total": 0, "summary": []},
    }


def form(values: Mapping[str, str], start: date | None = None, end: date | None = None) -> Json:
    """The form's fields: each date as day, month and year (the day used, else as
    typed), and the filters as sent."""
    out: Json = {f: (values.get(f) or "").strip() for f in FIELDS}
    for name, day in (("from", start), ("to", end)):
        if day is not None:
            out[name] = {"day": str(day.day), "month": str(day.month), "year": str(day.year)}
            continue
        typed = {part: (values.get(f"{name}-{part}") or "").strip() for part in DAY_PARTS}
        iso = (values.get(name) or "").strip()
        if iso and _ISO_LIKE.match(iso):
            year, month, dd = iso.split("-")
            typed = {"day": dd, "month": month, "year": year}
        out[name] = typed
    return out


def choices(cat: Catalog) -> Json:
    """The filters' options, by label; computed once per catalog."""
    cached: Json | None = cat.__dict__.get("_change_choices")
    if cached is not None:
        return cached

    def options(iris: list[str]) -> list[dict[str, str]]:
        # the value is the short identifier (resolved again on submit): a shorter page
        found = {x: cat.label(x) for x in dict.fromkeys(iris)}
        return [
            {"iri": x, "value": short_id(x), "label": lbl}
            for x, lbl in sorted(found.items(), key=_by_label)
        ]

    not_derived = lambda x: not cat.iris(x, p("derivedFrom"))  # noqa: E731
    bodies = [
        b
        for b in cat.instances(SG + "Agent")
        if not_derived(b) and not is_board(cat, b) and not cat.is_a(b, SG + "BodyKind")
    ]
    boards = [b for b in cat.instances(SG + "Board") if not_derived(b)]
    provisions = [
        x
        for x in cat.instances(SG + "Provision") + cat.instances(SG + "Legislation")
        if cat.types(x) & set(PROVISION_CLASSES) and x.count("/") <= 7
    ]
    areas = cat.instances(SG + "Area")
    cached = {
        "area": options(areas),
        "kind": options(cat.instances(SG + "BodyKind")),
        "body": options(bodies),
        "board": options(boards + [k for k in BOARD_KINDS if cat.has(k)]),
        "provision": options(provisions),
    }
    cat.__dict__["_change_choices"] = cached
    return cached


def _by_label(item: tuple[str, str]) -> tuple[str, str]:
    return (item[1].casefold(), item[0])


def _anchor(field: str | None) -> str:
    """The id of the input to correct (an unknown parameter: the first date)."""
    if field in ("from", "to"):
        return f"{field}-day"
    if field and field.startswith(("from-", "to-")):
        return field
    return f"changes-{field}" if field in FIELDS else "from-day"


def _with_iso_dates(values: Mapping[str, str]) -> dict[str, str | None]:
    """``from`` and ``to`` as YYYY-MM-DD, read from the date inputs when they were used."""
    out: dict[str, str | None] = dict(values)
    for name in ("from", "to"):
        parts = [(values.get(f"{name}-{part}") or "").strip() for part in DAY_PARTS]
        if (values.get(name) or "").strip() or not any(parts):
            continue
        out[name] = _parts_to_iso(name, *parts)
    return out


def _parts_to_iso(name: str, day: str, month: str, year: str) -> str:
    """The date input's day, month and year as YYYY-MM-DD, with the GOV.UK messages."""
    fields = {"day": day, "month": month, "year": year}
    missing = [part for part, value in fields.items() if not value]
    if missing:
        raise BadParameterError(
            f"the {name} date must include a {' and '.join(missing)}",
            field=f"{name}-{missing[0]}",
            expected=_PARTS_EXPECTED,
        )
    for part, value in fields.items():
        if not value.isdecimal() or len(value) > 4:
            raise BadParameterError(
                f"the {name} date's {part} must be a number, not {value!r}",
                field=f"{name}-{part}",
                expected=_PARTS_EXPECTED,
            )
    if len(year) != 4:
        raise BadParameterError(
            f"the {name} date's year must include 4 numbers",
            field=f"{name}-year",
            expected=_PARTS_EXPECTED,
        )
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        raise BadParameterError(
            f"the {name} date must be a real date", field=f"{name}-day", expected=_PARTS_EXPECTED
        ) from None
