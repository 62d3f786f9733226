"""The listings (bodies, boards, provisions, areas, documents) and the home page."""

from __future__ import annotations

from datetime import date

from kg.browse.catalog import (
    Catalog,
)
from kg.browse.common import (
    LEGISLATION,
)
from kg.browse.pages.area import area_scope
from kg.browse.pages.base import BOARD_KINDS, PROVISION_CLASSES, Json, p, period, ref, refs
from kg.browse.pages.duties import is_board
from kg.browse.pages.entries import listing_entry, sorted_entries
from kg.browse.pages.parts import descendants, natural_key
from kg.config import SG, SGD


def bodies_listing(cat: Catalog, as_at: date) -> Json:
    kinds = [k for k in cat.instances(SG + "BodyKind") if k not in BOARD_KINDS]
    concrete = [b for b in cat.instances(SG + "Agent") if not is_board(cat, b)]
    return {
        "as_at": as_at.isoformat(),
        "kinds": sorted_entries(cat, kinds, as_at),
        "bodies": sorted_entries(cat, concrete, as_at),
        "roles": sorted_entries(cat, cat.instances(SG + "Role"), as_at),
        "beneficiaries": sorted_entries(cat, cat.instances(SG + "BeneficiaryGroup"), as_at),
    }


def boards_listing(cat: Catalog, as_at: date) -> Json:
    return {
        "as_at": as_at.isoformat(),
        "kinds": sorted_entries(cat, [k for k in BOARD_KINDS if cat.has(k)], as_at),
        "boards": sorted_entries(cat, cat.instances(SG + "Board"), as_at),
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
            descendants(cat, law),
            key=lambda x: natural_key(x[len(law) :]) if x.startswith(law) else "~" + x,
        )
        groups.append(
            {
                **listing_entry(cat, law, as_at),
                "is_guidance": cat.is_a(law, SG + "Guidance"),
                "provisions": [
                    {**listing_entry(cat, x, as_at), "number": cat.text(x, p("number"))}
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
    for a in sorted_entries(cat, areas, as_at):
        a["has_content"] = any(cat.subjects(p("area"), x) for x in area_scope(cat, a["iri"]))
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
        "protocols": sorted_entries(cat, cat.instances(SG + "LocalProtocol"), as_at),
        "reports": sorted_entries(cat, cat.instances(SG + "Report"), as_at),
        "guidance": sorted_entries(cat, cat.instances(SG + "Guidance"), as_at),
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
