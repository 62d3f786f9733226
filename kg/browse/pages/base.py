"""What every page is made of: references, page types, periods and dates, the common header
and the statements list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from kg.browse.catalog import (
    ALT_LABEL,
    DESCRIPTION,
    RDF_TYPE,
    SKOS,
    BNode,
    Catalog,
    Lit,
    Node,
)
from kg.browse.common import (
    NotFoundError,
    external_url,
    legislation_url,
    page_path,
)
from kg.browse.evidence import evidence_items
from kg.config import SG, SGD
from kg.dates import Bound, Period, Status

Json = dict[str, Any]

# Classes, by page type, most specific first.
PROVISION_CLASSES = (SG + "Provision", SG + "Legislation", SG + "Guidance")
DOCUMENT_CLASSES = (SG + "LocalProtocol", SG + "Report")
BOARD_CLASSES = (SG + "Board",)
BODY_CLASSES = (
    SG + "BodyKind",
    SG + "Body",
    SG + "Agent",
    SG + "Role",
    SG + "BeneficiaryGroup",
    SG + "Party",
)
AREA_CLASSES = (SG + "Area",)
DUTY_CLASSES = (SG + "DutyOrPower",)
DUTY_KINDS = (
    SG + "Commitment",
    SG + "InformationSharingRule",
    SG + "StatutoryObjective",
    SG + "Power",
    SG + "Duty",
    SG + "DutyOrPower",
)
#: Roles whose holders take part in what the context body does.
MEMBERSHIP_ROLES = frozenset(
    {
        SG + "responsibleAuthorityMember",
        SG + "safeguardingPartner",
    }
)
BOARD_KINDS = frozenset(
    {
        SGD + "kind-mappa-smb",
        SGD + "kind-acpc",
        SGD + "kind-lscb",
        SGD + "kind-safeguarding-partnership",
        SGD + "kind-area-review-committee",
        SGD + "kind-lscb-wales",
        SGD + "kind-safeguarding-children-board-wales",
        SGD + "kind-safeguarding-adults-board-wales",
        SGD + "kind-national-independent-safeguarding-board",
    }
)

PAGE_TYPE_NAMES = {
    "body": "Body or kind of body",
    "board": "Board",
    "provision": "Provision or legislation",
    "document": "Local protocol or report",
    "area": "Area",
    "duty": "Duty, power or commitment",
    "other": "Other",
}

# Properties shown in their own sections, not repeated in "all statements".
_DATE_PROPS = (
    SG + "validFrom",
    SG + "validTo",
    SG + "earliestStart",
    SG + "latestStart",
    SG + "earliestEnd",
    SG + "latestEnd",
    SG + "confirmedUntil",
)


def p(local: str) -> str:
    return SG + local


# ------------------------------------------------------------------- references


def ref(cat: Catalog, iri: str) -> Json:
    """A reference to a resource, with this server's page and a safe link out."""
    href = page_path(iri)
    if href is not None and not href.startswith("/ontology") and not cat.has(iri):
        href = None  # dangling: we have nothing to show
    return {
        "iri": iri,
        "label": cat.label(iri),
        "href": href,
        "external": legislation_url(iri),
    }


def refs(cat: Catalog, iris: Iterable[str], sort: bool = True) -> list[Json]:
    """References to several resources, by label (or in the given order)."""
    out = [ref(cat, i) for i in dict.fromkeys(iris)]
    if sort:
        out.sort(key=lambda r: r["label"].lower())
    return out


def iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def value_json(cat: Catalog, node: Node) -> Json:
    """A statement's object, for display: a reference or a literal."""
    if isinstance(node, str):
        return {"ref": ref(cat, node)}
    if isinstance(node, Lit):
        out: Json = {"value": node.value}
        if node.lang:
            out["lang"] = node.lang
        if node.datatype and node.datatype != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = node.datatype
        link = external_url(node.value) if node.value.startswith("http") else None
        if link:
            out["external"] = link
        return out
    if isinstance(node, BNode):
        return {"value": f"_:{node.id}"}
    return {"value": str(node)}


def page_type(cat: Catalog, iri: str) -> str:
    types = cat.types(iri)
    if types & set(DUTY_CLASSES):
        return "duty"
    if types & set(DOCUMENT_CLASSES):
        return "document"
    if types & set(PROVISION_CLASSES):
        return "provision"
    if types & set(BOARD_CLASSES):
        return "board"
    if types & set(AREA_CLASSES):
        return "area"
    if types & set(BODY_CLASSES):
        return "body"
    return "other"


