"""The page of a body, a kind of body or a board."""

from __future__ import annotations

from datetime import date

from kg.browse.catalog import (
    SKOS,
    Catalog,
)
from kg.browse.pages.base import Json, base, current, p, ref, refs
from kg.browse.pages.documents import discrepancy_row
from kg.browse.pages.duties import (
    by_dates,
    duties_held,
    duties_owed_to,
    is_board,
    role_assignments_of,
    role_row,
    split_current,
)

# ------------------------------------------------------------------- body pages


def body_page(cat: Catalog, iri: str, as_at: date) -> Json:
    """A kind of body, a concrete body, a role or a board."""
    page = base(cat, iri, as_at)
    held, held_other = duties_held(cat, iri, as_at)
    owed, owed_other = duties_owed_to(cat, iri, as_at)
    roles = by_dates(
        [
            role_row(cat, ra, as_at, None if who == iri else who)
            for ra, who in role_assignments_of(cat, iri)
        ]
    )
    members = by_dates([role_row(cat, ra, as_at) for ra in cat.subjects(p("context"), iri)])
    role_holders = by_dates([role_row(cat, ra, as_at) for ra in cat.subjects(p("role"), iri)])
    representing = by_dates([role_row(cat, ra, as_at) for ra in cat.subjects(p("onBehalfOf"), iri)])
    roles_now, roles_other = split_current(roles)
    members_now, members_other = split_current(members)
    holders_now, holders_other = split_current(role_holders)
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
