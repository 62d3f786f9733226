"""What each web page shows, as plain data (the pages' JSON twins).

Every function takes a :class:`~kg.browse.catalog.Catalog` and the date the page
is about (``as_at``) and returns a JSON-able dictionary. References to other
resources are dictionaries ``{"iri", "label", "href", "external"}``: ``href`` is
this server's page for the resource (or ``None`` when it has none) and
``external`` a safe link out (legislation.gov.uk), so templates never build
links from raw data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from kg.browse.catalog import (
    ALT_LABEL,
    DESCRIPTION,
    LABEL,
    RDF_TYPE,
    SKOS,
    BNode,
    Catalog,
    Lit,
    Node,
)
from kg.browse.common import (
    LEGISLATION,
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


# ------------------------------------------------------------------------ duties


def duty_kind(cat: Catalog, duty: str) -> str:
    types = cat.types(duty)
    for cls in DUTY_KINDS:
        if cls in types:
            return cat.label(cls)
    return "duty or power"


def duty_row(
    cat: Catalog,
    duty: str,
    as_at: date,
    *,
    route: str | None = None,
    via: str | None = None,
    span: Period | None = None,
) -> Json:
    when = span if span is not None else period(cat, duty)
    modality = cat.iri(duty, p("modality"))
    return {
        "duty": ref(cat, duty),
        "kind": duty_kind(cat, duty),
        "number": cat.text(duty, p("number")),
        "order": cat.integer(duty, p("order")),
        "action": cat.text(duty, p("action")),
        "modality": modality.rsplit("#", 1)[-1] if modality else None,
        "modality_label": cat.label(modality) if modality else None,
        "bearers": refs(cat, cat.iris(duty, p("bearer"))),
        "owed_to": refs(cat, cat.iris(duty, p("owedTo"))),
        "beneficiaries": refs(cat, cat.iris(duty, p("beneficiary"))),
        "provisions": refs(cat, cat.iris(duty, p("legalBasis"))),
        "sources": refs(cat, cat.iris(duty, p("source"))),
        "stated_in": refs(cat, cat.iris(duty, p("statedIn"))),
        "topics": refs(cat, cat.iris(duty, p("topic"))),
        "qualification": cat.text(duty, p("qualification")),
        **dated(when, as_at),
        "route": route,
        "via": ref(cat, via) if via else None,
        "verification": verification(cat, duty),
    }


def selves(cat: Catalog, party: str) -> list[str]:
    """The party, its kinds and the broader kinds: whatever binds these binds it."""
    return closure(party, lambda x: cat.iris(x, p("ofKind")) + cat.iris(x, SKOS + "broader"))


def closure(start: str, neighbours: Callable[[str], Iterable[str]]) -> list[str]:
    """``start`` and every node reachable through ``neighbours``, nearest first."""
    out = [start]
    seen = {start}
    frontier = [start]
    while frontier:
        nxt = []
        for x in frontier:
            for y in neighbours(x):
                if y not in seen:
                    seen.add(y)
                    out.append(y)
                    nxt.append(y)
        frontier = nxt
    return out


def role_assignments_of(cat: Catalog, party: str) -> list[tuple[str, str]]:
    """(assignment, as-whom) for assignments held by the party or its kinds."""
    out = []
    for s in selves(cat, party):
        for ra in cat.subjects(p("holder"), s):
            out.append((ra, s))
    return out


def _sort_duties(rows: list[Json]) -> list[Json]:
    return sorted(
        rows,
        key=lambda r: (
            r["period"]["start"]["earliest"] or r["period"]["start"]["latest"] or "",
            r["order"] if r["order"] is not None else 0,
            r["duty"]["label"].lower(),
        ),
    )


def duties_held(cat: Catalog, party: str, as_at: date) -> tuple[list[Json], list[Json]]:
    """Duties and powers the party holds: (in force at as_at, at other times).

    Routes: it bears the duty itself (or through a kind it is of); it holds a
    role that bears it; or it is a member of a body that bears it.
    """
    rows: dict[tuple[str, str, str], Json] = {}
    for s in selves(cat, party):
        for duty in cat.subjects(p("bearer"), s):
            if not cat.is_a(duty, SG + "DutyOrPower"):
                continue
            route = "bears it" if s == party else "bears it as a kind of body"
            rows.setdefault(
                (duty, "self", s),
                duty_row(cat, duty, as_at, route=route, via=None if s == party else s),
            )
    for ra, _who in role_assignments_of(cat, party):
        role = cat.iri(ra, p("role"))
        context = cat.iri(ra, p("context"))
        ra_period = period(cat, ra)
        # duties borne by the role it holds, or by the board it is a member of,
        # for as long as both the duty and the assignment last
        through = []
        if role:
            through.append(("role", role, "holds the role"))
        if role in MEMBERSHIP_ROLES and context:
            through.append(("member", context, "as a member of"))
        for kind, via, route in through:
            for duty in cat.subjects(p("bearer"), via):
                span = period(cat, duty).overlap(ra_period)
                if span is not None and (duty, kind, via) not in rows:
                    rows[(duty, kind, via)] = duty_row(
                        cat, duty, as_at, route=route, via=via, span=span
                    )
    now = [r for r in rows.values() if current(r)]
    other = [r for r in rows.values() if not current(r)]
    return _sort_duties(now), _sort_duties(other)


def duties_owed_to(cat: Catalog, party: str, as_at: date) -> tuple[list[Json], list[Json]]:
    """Duties owed to the party (or a kind or role of it), or for its benefit."""
    targets = list(selves(cat, party))
    for ra, _who in role_assignments_of(cat, party):
        role = cat.iri(ra, p("role"))
        if role and not period(cat, ra).status(as_at).not_in_force and role not in targets:
            targets.append(role)
    rows: dict[str, Json] = {}
    for t in targets:
        for prop, how in (("owedTo", "owed to"), ("beneficiary", "for the benefit of")):
            for duty in cat.subjects(p(prop), t):
                if duty in rows or not cat.is_a(duty, SG + "DutyOrPower"):
                    continue
                route = how if t == party else f"{how}, as"
                rows[duty] = duty_row(cat, duty, as_at, route=route, via=None if t == party else t)
    now = [r for r in rows.values() if current(r)]
    other = [r for r in rows.values() if not current(r)]
    return _sort_duties(now), _sort_duties(other)


def role_row(cat: Catalog, ra: str, as_at: date, as_whom: str | None = None) -> Json:
    role = cat.iri(ra, p("role"))
    context = cat.iri(ra, p("context"))
    return {
        "assignment": ref(cat, ra),
        "role": ref(cat, role) if role else None,
        "holder": ref(cat, h) if (h := cat.iri(ra, p("holder"))) else None,
        "context": ref(cat, context) if context else None,
        "context_is_board": bool(context and is_board(cat, context)),
        "post": ref(cat, post) if (post := cat.iri(ra, p("post"))) else None,
        "on_behalf_of": refs(cat, cat.iris(ra, p("onBehalfOf"))),
        "appointed_by": refs(cat, cat.iris(ra, p("appointedBy"))),
        "basis": refs(cat, cat.iris(ra, p("legalBasis"))),
        **dated(period(cat, ra), as_at),
        "inferred_from": refs(cat, cat.iris(ra, p("inferredFrom"))),
        "as": ref(cat, as_whom) if as_whom else None,
    }


def is_board(cat: Catalog, iri: str) -> bool:
    return cat.is_a(iri, SG + "Board") or iri in BOARD_KINDS


def _split(rows: list[Json]) -> tuple[list[Json], list[Json]]:
    return [r for r in rows if current(r)], [r for r in rows if not current(r)]


def _by_dates(rows: list[Json]) -> list[Json]:
    return sorted(
        rows,
        key=lambda r: (
            r["period"]["start"]["earliest"] or r["period"]["start"]["latest"] or "",
            r["assignment"]["label"].lower(),
        ),
    )


# ------------------------------------------------------------------- body pages


def body_page(cat: Catalog, iri: str, as_at: date) -> Json:
    """A kind of body, a concrete body, a role or a board."""
    page = base(cat, iri, as_at)
    held, held_other = duties_held(cat, iri, as_at)
    owed, owed_other = duties_owed_to(cat, iri, as_at)
    roles = _by_dates(
        [
            role_row(cat, ra, as_at, None if who == iri else who)
            for ra, who in role_assignments_of(cat, iri)
        ]
    )
    members = _by_dates([role_row(cat, ra, as_at) for ra in cat.subjects(p("context"), iri)])
    role_holders = _by_dates([role_row(cat, ra, as_at) for ra in cat.subjects(p("role"), iri)])
    representing = _by_dates(
        [role_row(cat, ra, as_at) for ra in cat.subjects(p("onBehalfOf"), iri)]
    )
    roles_now, roles_other = _split(roles)
    members_now, members_other = _split(members)
    holders_now, holders_other = _split(role_holders)
    documents = []
    for prop, how in (
        ("party", "party to"),
        ("issuedBy", "issued"),
        ("addressedTo", "addressed to it"),
        ("reviewBy", "reviews"),
    ):
        for doc in cat.subjects(p(prop), iri):
            documents.append({"document": ref(cat, doc), "relation": how})
    page.update(
        {
            "kinds": refs(cat, [k for k in cat.iris(iri, p("ofKind"))]),
            "broader": refs(cat, cat.iris(iri, SKOS + "broader")),
            "narrower": refs(cat, cat.subjects(SKOS + "broader", iri)),
            "instances": refs(cat, cat.subjects(p("ofKind"), iri)),
            "replaced_by": refs(cat, cat.iris(iri, p("replacedBy"))),
            "replaces": refs(cat, cat.subjects(p("replacedBy"), iri)),
            "areas": refs(cat, cat.iris(iri, p("area"))),
            "established_by": refs(cat, cat.iris(iri, p("establishedBy"))),
            "sub_group_of": refs(cat, cat.iris(iri, p("subGroupOf"))),
            "is_board": is_board(cat, iri),
            "duties_held": held,
            "duties_held_other_dates": held_other,
            "duties_owed": owed,
            "duties_owed_other_dates": owed_other,
            "roles": roles_now,
            "roles_other_dates": roles_other,
            "boards": [r for r in roles_now if r["context_is_board"]],
            "members": members_now,
            "members_other_dates": members_other,
            "role_holders": holders_now,
            "role_holders_other_dates": holders_other,
            "representatives": [r for r in representing if current(r)],
            "documents": documents,
            "discrepancies": [discrepancy_row(cat, d) for d in cat.subjects(p("concerns"), iri)],
        }
    )
    return page


# -------------------------------------------------------------- provision pages


def _ancestors(cat: Catalog, iri: str) -> list[str]:
    chain: list[str] = []
    cur = cat.iri(iri, p("partOf"))
    while cur and cur not in chain and len(chain) < 20:
        chain.append(cur)
        cur = cat.iri(cur, p("partOf"))
    return list(reversed(chain))


def _descendants(cat: Catalog, iri: str) -> list[str]:
    out: list[str] = []
    frontier = [iri]
    while frontier:
        nxt = []
        for x in frontier:
            for child in cat.subjects(p("partOf"), x):
                if child not in out and child != iri:
                    out.append(child)
                    nxt.append(child)
        frontier = nxt
    return out


def _children_sorted(cat: Catalog, iri: str) -> list[str]:
    return sorted(cat.subjects(p("partOf"), iri), key=lambda c: _clause_key(cat, c))


def _clause_key(cat: Catalog, iri: str) -> tuple[int, str, str]:
    order = cat.integer(iri, p("order"))
    return (
        order if order is not None else 10_000,
        _natural(cat.text(iri, p("number")) or ""),
        cat.label(iri).lower(),
    )


def _natural(text: str) -> str:
    """A sort key putting 9 before 10 in provision numbers such as 325(6)(a)."""
    out = []
    num = ""
    for ch in text:
        if ch.isdigit():
            num += ch
        else:
            if num:
                out.append(num.zfill(6))
                num = ""
            out.append(ch)
    if num:
        out.append(num.zfill(6))
    return "".join(out)


def provision_page(cat: Catalog, iri: str, as_at: date) -> Json:
    """A provision, an Act, an SI or a guidance document."""
    page = base(cat, iri, as_at)
    scope = [iri, *_descendants(cat, iri)]
    scope_set = set(scope)
    created: dict[str, Json] = {}
    assignments: list[Json] = []
    derived_areas: set[str] = set()
    for part in scope:
        for item in cat.subjects(p("legalBasis"), part):
            if cat.is_a(item, SG + "DutyOrPower"):
                created.setdefault(item, duty_row(cat, item, as_at))
            elif cat.iris(item, p("derivedFrom")):
                # the per-area assignments the build derives from the statutory ones are
                # shown on the area pages; here, only how many areas they cover
                derived_areas.update(
                    a for c in cat.iris(item, p("context")) for a in cat.iris(c, p("area"))
                )
            elif cat.is_a(item, SG + "RoleAssignment"):
                assignments.append(role_row(cat, item, as_at))
    relied: dict[str, Json] = {}
    for part in scope:
        for prop in ("reliesOn", "cites"):
            for item in cat.subjects(p(prop), part):
                doc = document_of(cat, item)
                relied.setdefault(
                    item,
                    {
                        "item": ref(cat, item),
                        "relation": "relies on" if prop == "reliesOn" else "cites",
                        "document": ref(cat, doc) if doc else None,
                        "part": ref(cat, part),
                    },
                )
        for duty in cat.subjects(p("legalBasis"), part):
            for clause in cat.iris(duty, p("statedIn")):
                doc = document_of(cat, clause)
                relied.setdefault(
                    clause,
                    {
                        "item": ref(cat, clause),
                        "relation": "restates",
                        "document": ref(cat, doc) if doc else None,
                        "part": ref(cat, part),
                    },
                )
    local = [r for r in relied.values() if r["document"] and r["document"]["iri"] not in scope_set]
    duties = _sort_duties(list(created.values()))
    # its effects (commenced, inserted, amended, repealed) and the texts to read:
    # kg/browse/history.py
    from kg.browse.history import describe_later, provision_history

    history = provision_history(cat, iri, scope, as_at)
    page.update(
        {
            "number": cat.text(iri, p("number")),
            "text": cat.text(iri, p("text")),
            "legislation_url": legislation_url(iri),
            "point_in_time_versions": [
                u
                for u in cat.iris(iri, "http://www.w3.org/2000/01/rdf-schema#seeAlso")
                if external_url(u)
            ],
            "part_of": refs(cat, _ancestors(cat, iri), sort=False),
            "parts": [
                {
                    **ref(cat, c),
                    "number": cat.text(c, p("number")),
                    **dated(period(cat, c), as_at),
                }
                for c in _children_sorted(cat, iri)
            ],
            "duties": [r for r in duties if current(r)],
            "duties_other_dates": [r for r in duties if not current(r)],
            "role_assignments": [r for r in _by_dates(assignments) if current(r)],
            "role_assignments_other_dates": [r for r in _by_dates(assignments) if not current(r)],
            "relied_on_by": sorted(
                local, key=lambda r: (r["document"]["label"], r["item"]["label"])
            ),
            "discrepancies": [
                discrepancy_row(cat, d)
                for part in scope
                for d in cat.subjects(p("statutoryBasis"), part)
            ],
            "effects": history["effects"],
            "later_changes": history["later"],
            "later_notice": describe_later(history, as_at),
            "read": history["read"],
            "made_under": refs(cat, cat.iris(iri, p("enablingProvision"))),
            "derived_in_areas": len(derived_areas),
        }
    )
    return page


def document_of(cat: Catalog, item: str) -> str | None:
    """The local protocol or report an item belongs to (through parts and sources)."""
    seen: set[str] = set()
    frontier = [item]
    while frontier:
        nxt = []
        for x in frontier:
            if x in seen:
                continue
            seen.add(x)
            if cat.types(x) & set(DOCUMENT_CLASSES):
                return x
            nxt += cat.iris(x, p("partOf")) + cat.iris(x, p("source"))
            nxt += cat.iris(x, p("legalBasis"))
        frontier = nxt
    return None


# ------------------------------------------------------- documents and clauses


def discrepancy_row(cat: Catalog, d: str) -> Json:
    dtype = cat.iri(d, p("discrepancyType"))
    return {
        "discrepancy": ref(cat, d),
        "code": cat.text(d, p("discrepancyCode")),
        "type": ref(cat, dtype) if dtype else None,
        "seed_says": cat.text(d, p("seedSays")),
        "statute_says": cat.text(d, p("statuteSays")),
        "assessment": cat.text(d, p("assessment")),
        "statutory_basis": refs(cat, cat.iris(d, p("statutoryBasis"))),
        "seed_clause": refs(cat, cat.iris(d, p("seedClause"))),
        "document": refs(cat, cat.iris(d, p("inDocument"))),
        "concerns": refs(cat, cat.iris(d, p("concerns"))),
        "as_at": iso(cat.date(d, p("asAt"))),
    }


_CLAUSE_SHOWN = {
    RDF_TYPE,
    LABEL,
    p("partOf"),
    p("number"),
    p("order"),
    p("text"),
    p("source"),
    p("verificationStatus"),
    p("verificationNote"),
    p("dateNote"),
    p("evidence"),
    p("reliesOn"),
    p("cites"),
    "http://www.w3.org/ns/prov#wasDerivedFrom",
}


def clause_tree(cat: Catalog, iri: str, as_at: date, depth: int = 0) -> list[Json]:
    out = []
    for child in _children_sorted(cat, iri):
        made = [x for x in cat.subjects(p("legalBasis"), child)]
        extra = []
        for prop, values in cat.out.get(child, {}).items():
            if prop in _CLAUSE_SHOWN:
                continue
            shown = [value_json(cat, v) for v in values if cat.is_asserted(child, prop, v)]
            if shown:
                extra.append({"property": ref(cat, prop), "objects": shown})
        out.append(
            {
                **ref(cat, child),
                "number": cat.text(child, p("number")),
                "order": cat.integer(child, p("order")),
                "text": cat.text(child, p("text")),
                "types": type_labels(cat, child),
                "relies_on": refs(
                    cat, cat.iris(child, p("reliesOn")) + cat.iris(child, p("cites"))
                ),
                "commitments": [
                    duty_row(cat, x, as_at) for x in made if cat.is_a(x, SG + "DutyOrPower")
                ],
                "role_assignments": [
                    role_row(cat, x, as_at) for x in made if cat.is_a(x, SG + "RoleAssignment")
                ],
                "restates": [duty_row(cat, d, as_at) for d in cat.subjects(p("statedIn"), child)],
                "discrepancies": [
                    discrepancy_row(cat, d) for d in cat.subjects(p("seedClause"), child)
                ],
                "other": extra,
                "children": clause_tree(cat, child, as_at, depth + 1) if depth < 6 else [],
            }
        )
    return out


def _flatten(tree: list[Json]) -> Iterable[Json]:
    for node in tree:
        yield node
        yield from _flatten(node["children"])


def document_page(cat: Catalog, iri: str, as_at: date) -> Json:
    """A local protocol or a report."""
    page = base(cat, iri, as_at)
    tree = clause_tree(cat, iri, as_at)
    commitments: list[Json] = []
    assignments: list[Json] = []
    for node in _flatten(tree):
        commitments.extend(node["commitments"])
        assignments.extend(node["role_assignments"])
    groups: dict[str, Json] = {}
    for row in commitments:
        key = " and ".join(b["label"] for b in row["bearers"]) or "(no bearer)"
        groups.setdefault(key, {"bearers": row["bearers"], "commitments": []})
        groups[key]["commitments"].append(row)
    recorded = sorted(
        (discrepancy_row(cat, d) for d in cat.subjects(p("inDocument"), iri)),
        key=lambda r: _natural(r["code"] or ""),
    )
    page.update(
        {
            "title": cat.text(iri, "http://purl.org/dc/terms/title"),
            "document_date": iso(cat.date(iri, p("documentDate"))),
            "parties": refs(cat, cat.iris(iri, p("party"))),
            "issued_by": refs(cat, cat.iris(iri, p("issuedBy"))),
            "addressed_to": refs(cat, cat.iris(iri, p("addressedTo"))),
            "areas": refs(cat, cat.iris(iri, p("area"))),
            "review_due": iso(cat.date(iri, p("reviewDue"))),
            "review_within_months": cat.integer(iri, p("reviewWithinMonths")),
            "review_by": refs(cat, cat.iris(iri, p("reviewBy"))),
            "review_overdue": bool((due := cat.date(iri, p("reviewDue"))) and due < as_at),
            "submitted_to": refs(cat, cat.iris(iri, p("submittedTo"))),
            "cites": refs(cat, cat.iris(iri, p("cites"))),
            "clauses": tree,
            "commitment_groups": list(groups.values()),
            "members": _by_dates(assignments),
            # the same split as cq14: differences from statute, and cautions (points
            # that were right at the document's date); counts are the lengths of these
            "discrepancies": [r for r in recorded if not is_caution(r)],
            "cautions": [r for r in recorded if is_caution(r)],
        }
    )
    return page


CAUTION_TYPE = SGD + "discrepancy-type-caution"


def is_caution(row: Json) -> bool:
    """A recorded point that was right at the document's date (cq14 leaves it out)."""
    return bool(row["type"] and row["type"]["iri"] == CAUTION_TYPE)


