"""The page of a duty, power or commitment."""

from __future__ import annotations

from datetime import date

from kg.browse.catalog import (
    Catalog,
)
from kg.browse.pages.base import Json, base, current, p, ref
from kg.browse.pages.documents import document_of
from kg.browse.pages.duties import by_dates, duty_row, role_row

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
            "role_holders": [r for r in by_dates(holders) if current(r)],
            "role_holders_other_dates": [r for r in by_dates(holders) if not current(r)],
            "document": ref(cat, d) if (d := document_of(cat, iri)) else None,
        }
    )
    return page
