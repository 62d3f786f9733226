"""Competency question 9: the safeguarding partners under Children Act 2004 s.16E today, and the
change of 1 July 2022 (clinical commissioning groups replaced by integrated care boards; fact sheet
F8.4, F9.2, D3, D4)."""

from __future__ import annotations

QUERY = "cq09-safeguarding-partners"
SGD = "https://w3id.org/safeguarding-kg/id/"
SG = "https://w3id.org/safeguarding-kg/ontology#"

# (kind, paragraph, from, to, change on 1 July 2022)
PARTNERS = {
    ("kind-local-authority", "16E(3)(a)", "2018-06-29", None, ""),
    ("kind-clinical-commissioning-group", "16E(3)(b)", "2018-06-29", "2022-06-30", "ended"),
    ("kind-integrated-care-board", "16E(3)(b)", "2022-07-01", None, "began"),
    ("kind-chief-officer-of-police", "16E(3)(c)", "2018-06-29", None, ""),
}


def _k(iri: str) -> str:
    return iri.removeprefix(SGD)


def _current(rows: list[dict]) -> set[str]:
    return {_k(r["holder"]) for r in rows if r["current"] == "true"}


def test_partners_with_paragraphs_and_dates(cq):
    rows = cq(QUERY)
    found = {
        (_k(r["holder"]), r["provisionNumber"], r["validFrom"], r["validTo"], r["change"])
        for r in rows
    }
    assert found == PARTNERS
    assert len(rows) == len(PARTNERS)


def test_partners_today(cq):
    assert _current(cq(QUERY)) == {
        "kind-local-authority",
        "kind-integrated-care-board",
        "kind-chief-officer-of-police",
    }


def test_partners_before_1_july_2022_and_before_commencement(cq):
    assert _current(cq(QUERY, asAt="2020-01-01")) == {
        "kind-local-authority",
        "kind-clinical-commissioning-group",
        "kind-chief-officer-of-police",
    }
    assert _current(cq(QUERY, asAt="2022-06-30")) == _current(cq(QUERY, asAt="2020-01-01"))
    assert _current(cq(QUERY, asAt="2018-06-28")) == set()


def test_what_changed_on_1_july_2022(cq):
    rows = {_k(r["holder"]): r for r in cq(QUERY) if r["change"]}
    assert set(rows) == {"kind-clinical-commissioning-group", "kind-integrated-care-board"}
    assert rows["kind-clinical-commissioning-group"]["replacedByLabel"] == "integrated care board"
    for r in rows.values():
        assert r["amendedBy"] == "Health and Care Act 2022"
        assert r["statusLabel"] == "partly verified"


def test_no_probation_safeguarding_partner(cq):
    """D4: a probation service can only be a relevant agency, never a safeguarding partner."""
    holders = {_k(r["holder"]) for r in cq(QUERY)}
    assert not {h for h in holders if "probation" in h}


def test_same_question_for_child_death_review_partners(cq):
    rows = cq(QUERY, role=SG + "childDeathReviewPartner")
    changes = {_k(r["holder"]): r["change"] for r in rows}
    assert changes == {
        "kind-local-authority": "",
        "kind-clinical-commissioning-group": "ended",
        "kind-integrated-care-board": "began",
    }
    assert _current(rows) == {"kind-local-authority", "kind-integrated-care-board"}
