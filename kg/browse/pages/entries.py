"""A resource as an entry of a listing: its label, type, dates and counts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from kg.browse.catalog import (
    DESCRIPTION,
    Catalog,
)
from kg.browse.pages.base import Json, dated, period, ref, type_labels

# ---------------------------------------------------------------------- listings


def listing_entry(cat: Catalog, iri: str, as_at: date) -> Json:
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


def sorted_entries(cat: Catalog, iris: Iterable[str], as_at: date) -> list[Json]:
    return sorted(
        (listing_entry(cat, i, as_at) for i in dict.fromkeys(iris)),
        key=lambda e: e["label"].lower(),
    )
