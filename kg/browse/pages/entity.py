"""Any resource's page: the page type decides which builder makes it."""

from __future__ import annotations

from datetime import date

from kg.browse.catalog import (
    Catalog,
)
from kg.browse.common import (
    NotFoundError,
)
from kg.browse.pages.area import area_page
from kg.browse.pages.base import Json, base, p, page_type, ref, refs, statements
from kg.browse.pages.body import body_page
from kg.browse.pages.documents import discrepancy_row, document_of, document_page
from kg.browse.pages.duties import role_row
from kg.browse.pages.duty import duty_page
from kg.browse.pages.parts import ancestors
from kg.browse.pages.provision import provision_page
from kg.config import SG


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
        page["part_of"] = refs(cat, ancestors(cat, iri), sort=False)
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