# --------------------------------------------------------------- duties, areas


def duty_page(cat: Catalog, iri: str, as_at: date) -> Json:
    page = base(cat, iri, as_at)
    row = duty_row(cat, iri, as_at)
    holders = []
    for bearer in cat.iris(iri, p("bearer")):
        for ra in cat.subjects(p("role"), bearer):
            holders.append(role_row(cat, ra, as_at))
    page.update(
        {
            "duty": row,
            "role_holders": [r for r in _by_dates(holders) if current(r)],
            "role_holders_other_dates": [r for r in _by_dates(holders) if not current(r)],
            "document": ref(cat, d) if (d := document_of(cat, iri)) else None,
        }
    )
    return page


def _area_scope(cat: Catalog, iri: str) -> list[str]:
    return closure(iri, lambda x: cat.subjects(p("within"), x))


def area_page(cat: Catalog, iri: str, as_at: date) -> Json:
    page = base(cat, iri, as_at)
    scope = _area_scope(cat, iri)
    bodies, boards, documents = [], [], []
    for a in scope:
        for item in cat.subjects(p("area"), a):
            entry = {**_entry(cat, item, as_at), "area": ref(cat, a)}
            if cat.types(item) & set(DOCUMENT_CLASSES):
                documents.append(entry)
            elif is_board(cat, item):
                boards.append(entry)
            else:
                bodies.append(entry)
    discrepancies = [
        discrepancy_row(cat, d)
        for doc in documents
        for d in cat.subjects(p("inDocument"), doc["iri"])
    ]
    country = _area_country(cat, iri)
    statute, local, derived = _area_duties(cat, scope, country, as_at)
    page.update(
        {
            "within": refs(
                cat, [w for w in cat.iris(iri, p("within")) if cat.is_asserted(iri, p("within"), w)]
            ),
            "contains": refs(
                cat,
                [s for s in cat.subjects(p("within"), iri) if cat.is_asserted(s, p("within"), iri)],
            ),
            "bodies": sorted(bodies, key=lambda r: r["label"]),
            "boards": sorted(boards, key=lambda r: r["label"]),
            "documents": sorted(documents, key=lambda r: r["label"]),
            "discrepancies": discrepancies,
            "notation": cat.text(iri, SKOS + "notation"),
            "country": country,
            "responsible_authorities": refs(cat, _area_responsible_authorities(cat, scope)),
            "statutory_duties": statute,
            "local_commitments": local,
            "derived_roles": derived,
            "not_yet_covered": _coverage_gaps(cat, country, as_at),
        }
    )
    return page