def type_labels(cat: Catalog, iri: str) -> list[str]:
    """Labels of the asserted (not inferred) types of a resource."""
    out = []
    for t in cat.iris(iri, RDF_TYPE):
        if cat.is_asserted(iri, RDF_TYPE, t):
            out.append(cat.label(t))
    return out or [cat.label(t) for t in cat.iris(iri, RDF_TYPE)[:1]]


def period(cat: Catalog, iri: str) -> Period:
    """When ``iri`` was in force or existed: exact days or bounds (docs/modelling.md).

    Reads the bounds the build derives (``sg:earliestStart`` ...), falling back
    on the stated days for stores built without the date rules.
    """
    cache: dict[str, Period] = cat.__dict__.setdefault("_periods", {})
    if iri in cache:
        return cache[iri]
    cache[iri] = when = _period(cat, iri)
    return when


def _period(cat: Catalog, iri: str) -> Period:
    stated_from = cat.date(iri, p("validFrom"))
    stated_to = cat.date(iri, p("validTo"))
    start = Bound(
        _first(cat, iri, "earliestStart", min) or stated_from,
        _first(cat, iri, "latestStart", max) or stated_from,
    )
    end = Bound(
        _first(cat, iri, "earliestEnd", min) or stated_to or cat.date(iri, p("confirmedUntil")),
        _first(cat, iri, "latestEnd", max) or stated_to,
    )
    return Period(start, end)


def _first(cat: Catalog, iri: str, local: str, pick: Callable[..., date]) -> date | None:
    days = [d for o in cat.objects(iri, p(local)) if isinstance(o, Lit) and (d := o.as_date())]
    return pick(days) if days else None


def dated(when: Period, as_at: date) -> Json:
    """The date fields of a row or page: exact days only where the day is known."""
    v = when.status(as_at)
    return {
        "from": iso(when.start.exact),
        "to": iso(when.end.exact),
        "period": when.as_json(),
        "dates_text": when.describe(),
        "uncertain": when.uncertain,
        "status": v.status.value,
        "status_reason": v.reason,
        "in_force": v.in_force,
        "possibly": v.possibly,
    }


def current(row: Json) -> bool:
    """Shown under "as at": in force or possibly in force on the page's date."""
    return row["status"] != Status.NOT_IN_FORCE.value


def verification(cat: Catalog, iri: str) -> Json | None:
    status = cat.iri(iri, p("verificationStatus"))
    if status is None:
        return None
    return {
        "status": status.rsplit("#", 1)[-1],
        "label": cat.label(status),
        "note": cat.text(iri, p("verificationNote")),
        "date_note": cat.text(iri, p("dateNote")),
        "inferred_from": refs(cat, cat.iris(iri, p("inferredFrom"))),
        "evidence": evidence_items(cat, iri),
    }


def base(cat: Catalog, iri: str, as_at: date) -> Json:
    """Fields every entity page has."""
    if not cat.has(iri):
        raise NotFoundError(f"nothing is known about {iri}")
    when = dated(period(cat, iri), as_at)
    return {
        "iri": iri,
        "label": cat.label(iri),
        "alt_labels": cat.texts(iri, ALT_LABEL),
        "description": cat.text(iri, DESCRIPTION) or cat.text(iri, SKOS + "definition"),
        "types": type_labels(cat, iri),
        "page_type": page_type(cat, iri),
        "as_at": as_at.isoformat(),
        "valid_from": when["from"],
        "valid_to": when["to"],
        "period": when["period"],
        "dates_text": when["dates_text"],
        "status": when["status"],
        "status_reason": when["status_reason"],
        "exists_at": when["in_force"],
        "possibly": when["possibly"],
        "verification": verification(cat, iri),
        "external": legislation_url(iri),
    }


def statements(cat: Catalog, iri: str) -> Json:
    """Everything asserted about a resource, and what points at it, grouped by property."""
    outgoing = []
    for prop, values in cat.out.get(iri, {}).items():
        shown = [value_json(cat, v) for v in values if cat.is_asserted(iri, prop, v)]
        if shown:
            outgoing.append({"property": ref(cat, prop), "objects": shown})
    incoming = []
    for prop, subjects in cat.inc.get(iri, {}).items():
        shown = [ref(cat, s) for s in dict.fromkeys(subjects) if cat.is_asserted(s, prop, iri)]
        if shown:
            incoming.append({"property": ref(cat, prop), "subjects": shown})
    outgoing.sort(key=lambda r: r["property"]["label"].lower())
    incoming.sort(key=lambda r: r["property"]["label"].lower())
    return {"outgoing": outgoing, "incoming": incoming}
