"""Parts and wholes: the ancestors and descendants of a provision or clause, in their
natural order.
"""

from __future__ import annotations

from kg.browse.catalog import (
    Catalog,
)
from kg.browse.pages.base import p

# -------------------------------------------------------------- provision pages


def ancestors(cat: Catalog, iri: str) -> list[str]:
    chain: list[str] = []
    cur = cat.iri(iri, p("partOf"))
    while cur and cur not in chain and len(chain) < 20:
        chain.append(cur)
        cur = cat.iri(cur, p("partOf"))
    return list(reversed(chain))


def descendants(cat: Catalog, iri: str) -> list[str]:
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


def children_sorted(cat: Catalog, iri: str) -> list[str]:
    return sorted(cat.subjects(p("partOf"), iri), key=lambda c: _clause_key(cat, c))


def _clause_key(cat: Catalog, iri: str) -> tuple[int, str, str]:
    order = cat.integer(iri, p("order"))
    return (
        order if order is not None else 10_000,
        natural_key(cat.text(iri, p("number")) or ""),
        cat.label(iri).lower(),
    )


def natural_key(text: str) -> str:
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