def _coverage_gaps(cat: Catalog, country: str | None, as_at: date) -> list[Json]:
    """What the law of the area's country required as at ``as_at`` that the graph
    does not derive for each area (``sg:CoverageGap``, data/coverage.ttl)."""
    rows = []
    for gap in cat.instances(SG + "CoverageGap"):
        if country is not None and cat.text(gap, p("extent")) not in (None, country):
            continue
        when = dated(period(cat, gap), as_at)
        if current(when):
            rows.append(
                {
                    **ref(cat, gap),
                    "description": cat.text(gap, DESCRIPTION),
                    "legal_bases": refs(cat, cat.iris(gap, p("legalBasis"))),
                    **when,
                }
            )
    return sorted(rows, key=lambda r: r["label"].lower())


#: The countries whose law the area pages tell apart (``sg:extent`` values).
_COUNTRIES = {SGD + "england": "England", SGD + "wales": "Wales"}


def _area_country(cat: Catalog, iri: str) -> str | None:
    """The country ("England" or "Wales") an area is within (through ``sg:within``)."""
    for a in closure(iri, lambda x: cat.iris(x, p("within"))):
        if a in _COUNTRIES:
            return _COUNTRIES[a]
    return None


def _applies_in(cat: Catalog, item: str, country: str | None) -> bool:
    """False when the item, or a provision it rests on (or an Act that is part of),
    extends only to the other country (``sg:extent`` "England" or "Wales")."""
    if country is None:
        return True
    bases = closure(item, lambda x: cat.iris(x, p("legalBasis")) + cat.iris(x, p("partOf")))
    for x in bases:
        extent = cat.text(x, p("extent"))
        if extent in _COUNTRIES.values() and extent != country:
            return False
    return True


