"""Competency question 8: the local child-protection bodies before and after LSCBs, and the dates
of each change (fact sheet F7.1, F7.2, F5.8, F8.4)."""

from __future__ import annotations

QUERY = "cq08-child-protection-bodies-history"
SGD = "https://w3id.org/safeguarding-kg/id/"

# (relation, kind, from, to, successor, successor's start), in date order.
CHAIN = [
    # only the years are known: 1974 and 1988 (the starts are bounds, not days)
    ("before", "kind-area-review-committee", None, None, "kind-acpc", None),
    ("before", "kind-acpc", None, "2006-03-31", "kind-lscb", "2006-04-01"),
    (
        "this kind",
        "kind-lscb",
        "2006-04-01",
        "2019-09-29",
        "kind-safeguarding-partnership",
        "2018-06-29",
    ),
    ("after", "kind-safeguarding-partnership", "2018-06-29", None, None, None),
]


def _k(iri: str | None) -> str | None:
    return None if iri is None else iri.removeprefix(SGD)


def _key(r: dict) -> tuple:
    return (
        r["relation"],
        _k(r["body"]),
        r["validFrom"],
        r["validTo"],
        _k(r["successor"]),
        r["successorFrom"],
    )


def test_chain_before_and_after_lscbs(cq):
    assert [_key(r) for r in cq(QUERY)] == CHAIN


def test_bases_of_each_kind(cq):
    basis = {_k(r["body"]): r["basis"] for r in cq(QUERY)}
    assert "LASSL(74)(13)" in basis["kind-area-review-committee"]
    assert "Working Together 1999" in basis["kind-acpc"]
    # ACPCs were non-statutory (F7.1): no provision of an Act among their bases.
    assert "Act" not in basis["kind-acpc"]
    assert "Children Act 2004 s.13" in basis["kind-lscb"]
    assert "Children Act 2004 s.16E" in basis["kind-safeguarding-partnership"]


def test_changes_take_effect_the_day_after_the_predecessor_ends(cq):
    rows = {_k(r["body"]): r for r in cq(QUERY)}
    assert rows["kind-acpc"]["validTo"] == "2006-03-31"
    assert rows["kind-lscb"]["validFrom"] == "2006-04-01"
    # LSCBs and the new arrangements overlapped during the transition (D11): the new duty was in
    # force from 29 June 2018, the last LSCBs ended by 29 September 2019.
    assert rows["kind-lscb"]["successorFrom"] < rows["kind-lscb"]["validTo"]
    assert "transition" in rows["kind-lscb"]["dateNote"]


def test_same_chain_from_another_kind(cq):
    rows = cq(QUERY, kind=SGD + "kind-acpc")
    assert [(r["relation"], _k(r["body"])) for r in rows] == [
        ("before", "kind-area-review-committee"),
        ("this kind", "kind-acpc"),
        ("after", "kind-lscb"),
        ("after", "kind-safeguarding-partnership"),
    ]
