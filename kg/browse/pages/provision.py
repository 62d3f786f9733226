"""The page of a provision: its parts, duties and events."""

from __future__ import annotations

from datetime import date

from kg.browse.catalog import (
    Catalog,
)
from kg.browse.common import (
    external_url,
    legislation_url,
)
from kg.browse.pages.base import Json, base, current, dated, p, period, ref, refs
from kg.browse.pages.documents import discrepancy_row, document_of
from kg.browse.pages.duties import by_dates, duty_row, role_row, sort_duties
from kg.browse.pages.parts import ancestors, children_sorted, descendants
from kg.config import SG


def provision_page(cat: Catalog, iri: str, as_at: date) -> Json:
    """A provision, an Act, an SI or a guidance document."""
    page = base(cat, iri, as_at)
    scope = [iri, *descendants(cat, iri)]
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
    duties = sort_duties(list(created.values()))
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
            "part_of": refs(cat, ancestors(cat, iri), sort=False),
            "parts": [
                {
                    **ref(cat, c),
                    "number": cat.text(c, p("number")),
                    **dated(period(cat, c), as_at),
                }
                for c in children_sorted(cat, iri)
            ],
            "duties": [r for r in duties if current(r)],
            "duties_other_dates": [r for r in duties if not current(r)],
            "role_assignments": [r for r in by_dates(assignments) if current(r)],
            "role_assignments_other_dates": [r for r in by_dates(assignments) if not current(r)],
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