def _area_responsible_authorities(cat: Catalog, scope: list[str]) -> list[str]:
    return [
        b
        for a in scope
        for b in cat.subjects(p("area"), a)
        if cat.is_a(b, SG + "ResponsibleAuthority")
    ]


def _area_duties(
    cat: Catalog, scope: list[str], country: str | None, as_at: date
) -> tuple[list[Json], list[Json], list[Json]]:
    """Who owes what here, as at ``as_at``: (statute, local documents, derived roles).

    Every concrete body or board of the area (``sg:area`` within it), and every kind
    of body that a derived role assignment links to the area's responsible authority
    (where the geography names no body of that kind), bears the duties of its kinds,
    of the roles it holds, and of the bodies it is a member of (the routes of
    :func:`duties_held`), for the overlap of the duty, the assignment and the body.
    Duties of a provision that extends only to the other country are left out. Each
    duty is one row, with the parties of the area that bear it ("borne_here") and
    how; statutory duties (must, may, should) and local documents' commitments
    (will) are listed apart.
    """
    areas = set(scope)
    parties: list[tuple[str, bool]] = []
    for a in scope:
        for b in cat.subjects(p("area"), a):
            if cat.is_a(b, SG + "Body") and not cat.is_a(b, SG + "BodyKind"):
                parties.append((b, False))
    ras = _area_responsible_authorities(cat, scope)
    by_kind: dict[str, list[str]] = {}
    for ra in ras:
        for assignment in cat.subjects(p("context"), ra):
            holder = cat.iri(assignment, p("holder"))
            if holder and cat.is_a(holder, SG + "BodyKind"):
                by_kind.setdefault(holder, []).append(assignment)
    parties += [(k, True) for k in by_kind]
    groups: dict[str, Json] = {}
    derived: list[Json] = []
    applies: dict[str, bool] = {}

    def add(duty: str, party: str, is_kind: bool, span: Period | None, route: str,
            via: str | None, assignment: str | None) -> None:  # fmt: skip
        if span is None or not cat.is_a(duty, SG + "DutyOrPower"):
            return
        if duty not in applies:
            applies[duty] = _applies_in(cat, duty, country)
        if not applies[duty]:
            return
        when = dated(span, as_at)
        if not current(when):
            return
        group = groups.get(duty)
        if group is None:
            group = groups[duty] = {**duty_row(cat, duty, as_at), "borne_here": []}
        key = (party, route, via)
        if any((b["party"]["iri"], b["route"], b["via"] and b["via"]["iri"]) == key
               for b in group["borne_here"]):  # fmt: skip
            return
        group["borne_here"].append(
            {
                "party": ref(cat, party),
                "by_kind": is_kind,
                "concrete": not is_kind and bool(set(cat.iris(party, p("area"))) & areas),
                "route": route,
                "via": ref(cat, via) if via else None,
                "assignment": ref(cat, assignment) if assignment else None,
                "qualification": cat.text(assignment, p("qualification")) if assignment else None,
                "derived_from": refs(cat, cat.iris(assignment, p("derivedFrom")))
                if assignment
                else [],
                "verification": verification(cat, assignment or party),
                **when,
            }
        )

    for party, is_kind in parties:
        life = period(cat, party)
        if not is_kind:
            if not current(dated(life, as_at)):
                continue
            for s in selves(cat, party):
                route = "bears it" if s == party else "bears it as a kind of body"
                for duty in cat.subjects(p("bearer"), s):
                    add(duty, party, False, period(cat, duty).overlap(life), route,
                        None if s == party else s, None)  # fmt: skip
        assignments = by_kind[party] if is_kind else _assignments_here(cat, party)
        for assignment in assignments:
            if not _applies_in(cat, assignment, country):
                continue
            span = period(cat, assignment) if is_kind else period(cat, assignment).overlap(life)
            if span is None or not current(dated(span, as_at)):
                continue
            role = cat.iri(assignment, p("role"))
            context = cat.iri(assignment, p("context"))
            if cat.iris(assignment, p("derivedFrom")):
                derived.append(
                    {
                        **role_row(cat, assignment, as_at),
                        "derived_from": refs(cat, cat.iris(assignment, p("derivedFrom"))),
                        "rule": cat.text(assignment, p("derivationRule")),
                        "verification": verification(cat, assignment),
                    }
                )
            through: list[tuple[str, str]] = []
            own = is_kind or cat.iri(assignment, p("holder")) == party
            if role:
                how = "holds the role" if own else "holds the role as a kind of body"
                through.append((role, how))
            if own and role in MEMBERSHIP_ROLES and context:
                through += [(c, "as a member of") for c in selves(cat, context)]
            for via, route in through:
                for duty in cat.subjects(p("bearer"), via):
                    add(duty, party, is_kind, period(cat, duty).overlap(span), route, via,
                        assignment)  # fmt: skip
    statute, local = [], []
    for group in groups.values():
        group["borne_here"].sort(key=lambda b: (b["by_kind"], b["party"]["label"].lower()))
        bases = cat.iris(group["duty"]["iri"], p("legalBasis"))
        is_local = group["modality"] == "will" or bool(
            bases and all(document_of(cat, b) for b in bases)
        )
        (local if is_local else statute).append(group)
    derived.sort(key=lambda r: (r["holder"]["label"].lower() if r["holder"] else "",
                                r["assignment"]["label"].lower()))  # fmt: skip
    return _sort_duties(statute), _sort_duties(local), derived


