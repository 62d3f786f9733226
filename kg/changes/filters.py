"""What a changes request asks for: two dates and up to five filters, checked.

Every problem raises :class:`~kg.browse.BadParameterError` naming the field
(``from``, ``to``, ``area``, ``kind``, ``body``, ``board``, ``provision``), so the
web page answers 400 with the form still filled in and ``kg changes`` exits 2
with one line.

A filter value may be a full IRI, ``prefix:name``, a bare identifier
(``mappa-area-merseyside``, ``kind-lscb``, ``ukpga/2004/31/section/16E``), the
identifier without its usual prefix (``merseyside``, ``lscb``) or a label or
abbreviation (``LSCB``, ``youth offending team``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from kg.browse.catalog import ALT_LABEL, Catalog
from kg.browse.common import (
    DATE_EXPECTED,
    LEGISLATION,
    MAX_DATE,
    MIN_DATE,
    BadParameterError,
)
from kg.browse.pages import BOARD_KINDS, PROVISION_CLASSES, is_board
from kg.changes.window import Window
from kg.config import PREFIXES, SG, SGD

FIELDS = ("area", "kind", "body", "board", "provision")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class ChangeQuery:
    """Two dates (both included) and the filters, as IRIs."""

    window: Window
    area: str | None = None
    kind: str | None = None
    body: str | None = None
    board: str | None = None
    provision: str | None = None
    #: count the per-area facts even for one area, body or board (a page's timeline)
    count_per_area: bool = False

    def filters(self) -> dict[str, str | None]:
        return {f: getattr(self, f) for f in FIELDS}


@dataclass(frozen=True)
class _Field:
    noun: str
    accepts: Callable[[Catalog, str], bool]
    prefixes: tuple[str, ...]
    example: str


def _is_area(cat: Catalog, x: str) -> bool:
    return cat.is_a(x, SG + "Area")


def _is_kind(cat: Catalog, x: str) -> bool:
    return cat.is_a(x, SG + "BodyKind")


def _is_body(cat: Catalog, x: str) -> bool:
    return cat.is_a(x, SG + "Agent") and not cat.is_a(x, SG + "BodyKind")


def _is_board(cat: Catalog, x: str) -> bool:
    return is_board(cat, x) or x in BOARD_KINDS


def _is_provision(cat: Catalog, x: str) -> bool:
    return bool(cat.types(x) & set(PROVISION_CLASSES))


_FIELDS = {
    "area": _Field("area", _is_area, ("mappa-area-", "la-area-", "police-area-"), "merseyside"),
    "kind": _Field("kind of body", _is_kind, ("kind-",), "kind-youth-offending-team or YOT"),
    "body": _Field("body", _is_body, ("",), "merseyside-police"),
    "board": _Field("board", _is_board, ("", "kind-"), "merseyside-smb or kind-lscb"),
    "provision": _Field(
        "provision",
        _is_provision,
        ("",),
        "ukpga/2004/31/section/16E or an Act such as ukpga/2004/31",
    ),
}


def parse_query(
    cat: Catalog, values: Mapping[str, str | None], today: date | None = None
) -> ChangeQuery:
    """Read ``from``, ``to`` and the filters; ``to`` defaults to today and ``from``
    to two years before ``to``."""
    today = today or date.today()
    end = parse_day(values.get("to"), "to") or today
    start = parse_day(values.get("from"), "from") or _years_before(end, 2)
    if start > end:
        raise BadParameterError(
            f"from ({start.isoformat()}) is after to ({end.isoformat()})",
            field="from",
            expected="a from date on or before the to date",
        )
    resolved = {f: resolve(cat, values.get(f), f) for f in FIELDS}
    return ChangeQuery(Window(start, end), **resolved)


def parse_day(text: str | None, field: str) -> date | None:
    """A date written YYYY-MM-DD, or None when absent or empty."""
    if text is None or text.strip() == "":
        return None
    value = text.strip()
    if not _DATE_RE.match(value):
        raise BadParameterError(f"{value!r} is not a date", field=field, expected=DATE_EXPECTED)
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise BadParameterError(
            f"{value!r} is not a real calendar date", field=field, expected=DATE_EXPECTED
        ) from None
    if not MIN_DATE <= parsed <= MAX_DATE:
        raise BadParameterError(
            f"{value} is outside the dates this service covers",
            field=field,
            expected=DATE_EXPECTED,
        )
    return parsed


def resolve(cat: Catalog, text: str | None, field: str) -> str | None:
    """The IRI a filter value names, checked to be of the right type."""
    if text is None or text.strip() == "":
        return None
    value = text.strip()
    spec = _FIELDS[field]
    article = "an" if spec.noun[0] in "aeiou" else "a"
    expected = f"the identifier, IRI or name of {article} {spec.noun}, for example {spec.example}"
    for iri in _candidates(value, spec):
        if cat.has(iri):
            if spec.accepts(cat, iri):
                return iri
            raise BadParameterError(
                f"{value!r} is not {article} {spec.noun} (it is {cat.label(iri)!r})",
                field=field,
                expected=expected,
            )
    named = _by_name(cat, field).get(value.casefold(), [])
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        listed = ", ".join(sorted(cat.label(n) + f" ({short_id(n)})" for n in named)[:5])
        raise BadParameterError(
            f"{value!r} names more than one {spec.noun}: {listed}",
            field=field,
            expected="one of their identifiers",
        )
    raise BadParameterError(f"no {spec.noun} is known as {value!r}", field=field, expected=expected)


def _candidates(value: str, spec: _Field) -> list[str]:
    if value.startswith(("https://", "http://")):
        return [value]
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES:
        return [PREFIXES[prefix] + local]
    if " " in value or sep:
        return []  # a name, looked up by label
    if value.startswith(("ukpga/", "uksi/", "anaw/", "wsi/", "asp/", "nia/")):
        return [LEGISLATION + value]
    return [SGD + pre + value for pre in ("", *spec.prefixes)]


def _by_name(cat: Catalog, field: str) -> dict[str, list[str]]:
    """Labels and abbreviations (case-folded) of everything the field accepts."""
    key = f"_change_names_{field}"
    cached: dict[str, list[str]] | None = cat.__dict__.get(key)
    if cached is None:
        accepts = _FIELDS[field].accepts
        cached = {}
        for iri in _universe(cat, field):
            if not accepts(cat, iri):
                continue
            for name in {cat.label(iri), *cat.texts(iri, ALT_LABEL)}:
                names = cached.setdefault(name.casefold(), [])
                if iri not in names:
                    names.append(iri)
        cat.__dict__[key] = cached
    return cached


def _universe(cat: Catalog, field: str) -> list[str]:
    cls = {
        "area": "Area",
        "kind": "BodyKind",
        "body": "Agent",
        "board": "Body",
        "provision": "DocumentPart",
    }[field]
    found = cat.instances(SG + cls)
    if field == "board":
        found = found + [k for k in BOARD_KINDS if cat.has(k)]
    if field == "provision":
        found = found + cat.instances(SG + "Legislation") + cat.instances(SG + "Guidance")
    return found


def short_id(iri: str) -> str:
    """``mappa-area-merseyside`` for an sgd: IRI, ``ukpga/2004/31`` for legislation."""
    if iri.startswith(SGD):
        return iri[len(SGD) :]
    if iri.startswith(LEGISLATION):
        return iri[len(LEGISLATION) :]
    return iri


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
