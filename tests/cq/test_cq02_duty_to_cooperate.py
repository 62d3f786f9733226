"""Competency question 2: bodies under the duty to co-operate, by paragraph of s.325(6),
with dates (the UK Border Agency from 2011)."""

from __future__ import annotations

SGD = "https://w3id.org/safeguarding-kg/id/"
S325_6 = "https://www.legislation.gov.uk/ukpga/2003/44/section/325/6"

QUERY = "cq02-duty-to-cooperate"

EXPECTED = {
    ("325(6)(a)", "kind-youth-offending-team", "2004-04-05", None),
    ("325(6)(b)", "kind-dwp-ministers", "2004-04-05", None),
    ("325(6)(b)", "kind-ministry-of-defence", None, None),
    ("325(6)(ba)", "kind-nhs-commissioning-board", "2013-04-01", None),
    ("325(6)(c)", "kind-local-education-authority", "2004-04-05", None),
    ("325(6)(d)", "kind-local-housing-authority", "2004-04-05", None),
    ("325(6)(d)", "kind-social-services-authority", "2004-04-05", None),
    ("325(6)(e)", "kind-registered-social-landlord", "2004-04-05", None),
    ("325(6)(e)", "kind-private-registered-provider", None, None),
    ("325(6)(f)", "kind-health-authority", "2004-04-05", "2013-03-31"),
    ("325(6)(f)", "kind-strategic-health-authority", "2004-04-05", "2013-03-31"),
    ("325(6)(g)", "kind-primary-care-trust", "2004-04-05", "2013-03-31"),
    ("325(6)(g)", "kind-local-health-board", "2004-04-05", None),
    ("325(6)(g)", "kind-clinical-commissioning-group", "2013-04-01", "2022-06-30"),
    ("325(6)(g)", "kind-integrated-care-board", "2022-07-01", None),
    ("325(6)(h)", "kind-nhs-trust", "2004-04-05", None),
    ("325(6)(i)", "kind-electronic-monitoring-provider", "2004-04-05", None),
    ("325(6)", "kind-uk-border-agency", None, None),
    ("325(6)", "kind-home-office-immigration", None, None),
}

PARAGRAPH_ORDER = [
    "325(6)(a)",
    "325(6)(b)",
    "325(6)(ba)",
    "325(6)(c)",
    "325(6)(d)",
    "325(6)(e)",
    "325(6)(f)",
    "325(6)(g)",
    "325(6)(h)",
    "325(6)(i)",
    "325(6)",
]


def _key(r: dict) -> tuple:
    return (r["paragraph"], r["holder"].removeprefix(SGD), r["from"], r["to"])


def test_bodies_paragraphs_and_dates(cq):
    rows = cq(QUERY)
    assert {_key(r) for r in rows} == EXPECTED
    assert len(rows) == len(EXPECTED)


def test_rows_follow_the_paragraphs(cq):
    rows = cq(QUERY)
    seen = []
    for r in rows:
        if not seen or seen[-1] != r["paragraph"]:
            seen.append(r["paragraph"])
    assert seen == PARAGRAPH_ORDER


def test_uk_border_agency_from_2011(cq):
    rows = cq(QUERY)
    ukba = [r for r in rows if r["holder"] == SGD + "kind-uk-border-agency"]
    assert len(ukba) == 1
    (row,) = ukba
    # known only within bounds: after the Grand Committee debate, by the 2012 Guidance
    assert row["from"] is None
    assert (row["fromEarliest"], row["fromLatest"]) == ("2011-06-28", "2012-12-31")
    assert (row["toEarliest"], row["toLatest"]) == ("2013-01-01", "2013-12-31")
    assert row["provision"] == S325_6
    assert row["source"] == SGD + "cppa-ukba-order-2011"
    assert "UK Border Agency" in row["sourceLabel"]
    assert row["status"] == "partly verified"
    assert "27 June 2011" in row["dateNote"]


def test_verification_statuses(cq):
    rows = cq(QUERY)
    status = {r["holder"].removeprefix(SGD): r["status"] for r in rows}
    for kind in (
        "kind-youth-offending-team",
        "kind-dwp-ministers",
        "kind-local-education-authority",
    ):
        assert status[kind] == "verified"
    for kind in (
        "kind-ministry-of-defence",
        "kind-integrated-care-board",
        "kind-primary-care-trust",
    ):
        assert status[kind] == "unverified"
    assert status["kind-nhs-commissioning-board"] == "partly verified"


def test_dtc_bodies_in_august_2017(cq):
    rows = cq(QUERY)
    day = "2017-08-01"
    in_force = {
        r["holder"].removeprefix(SGD)
        for r in rows
        # certainly in force: begun by its latest start, not ended by its earliest end
        if r["fromLatest"] <= day and (r["toEarliest"] is None or r["toEarliest"] >= day)
    }
    assert "kind-nhs-commissioning-board" in in_force
    assert "kind-clinical-commissioning-group" in in_force
    assert "kind-home-office-immigration" in in_force
    assert "kind-uk-border-agency" not in in_force
    assert "kind-primary-care-trust" not in in_force
    assert "kind-health-authority" not in in_force
    assert "kind-integrated-care-board" not in in_force


def test_parameter_selects_one_paragraph(cq):
    rows = cq(QUERY, list=S325_6 + "/g")
    assert {r["holder"].removeprefix(SGD) for r in rows} == {
        "kind-primary-care-trust",
        "kind-local-health-board",
        "kind-clinical-commissioning-group",
        "kind-integrated-care-board",
    }
    assert {r["paragraph"] for r in rows} == {"325(6)(g)"}
