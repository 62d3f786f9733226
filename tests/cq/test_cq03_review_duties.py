"""Competency question 3: what the responsible authority must do under s.326, and for whom."""

from __future__ import annotations

SGD = "https://w3id.org/safeguarding-kg/id/"
QUERY = "cq03-review-duties"

PUBLIC = "the public in the MAPPA area"
LAY = "lay adviser"


def _split(value: str | None, sep: str = "; ") -> frozenset[str]:
    return frozenset(value.split(sep)) if value else frozenset()


def test_duties_provisions_and_parties(cq):
    rows = cq(QUERY)
    got = {
        (
            r["duty"].removeprefix(SGD),
            r["provisions"],
            _split(r["owedTo"]),
            _split(r["beneficiaries"]),
        )
        for r in rows
    }
    assert got == {
        ("duty-cja2003-s326-1-review", "326(1)", frozenset(), frozenset({PUBLIC})),
        (
            "duty-cja2003-s326-2-consult-lay-advisers",
            "326(2)",
            frozenset({LAY}),
            frozenset({PUBLIC}),
        ),
        ("duty-cja2003-s326-4-lay-adviser-allowances", "326(4)", frozenset({LAY}), frozenset()),
        ("duty-cja2003-s326-5-annual-report", "326(5)", frozenset(), frozenset({PUBLIC})),
        ("duty-cja2003-s326-6-report-contents", "326(6)", frozenset(), frozenset({PUBLIC})),
    }
    assert [r["firstProvision"] for r in rows] == ["326(1)", "326(2)", "326(4)", "326(5)", "326(6)"]


def test_dates_and_status(cq):
    rows = cq(QUERY)
    assert {(r["from"], r["to"], r["status"]) for r in rows} == {("2004-04-05", None, "verified")}
    report = next(r for r in rows if r["firstProvision"] == "326(5)")
    assert "1 April" in report["action"]


def test_secretary_of_state_appoints_lay_advisers(cq):
    # s.326(3) binds the Secretary of State, not the responsible authority.
    rows = cq(QUERY, bearer=SGD + "kind-secretary-of-state")
    assert [(r["duty"].removeprefix(SGD), r["provisions"]) for r in rows] == [
        ("duty-cja2003-s326-3-appoint-lay-advisers", "326(3)")
    ]
    assert _split(rows[0]["owedTo"]) == {"MAPPA responsible authority"}


def test_cjcsa_predecessor_duties_are_not_s326(cq):
    rows = cq(QUERY, provision="https://www.legislation.gov.uk/ukpga/2000/43/section/67")
    assert {(r["duty"].removeprefix(SGD), r["to"]) for r in rows} == {
        ("duty-cjcsa2000-s67-2-establish", "2004-04-04"),
        ("duty-cjcsa2000-s67-review", "2004-04-04"),
        ("duty-cjcsa2000-s67-annual-report", "2004-04-04"),
    }
