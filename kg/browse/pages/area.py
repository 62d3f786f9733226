"""The page of an area: who owes what to whom there, by statute and by local documents."""

from __future__ import annotations

from datetime import date

from kg.browse.catalog import (
    DESCRIPTION,
    SKOS,
    Catalog,
)
from kg.browse.pages.base import (
    DOCUMENT_CLASSES,
    MEMBERSHIP_ROLES,
    Json,
    base,
    current,
    dated,
    p,
    period,
    ref,
    refs,
    type_labels,
    verification,
)
from kg.browse.pages.documents import discrepancy_row, document_of
from kg.browse.pages.duties import (
    closure,
    duty_row,
    is_board,
    role_assignments_of,
    role_row,
    selves,
    sort_duties,
)
from kg.browse.pages.entries import listing_entry
from kg.config import SG, SGD
from kg.dates import Period


def area_scope(cat: Catalog, iri: str) -> list[str]:
    return closure(iri, lambda x: cat.subjects(p("within"), x))


def area_page(cat: Catalog, iri: str, as_at: date) -> Json:
    page = base(cat, iri, as_at)
    scope = area_scope(cat, iri)
    bodies, boards, documents = [], [], []
    for a in scope:
        for item in cat.subjects(p("area"), a):
            entry = {**listing_entry(cat, item, as_at), "area": ref(cat, a)}
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
    country = area_country(cat, iri)
    statute, local, derived = _area_duties(cat, scope, country, as_at)
    page.update(
        {
            "within": refs(
                cat, [w for w in cat.iris(iri, p("within")) if cat.is_asserted(iri, p("within"), w)]
            ),
            "contains": _contained_areas(cat, iri, as_at),
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


def _contained_areas(cat: Catalog, iri: str, as_at: date) -> list[Json]:
    """The areas stated to be within this one, each with its kind (the authority type of
    a local authority area, else its class: "police area") and its life on the date: an
    area's districts and counties change with reorganisations, and two can share a name
    (Cumbria the county and Cumbria the police area)."""
    rows = []
    for a in cat.subjects(p("within"), iri):
        if not cat.is_asserted(a, p("within"), iri):
            continue
        kind = cat.iri(a, p("authorityType"))
        rows.append(
            {
                **listing_entry(cat, a, as_at),
                "kind": cat.label(kind) if kind else (type_labels(cat, a) or [None])[0],
            }
        )
    return sorted(rows, key=lambda r: (r["label"].lower(), r["kind"] or ""))


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


def area_country(cat: Catalog, iri: str) -> str | None:
    """The country ("England" or "Wales") an area is within (through ``sg:within``)."""
    for a in closure(iri, lambda x: cat.iris(x, p("within"))):
        if a in _COUNTRIES:
            return _COUNTRIES[a]
    return None


def applies_in(cat: Catalog, item: str, country: str | None) -> bool:
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
    of body that a derived role assignment links to the area's responsible authority or
    to one of its boards (where the geography names no body of that kind), bears the
    duties of its kinds, of the roles it holds, and of the bodies it is a member of (the
    routes of
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
    # likewise a kind that a derivation rule puts in one of the area's boards where the
    # geography names no body of it (the CCG, then the ICB, as a safeguarding partner)
    for a in scope:
        for board in cat.subjects(p("area"), a):
            if not is_board(cat, board):
                continue
            for assignment in cat.subjects(p("context"), board):
                holder = cat.iri(assignment, p("holder"))
                if (
                    holder
                    and cat.is_a(holder, SG + "BodyKind")
                    and cat.iris(assignment, p("derivedFrom"))
                ):
                    by_kind.setdefault(holder, []).append(assignment)
    parties += [(k, True) for k in by_kind]
    groups: dict[str, Json] = {}
    derived: list[Json] = []
    applies: dict[str, bool] = {}
    # a large area has hundreds of rows per duty, many with the same period: look each
    # row up in a set (not in the list of rows), and date each period once
    borne: set[tuple[str, str, str, str | None]] = set()
    periods: dict[Period, Json] = {}

    def add(duty: str, party: str, is_kind: bool, span: Period | None, route: str,
            via: str | None, assignment: str | None) -> None:  # fmt: skip
        if span is None or not cat.is_a(duty, SG + "DutyOrPower"):
            return
        key = (duty, party, route, via)
        if key in borne:
            return
        if duty not in applies:
            applies[duty] = applies_in(cat, duty, country)
        if not applies[duty]:
            return
        when = periods.get(span)
        if when is None:
            when = periods[span] = dated(span, as_at)
        if not current(when):
            return
        group = groups.get(duty)
        if group is None:
            group = groups[duty] = {**duty_row(cat, duty, as_at), "borne_here": []}
        borne.add(key)
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
            if not applies_in(cat, assignment, country):
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
    return sort_duties(statute), sort_duties(local), derived


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