def _assignments_here(cat: Catalog, body: str) -> list[str]:
    """The role assignments a concrete body of an area holds: its own (derived ones
    among them), and those held by its kinds that no derivation rule makes concrete
    (s.11, s.28, the relevant partners of s.10 and s.25 ...), which bind every body
    of the kind wherever it is. An assignment that a rule does make concrete (the
    RA's members and co-operating bodies, the safeguarding partners) is left to the
    derived one, which knows the context in this area."""
    own = cat.subjects(p("holder"), body)
    by_kind = [
        ra
        for ra, holder in role_assignments_of(cat, body)
        if holder != body and general_statutory(cat, ra)
    ]
    return own + [ra for ra in by_kind if ra not in own]


def general_statutory(cat: Catalog, assignment: str) -> bool:
    """A statutory assignment to a kind of body that holds wherever the body is: in no
    context, or in a kind of board; not derived, nor made concrete by a derivation,
    nor resting on a local document."""
    cache: dict[str, bool] = cat.__dict__.setdefault("_general_statutory", {})
    if assignment not in cache:
        cache[assignment] = _general_statutory(cat, assignment)
    return cache[assignment]


def _general_statutory(cat: Catalog, assignment: str) -> bool:
    context = cat.iri(assignment, p("context"))
    bases = cat.iris(assignment, p("legalBasis"))
    return (
        (context is None or cat.is_a(context, SG + "BodyKind"))
        and not cat.iris(assignment, p("derivedFrom"))
        and not cat.subjects(p("derivedFrom"), assignment)
        and bool(bases)
        and not any(document_of(cat, b) for b in bases)
    )


