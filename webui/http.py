"""Request helpers shared by the views: parameters, dates, formats, links."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from flask import current_app, g, jsonify, render_template, request
from flask.typing import ResponseReturnValue

from kg.browse import BadParameterError, Catalog, CatalogCache, parse_as_at
from kg.browse.common import DATE_PARTS, LEGISLATION, parse_date_parts, today
from kg.browse.glossary import first_use_terms
from kg.config import PREFIXES, SGD, Settings
from kg.errors import KGError
from kg.remote import RemoteStoreReader
from kg.store import StoreReader
from webui.first_use import mark_first_use

#: Sent with every response. No inline scripts or styles; data: and blob: images
#: only for the diagram's PNG export.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
#: On every response: the app's (webui.create_app) and the HTTP server's own (webui.server).
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
}

#: Suffixes of machine-readable twins.
SUFFIXES = {".json": "json", ".ttl": "ttl", ".jsonld": "jsonld"}
MEDIA = {
    "html": "text/html",
    "json": "application/json",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
}


@dataclass
class KGState:
    """What the app keeps between requests."""

    settings: Settings
    reader: StoreReader | RemoteStoreReader
    catalogs: CatalogCache


def state() -> KGState:
    return current_app.extensions["kg"]


def catalog() -> Catalog:
    return state().catalogs.get()


def params(*allowed: str) -> dict[str, str]:
    """The query parameters, refusing any the page does not know (400)."""
    known = set(allowed) | {"as_at", *DATE_PARTS}
    values: dict[str, str] = {}
    for name in request.args:
        if name not in known:
            raise BadParameterError(
                f"this page has no parameter {name!r}",
                field=name,
                expected="one of: " + ", ".join(sorted(known)),
            )
        got = request.args.getlist(name)
        if len(got) > 1:
            raise BadParameterError(
                f"parameter {name!r} is given {len(got)} times", field=name, expected="one value"
            )
        values[name] = got[0]
    return values


def as_at() -> date:
    """The page's date (``?as_at=YYYY-MM-DD``, or the GOV.UK date input's
    ``as_at-day``, ``as_at-month`` and ``as_at-year``; default today); remembered for
    links. A date that cannot be read is kept in ``g.date_error``, with what was typed,
    and today used instead: the HTML page shows it as an error beside the date input
    (status 400), and :func:`render` refuses the JSON twin (:func:`check_date`)."""
    raw = request.args.get("as_at")
    parts = [request.args.get(name, "") for name in DATE_PARTS]
    g.date_typed = dict(zip(DATE_PARTS, parts, strict=True))
    try:
        if (raw is None or not raw.strip()) and any(v.strip() for v in parts):
            value, explicit = parse_date_parts(*parts), True
        else:
            value, explicit = parse_as_at(raw), bool(raw and raw.strip())
    except BadParameterError as error:
        g.date_error = error
        value, explicit = today(), False
    g.as_at = value
    g.as_at_explicit = explicit
    return value


def check_date() -> None:
    """Refuse (400) a request whose date could not be read, where no page can show
    the error beside the date input (JSON twins, downloads, exports)."""
    error = getattr(g, "date_error", None)
    if error is not None:
        raise error


def with_date(href: str | None) -> str | None:
    """``href`` carrying this request's explicit date, so clicking keeps the date."""
    if not href:
        return href
    if not getattr(g, "as_at_explicit", False) or not href.startswith("/"):
        return href
    path, hash_, fragment = href.partition("#")
    sep = "&" if "?" in path else "?"
    return f"{path}{sep}{urlencode({'as_at': g.as_at.isoformat()})}{hash_}{fragment}"


def url_with(path: str, **changes: str | None) -> str:
    """``path`` with the current query parameters, changed as given (None removes)."""
    args = {k: v for k, v in request.args.items()}
    for k, v in changes.items():
        if v is None:
            args.pop(k, None)
        else:
            args[k] = v
    return path + ("?" + urlencode(args) if args else "")


def negotiate(default: str = "html", allowed: tuple[str, ...] = ("html", "json")) -> str:
    """The format the client asked for with ``Accept``."""
    offers = [MEDIA[f] for f in allowed]
    best = request.accept_mimetypes.best_match(offers, default=MEDIA[default])
    for name in allowed:
        if MEDIA[name] == best:
            return name
    return default


def split_suffix(path: str) -> tuple[str, str | None]:
    for suffix, fmt in SUFFIXES.items():
        if path.endswith(suffix):
            return path[: -len(suffix)], fmt
    return path, None


def resolve_iri(text: str, field: str, default_ns: str = SGD) -> str:
    """An IRI from a form value: a full http(s) IRI, ``prefix:name`` or a bare sgd name."""
    value = text.strip()
    if value.startswith(("https://", "http://")):
        return value
    if ":" in value:
        prefix, _, local = value.partition(":")
        if prefix in PREFIXES:
            return PREFIXES[prefix] + local
        raise BadParameterError(
            f"unknown prefix {prefix!r} in {value!r}",
            field=field,
            expected="a full IRI, or one of the prefixes " + ", ".join(PREFIXES),
        )
    if default_ns == LEGISLATION or value.startswith(("ukpga/", "uksi/")):
        return LEGISLATION + value
    return default_ns + value


def render(fmt: str, template: str, data: dict[str, Any], status: int = 200) -> ResponseReturnValue:
    """The page as HTML, or its JSON twin (the same ``data``)."""
    if getattr(g, "date_error", None) is not None:
        if fmt != "html":
            check_date()
        status = max(status, 400)  # the page, with the error beside the date input
    if fmt == "json":
        response = jsonify(data)
        response.status_code = status
        response.headers["Vary"] = "Accept"
        return response
    html = with_contents(render_template(template, page=data))
    if template not in NO_FIRST_USE:
        html = with_first_use(html)
    return html, status, {"Vary": "Accept"}


#: Pages whose text is not marked up with the glossary: the glossary itself (it defines
#: the terms) and the SPARQL editor (its text is code).
NO_FIRST_USE = frozenset({"glossary.html", "query.html"})


def with_first_use(html: str) -> str:
    """The glossary's terms marked up on first use (webui.first_use); the page as it
    is when there is no store to read them from."""
    try:
        terms = first_use_terms(catalog())
    except KGError:
        return html
    return mark_first_use(html, terms)


#: Where an entity page may list its sections (macros.html, entity_header).
CONTENTS_MARK = "<!-- contents -->"
_TAG_RE = re.compile(r"<[^>]+>")
_SECTION_RE = re.compile(r'<h2 class="govuk-heading-l" id="([a-z0-9-]+)">(.*?)</h2>', re.S)


def with_contents(html: str) -> str:
    """An "On this page" list of the page's sections (its ``h2`` with an id) at the
    mark, on pages with three or more; the headings are our own templates' output,
    so their text is already escaped."""
    if CONTENTS_MARK not in html:
        return html
    sections = _SECTION_RE.findall(html)
    if len(sections) < 3:
        return html.replace(CONTENTS_MARK, "")
    items = "".join(
        f'<li><a class="govuk-link" href="#{anchor}">{_TAG_RE.sub("", text).strip()}</a></li>'
        for anchor, text in sections
    )
    nav = (
        '<nav class="app-contents" aria-labelledby="contents-title">'
        '<h2 class="govuk-heading-s govuk-!-margin-bottom-1" id="contents-title">On this page</h2>'
        f'<ul class="govuk-list govuk-list--dash">{items}</ul></nav>'
    )
    return html.replace(CONTENTS_MARK, nav, 1)
