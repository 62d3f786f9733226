"""Duties and roles as rows: what a party bears, what is owed to it, the roles it holds."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from kg.browse.catalog import (
    SKOS,
    Catalog,
)
from kg.browse.pages.base import (
    BOARD_KINDS,
    DUTY_KINDS,
    MEMBERSHIP_ROLES,
    Json,
    current,
    dated,
    p,
    period,
    ref,
    refs,
    verification,
)
from kg.config import SG
from kg.dates import Period

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


def sort_duties(rows: list[Json]) -> list[Json]:
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
    return sort_duties(now), sort_duties(other)


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
    return sort_duties(now), sort_duties(other)


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


def split_current(rows: list[Json]) -> tuple[list[Json], list[Json]]:
    return [r for r in rows if current(r)], [r for r in rows if not current(r)]


def by_dates(rows: list[Json]) -> list[Json]:
    return sorted(
        rows,
        key=lambda r: (
            r["period"]["start"]["earliest"] or r["period"]["start"]["latest"] or "",
            r["assignment"]["label"].lower(),
        ),
    )