def other_page(cat: Catalog, iri: str, as_at: date) -> Json:
    page = base(cat, iri, as_at)
    if cat.is_a(iri, SG + "RoleAssignment"):
        page["role_assignment"] = role_row(cat, iri, as_at)
    if cat.is_a(iri, SG + "Discrepancy"):
        page["discrepancy"] = discrepancy_row(cat, iri)
    if cat.types(iri) & {SG + "Clause", SG + "DocumentPart"}:
        doc = document_of(cat, iri)
        page["document"] = ref(cat, doc) if doc else None
        page["text"] = cat.text(iri, p("text"))
        page["number"] = cat.text(iri, p("number"))
        page["part_of"] = refs(cat, _ancestors(cat, iri), sort=False)
    return page


PAGE_BUILDERS = {
    "body": body_page,
    "board": body_page,
    "provision": provision_page,
    "document": document_page,
    "area": area_page,
    "duty": duty_page,
    "other": other_page,
}


def entity_page(cat: Catalog, iri: str, as_at: date) -> Json:
    """The page of any resource: its type decides what it shows."""
    if not cat.has(iri):
        raise NotFoundError(f"nothing is known about {iri}")
    kind = page_type(cat, iri)
    page = PAGE_BUILDERS[kind](cat, iri, as_at)
    page["statements"] = statements(cat, iri)
    return page


