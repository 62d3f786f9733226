"""Competency question 16: the earlier report the London report relies on, and its advice."""

SGD = "https://w3id.org/safeguarding-kg/id/"


def test_relies_on_safeguarding_children_2002(cq):
    rows = cq("cq16-earlier-report-recommendations")
    assert {(r["report"], r["reportDate"]) for r in rows} == {
        (SGD + "safeguarding-children-2002", "2002-10-20")  # published by 20 October 2002
    }
    assert rows[0]["reportTitle"].startswith("Safeguarding Children")


def test_its_two_recommendations(cq):
    rows = cq("cq16-earlier-report-recommendations")
    recs = {r["recommendation"].removeprefix(SGD): r for r in rows}
    assert set(recs) == {
        "safeguarding-children-2002-rec-mappa-acpc",
        "safeguarding-children-2002-rec-home-office-priority",
    }
    home_office = recs["safeguarding-children-2002-rec-home-office-priority"]
    assert home_office["recommendedTo"] == SGD + "home-office"
    assert home_office["recommendedToLabel"] == "Home Office"
    assert "national priority" in home_office["recommendationText"]
    assert "police and probation" in home_office["recommendationText"]
    clearer = recs["safeguarding-children-2002-rec-mappa-acpc"]
    assert (
        "clearer relationship between MAPPA and Area Child Protection Committees"
        in (clearer["recommendationText"])
    )
    assert clearer["recommendedTo"] is None


def test_the_later_fuller_report_is_not_an_earlier_report(cq):
    rows = cq("cq16-earlier-report-recommendations")
    assert SGD + "london-report-2004-full" not in {r["report"] for r in rows}
