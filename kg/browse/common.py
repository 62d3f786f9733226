"""Dates, errors and links shared by the read models."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import quote

import pyoxigraph as ox

from kg.config import SG, SGD
from kg.errors import KGError

#: The earliest and latest dates a page may be asked about.
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2100, 12, 31)
DATE_EXPECTED = (
    f"a date written YYYY-MM-DD (for example 2017-08-01), between {MIN_DATE.isoformat()} "
    f"and {MAX_DATE.isoformat()}"
)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

LEGISLATION = "https://www.legislation.gov.uk/"
_LEGISLATION_PATH_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_.-]*$")
_SGD_LOCAL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_SAFE_EXTERNAL_RE = re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d+)?(?:/[^\s\"'<>`]*)?$")


class BadParameterError(KGError):
    """A request parameter is missing or malformed (HTTP 400).

    ``expected`` says, in words, what would have been accepted.
    """

    exit_code = 2

    def __init__(self, message: str, *, field: str, expected: str) -> None:
        super().__init__(message, field=field)
        self.expected = expected


class NotFoundError(KGError):
    """No such resource or page (HTTP 404)."""


def today() -> date:
    return date.today()


def parse_as_at(text: str | None) -> date:
    """The ``as_at`` date of a request: today when absent or empty."""
    if text is None or text.strip() == "":
        return today()
    value = text.strip()
    if not _DATE_RE.match(value):
        raise BadParameterError(f"{value!r} is not a date", field="as_at", expected=DATE_EXPECTED)
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise BadParameterError(
            f"{value!r} is not a real calendar date", field="as_at", expected=DATE_EXPECTED
        ) from None
    if not MIN_DATE <= parsed <= MAX_DATE:
        raise BadParameterError(
            f"{value} is outside the dates this service covers",
            field="as_at",
            expected=DATE_EXPECTED,
        )
    return parsed


#: The GOV.UK date input's three fields, for the page's date.
DATE_PARTS = ("as_at-day", "as_at-month", "as_at-year")
PARTS_EXPECTED = (
    "a real date as day, month and year in numbers (for example 1 8 2017), between "
    f"{MIN_DATE.year} and {MAX_DATE.year}"
)


def parse_date_parts(day: str, month: str, year: str) -> date:
    """The date of the GOV.UK date input (day, month, year), with its messages: the
    field named is the first one to correct."""
    fields = {"as_at-day": day.strip(), "as_at-month": month.strip(), "as_at-year": year.strip()}
    missing = [name for name, value in fields.items() if not value]
    if missing:
        words = " and ".join(name.removeprefix("as_at-") for name in missing)
        raise BadParameterError(f"the date must include a {words}", field=missing[0],
                                expected=PARTS_EXPECTED)  # fmt: skip
    for name, value in fields.items():
        if not value.isdecimal() or len(value) > 4:
            raise BadParameterError(
                f"the {name.removeprefix('as_at-')} must be a number, not {value!r}",
                field=name, expected=PARTS_EXPECTED,
            )  # fmt: skip
    if len(fields["as_at-year"]) != 4:
        raise BadParameterError("the year must include 4 numbers", field="as_at-year",
                                expected=PARTS_EXPECTED)  # fmt: skip
    try:
        parsed = date(*(int(fields[f"as_at-{n}"]) for n in ("year", "month", "day")))
    except ValueError:
        raise BadParameterError(
            "the date must be a real date", field="as_at-day", expected=PARTS_EXPECTED
        ) from None
    if not MIN_DATE <= parsed <= MAX_DATE:
        raise BadParameterError(
            f"the date must be between {MIN_DATE.year} and {MAX_DATE.year}",
            field="as_at-year", expected=PARTS_EXPECTED,
        )  # fmt: skip
    return parsed


def page_path(iri: str) -> str | None:
    """This server's page for an IRI, or None when it has none.

    ``sgd:x`` is ``/id/x``; a legislation.gov.uk IRI is ``/legislation/<path>``;
    an ontology term is ``/ontology#<name>``. Anything else (including every
    scheme other than https, such as ``javascript:``) has no page.
    """
    if iri.startswith(SGD):
        local = iri[len(SGD) :]
        if _SGD_LOCAL_RE.match(local):
            return "/id/" + local
        return None
    if iri.startswith(LEGISLATION):
        rest = iri[len(LEGISLATION) :]
        if _LEGISLATION_PATH_RE.match(rest) and ".." not in rest:
            return "/legislation/" + rest
        return None
    if iri.startswith(SG):
        local = iri[len(SG) :]
        if _SGD_LOCAL_RE.match(local):
            return "/ontology#" + local
    return None


def page_node(iri: str) -> ox.NamedNode:
    """``iri`` as a term, if this server has a page for it (:func:`page_path`) and it
    parses as an IRI; else :class:`NotFoundError`. Only such a term is put into a
    query or a header: a path is never parsed as Turtle nor copied as text."""
    if page_path(iri) is None:
        raise NotFoundError("no page has that address")
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        raise NotFoundError("no page has that address") from None
    if not node.value.isascii():  # header values are ASCII; page_path allows no more
        raise NotFoundError("no page has that address")
    return node


def iri_for_path(kind: str, rest: str) -> str:
    """The IRI a local page path stands for (the inverse of :func:`page_path`)."""
    if kind == "id":
        return SGD + rest
    if kind == "legislation":
        return LEGISLATION + rest
    raise ValueError(kind)


def external_url(iri: str) -> str | None:
    """``iri`` if it is safe to use as a link out (http/https, no odd characters)."""
    if _SAFE_EXTERNAL_RE.match(iri):
        return iri
    return None


def legislation_url(iri: str) -> str | None:
    """The legislation.gov.uk page of a legislation IRI."""
    if iri.startswith(LEGISLATION) and external_url(iri):
        return iri
    return None


def resource_query(iri: str) -> str:
    return "/resource?iri=" + quote(iri, safe="")