# ---------------------------------------------------------------------- listings


def _entry(cat: Catalog, iri: str, as_at: date) -> Json:
    when = dated(period(cat, iri), as_at)
    return {
        **ref(cat, iri),
        "description": cat.text(iri, DESCRIPTION),
        "valid_from": when["from"],
        "valid_to": when["to"],
        "dates_text": when["dates_text"],
        "status": when["status"],
        "status_reason": when["status_reason"],
        "exists_at": when["in_force"],
        "possibly": when["possibly"],
        "types": type_labels(cat, iri),
    }


def _sorted_entries(cat: Catalog, iris: Iterable[str], as_at: date) -> list[Json]:
    return sorted(
        (_entry(cat, i, as_at) for i in dict.fromkeys(iris)), key=lambda e: e["label"].lower()
    )


def bodies_listing(cat: Catalog, as_at: date) -> Json:
    kinds = [k for k in cat.instances(SG + "BodyKind") if k not in BOARD_KINDS]
    concrete = [b for b in cat.instances(SG + "Agent") if not is_board(cat, b)]
    return {
        "as_at": as_at.isoformat(),
        "kinds": _sorted_entries(cat, kinds, as_at),
        "bodies": _sorted_entries(cat, concrete, as_at),
        "roles": _sorted_entries(cat, cat.instances(SG + "Role"), as_at),
        "beneficiaries": _sorted_entries(cat, cat.instances(SG + "BeneficiaryGroup"), as_at),
    }


