"""The page of a local protocol or report: its clauses, commitments and discrepancies."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from kg.browse.catalog import (
    LABEL,
    RDF_TYPE,
    Catalog,
)
from kg.browse.pages.base import (
    DOCUMENT_CLASSES,
    Json,
    base,
    iso,
    p,
    ref,
    refs,
    type_labels,
    value_json,
)
from kg.browse.pages.duties import by_dates, duty_row, role_row
from kg.browse.pages.parts import children_sorted, natural_key
from kg.config import SG, SGD


def document_of(cat: Catalog, item: str) -> str | None:
    """The local protocol or report an item belongs to (through parts and sources)."""
    # asked of every edge of the duty network on every area page: once per catalog
    cache: dict[str, str | None] = cat.__dict__.setdefault("_documents", {})
    if item not in cache:
        cache[item] = _document_of(cat, item)
    return cache[item]


def _document_of(cat: Catalog, item: str) -> str | None:
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
    for child in children_sorted(cat, iri):
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
        key=lambda r: natural_key(r["code"] or ""),
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
            "members": by_dates(assignments),
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
