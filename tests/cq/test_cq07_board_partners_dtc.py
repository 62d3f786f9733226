"""Competency question 7: the bodies that must be represented on an LSCB (Children Act 2004
s.13(2)-(3)), and which of them are also MAPPA duty-to-co-operate bodies (CJA 2003 s.325(6))
over an overlapping period (fact sheet F5.3, F1.7, D3, D4)."""

from __future__ import annotations

from pathlib import Path

import pytest

QUERY = "cq07-board-partners-dtc"
SGD = "https://w3id.org/safeguarding-kg/id/"
CJA_2003_DATA = Path(__file__).resolve().parents[2] / "data" / "cja-2003.ttl"
START = "2006-04-01"
END = "2019-09-29"

# (kind, provisions, from, to) for every kind that statute requires to be represented.
REPRESENTED = {
    ("kind-local-authority", "13(2)(a)", START, END),
    ("kind-district-council", "13(3)(a)", START, END),
    ("kind-chief-officer-of-police", "13(3)(b)", START, END),
    ("kind-local-probation-board", "13(3)(c)", START, None),  # ended with the boards, 2008-2014
    ("kind-secretary-of-state-probation", "13(3)(ca)", None, END),  # inserted by 1 April 2013
    ("kind-provider-of-probation-services", "13(3)(cb)", None, END),
    ("kind-youth-offending-team", "13(3)(d)", START, END),
    ("kind-nhs-commissioning-board", "13(3)(da)", "2013-04-01", END),
    ("kind-strategic-health-authority", "13(3)(e)", START, "2013-03-31"),
    ("kind-primary-care-trust", "13(3)(e)", START, "2013-03-31"),
    ("kind-clinical-commissioning-group", "13(3)(e)", "2013-04-01", END),
    ("kind-nhs-trust", "13(3)(f)", START, END),
    ("kind-nhs-foundation-trust", "13(3)(f)", START, END),
    ("kind-connexions-provider", "13(3)(g)", START, END),
    ("kind-cafcass", "13(3)(h)", START, END),
    ("kind-secure-training-centre-governor", "13(3)(i)", START, END),
    ("kind-governor-prison-detaining-children", "13(3)(j)", START, END),
}

# Board partners that the fact sheet also names as DTC bodies (F1.7, D1, D5, D8), with the
# DTC kinds through which they are: the local authority through its education and social
# services functions.
ALSO_DTC = {
    "kind-local-authority": {"kind-local-education-authority", "kind-social-services-authority"},
    "kind-youth-offending-team": {"kind-youth-offending-team"},
    "kind-nhs-trust": {"kind-nhs-trust"},
    "kind-strategic-health-authority": {"kind-strategic-health-authority"},
    "kind-primary-care-trust": {"kind-primary-care-trust"},
    "kind-nhs-commissioning-board": {"kind-nhs-commissioning-board"},
    "kind-clinical-commissioning-group": {"kind-clinical-commissioning-group"},
}

# Represented on the LSCB but not DTC bodies: the police and probation sit in the MAPPA
# responsible authority itself; Cafcass and the custodial governors are not in s.325(6).
NOT_DTC = {
    "kind-chief-officer-of-police",
    "kind-local-probation-board",
    "kind-secretary-of-state-probation",
    "kind-provider-of-probation-services",
    "kind-cafcass",
    "kind-secure-training-centre-governor",
    "kind-governor-prison-detaining-children",
}

needs_cja = pytest.mark.skipif(
    not CJA_2003_DATA.exists(),
    reason="data/cja-2003.ttl (the MAPPA duty-to-co-operate assignments) does not exist yet",
)


def _kind(iri: str | None) -> str | None:
    return None if iri is None else iri.removeprefix(SGD)


def test_bodies_that_must_be_represented(cq):
    rows = cq(QUERY)
    found = {(_kind(r["holder"]), r["provisions"], r["validFrom"], r["validTo"]) for r in rows}
    assert found == REPRESENTED


def test_roles_and_statuses(cq):
    rows = cq(QUERY)
    roles = {_kind(r["holder"]): r["roleLabel"] for r in rows}
    assert roles.pop("kind-local-authority") == "board member"
    assert set(roles.values()) == {"LSCB Board partner"}
    status = {_kind(r["holder"]): r["statusLabel"] for r in rows}
    # D3: NHS CB and CCGs as Board partners 2013-2019 are only partly verified.
    assert status["kind-nhs-commissioning-board"] == "partly verified"
    assert status["kind-clinical-commissioning-group"] == "partly verified"
    assert status["kind-cafcass"] == "verified"


def test_no_nps_or_crc_as_statutory_board_partner(cq):
    """D4: the statute names the Secretary of State and providers of probation services."""
    holders = {_kind(r["holder"]) for r in cq(QUERY)}
    assert "kind-national-probation-service" not in holders
    assert "kind-community-rehabilitation-company" not in holders


@needs_cja
def test_board_partners_that_are_also_dtc_bodies(cq):
    rows = [r for r in cq(QUERY) if r["alsoDtc"] == "true"]
    dtc = {}
    for r in rows:
        dtc.setdefault(_kind(r["holder"]), set()).add(_kind(r["dtcKind"]))
    for holder, kinds in ALSO_DTC.items():
        assert holder in dtc, holder
        assert kinds <= dtc[holder], (holder, dtc[holder])
    assert not NOT_DTC & set(dtc)
    assert all(r["dtcProvisions"].startswith("325(") for r in rows)


@needs_cja
def test_overlap_lies_within_both_periods(cq):
    rows = [r for r in cq(QUERY) if r["alsoDtc"] == "true"]
    assert rows
    for r in rows:
        assert r["validFrom"] <= r["overlapFrom"] <= r["overlapTo"] <= r["validTo"], r
    yot = [r for r in rows if _kind(r["holder"]) == "kind-youth-offending-team"]
    # YOTs: DTC from 5 April 2004, Board partner 1 April 2006 to the end of LSCBs.
    assert {(r["overlapFrom"], r["overlapTo"]) for r in yot} == {(START, END)}
    sha = [r for r in rows if _kind(r["holder"]) == "kind-strategic-health-authority"]
    assert {r["overlapTo"] for r in sha} == {"2013-03-31"}


def test_rows_without_dtc_have_no_overlap(cq):
    for r in cq(QUERY):
        if r["alsoDtc"] == "false":
            assert r["dtcKind"] is None and r["overlapFrom"] is None and r["overlapTo"] is None