def boards_listing(cat: Catalog, as_at: date) -> Json:
    return {
        "as_at": as_at.isoformat(),
        "kinds": _sorted_entries(cat, [k for k in BOARD_KINDS if cat.has(k)], as_at),
        "boards": _sorted_entries(cat, cat.instances(SG + "Board"), as_at),
    }


def provisions_listing(cat: Catalog, as_at: date) -> Json:
    laws = [
        x
        for x in cat.instances(SG + "Legislation") + cat.instances(SG + "Guidance")
        if not cat.iri(x, p("partOf"))
    ]
    groups = []
    for law in dict.fromkeys(laws):
        parts = sorted(
            _descendants(cat, law),
            key=lambda x: _natural(x[len(law) :]) if x.startswith(law) else "~" + x,
        )
        groups.append(
            {
                **_entry(cat, law, as_at),
                "is_guidance": cat.is_a(law, SG + "Guidance"),
                "provisions": [
                    {**_entry(cat, x, as_at), "number": cat.text(x, p("number"))}
                    for x in parts
                    if cat.types(x) & set(PROVISION_CLASSES)
                ],
            }
        )
    groups.sort(key=lambda g: (g["is_guidance"], -len(g["provisions"]), g["label"].lower()))
    return {"as_at": as_at.isoformat(), "legislation": groups}


def areas_listing(cat: Catalog, as_at: date) -> Json:
    areas = cat.instances(SG + "Area")
    top = [a for a in areas if not cat.iris(a, p("within"))]
    entries = []
    for a in _sorted_entries(cat, areas, as_at):
        a["has_content"] = any(cat.subjects(p("area"), x) for x in _area_scope(cat, a["iri"]))
        a["within"] = refs(
            cat,
            [
                w
                for w in cat.iris(a["iri"], p("within"))
                if cat.is_asserted(a["iri"], p("within"), w)
            ],
        )
        entries.append(a)
    entries.sort(key=lambda e: (not e["has_content"], e["label"].lower()))
    return {"as_at": as_at.isoformat(), "areas": entries, "top_level": refs(cat, top)}


def documents_listing(cat: Catalog, as_at: date) -> Json:
    return {
        "as_at": as_at.isoformat(),
        "protocols": _sorted_entries(cat, cat.instances(SG + "LocalProtocol"), as_at),
        "reports": _sorted_entries(cat, cat.instances(SG + "Report"), as_at),
        "guidance": _sorted_entries(cat, cat.instances(SG + "Guidance"), as_at),
    }


def home_page(cat: Catalog, as_at: date) -> Json:
    """Counts and ways in for the home page."""

    def count(cls: str) -> int:
        return len(cat.instances(cls))

    duties = cat.instances(SG + "DutyOrPower")
    return {
        "as_at": as_at.isoformat(),
        "built_at": cat.built_at,
        "counts": {
            "duties": len(duties),
            "duties_in_force": sum(1 for d in duties if period(cat, d).status(as_at).in_force),
            "duties_possibly_in_force": sum(
                1 for d in duties if period(cat, d).status(as_at).possibly
            ),
            "kinds_of_body": count(SG + "BodyKind"),
            "bodies": count(SG + "Agent"),
            "boards": count(SG + "Board"),
            "provisions": count(SG + "Provision"),
            "documents": count(SG + "LocalProtocol") + count(SG + "Report"),
            "areas": count(SG + "Area"),
            "discrepancies": count(SG + "Discrepancy"),
        },
        # the home page's tasks: "what must my organisation do?", "who owes what here?"
        "choices": {
            "kinds": sorted(
                (ref(cat, k) for k in cat.instances(SG + "BodyKind")),
                key=lambda r: r["label"].lower(),
            ),
            "mappa_areas": sorted(
                (ref(cat, a) for a in cat.instances(SG + "MappaArea")),
                key=lambda r: r["label"].lower(),
            ),
        },
        "featured": refs(
            cat,
            [
                x
                for x in (
                    SGD + "kind-youth-offending-team",
                    SGD + "merseyside-smb",
                    SGD + "merseyside-protocol-2017",
                    SGD + "london-report-2004",
                    LEGISLATION + "ukpga/2003/44/section/325",
                    SGD + "mappa-area-merseyside",
                )
                if cat.has(x)
            ],
        ),
    }
