"""Competency question 1: members of the MAPPA responsible authority, by provision and date,
and the difference under the Criminal Justice and Court Services Act 2000."""

from __future__ import annotations

SGD = "https://w3id.org/safeguarding-kg/id/"
LEG = "https://www.legislation.gov.uk/ukpga/"
CJCSA = LEG + "2000/43"
CJA = LEG + "2003/44"
S67 = CJCSA + "/section/67"
S325_1 = CJA + "/section/325/1"

POLICE = SGD + "kind-chief-officer-of-police"
BOARD = SGD + "kind-local-probation-board"
PROVIDER = SGD + "kind-provider-of-probation-services"
PRISONS = SGD + "kind-prisons-minister"

QUERY = "cq01-responsible-authority-members"


def _members_on(rows: list[dict], day: str) -> set[str]:
    """Certainly members on the day: begun by the latest start, not ended by the earliest end."""
    return {
        r["holder"]
        for r in rows
        if r["fromLatest"] <= day and (r["toEarliest"] is None or r["toEarliest"] >= day)
    }


def test_members_provisions_and_dates(cq):
    rows = cq(QUERY)
    got = {(r["holder"], r["provision"], r["from"], r["to"]) for r in rows}
    assert got == {
        (POLICE, S67, "2001-04-01", "2004-04-04"),
        (BOARD, S67, "2001-04-01", "2004-04-04"),
        (POLICE, S325_1, "2004-04-05", None),
        (BOARD, S325_1, "2004-04-05", None),  # ended with the boards, 2008-2014
        (PRISONS, S325_1, "2004-04-05", None),
        (PROVIDER, S325_1, None, None),  # in force by 1 April 2013; from 2008 believed
    }
    assert len(rows) == 6
    assert [r["fromLatest"] for r in rows] == sorted(r["fromLatest"] for r in rows)
    board = next(r for r in rows if r["holder"] == BOARD and r["provision"] == S325_1)
    assert (board["toEarliest"], board["toLatest"]) == ("2008-03-31", "2014-05-31")


def test_acts_and_provision_numbers(cq):
    rows = cq(QUERY)
    by_act = {}
    for r in rows:
        by_act.setdefault((r["act"], r["actLabel"], r["provisionNumber"]), set()).add(r["holder"])
    assert by_act == {
        (CJCSA, "Criminal Justice and Court Services Act 2000", "67"): {POLICE, BOARD},
        (CJA, "Criminal Justice Act 2003", "325(1)"): {POLICE, BOARD, PRISONS, PROVIDER},
    }


def test_difference_under_cjcsa_2000(cq):
    rows = cq(QUERY)
    # Under the 2000 Act: police and probation only, no prison service.
    assert _members_on(rows, "2003-01-01") == {POLICE, BOARD}
    # From 5 April 2004 the prisons minister (Prison Service) joins.
    assert _members_on(rows, "2004-04-05") == {POLICE, BOARD, PRISONS}
    # A relevant provider of probation services took the boards' place (by 2013); the
    # boards had all gone by 31 May 2014.
    assert _members_on(rows, "2017-08-01") == {POLICE, PRISONS, PROVIDER}
    assert _members_on(rows, "2001-03-31") == set()


def test_verification_and_labels(cq):
    rows = cq(QUERY)
    status = {r["assignment"]: r["status"] for r in rows}
    assert status[SGD + "ra-cja2003-s325-1-probation-provider"] == "partly verified"
    assert status[SGD + "ra-cja2003-s325-1-prisons"] == "verified"
    assert status[SGD + "ra-cjcsa2000-s67-police"] == "verified"
    provider = next(r for r in rows if r["holder"] == PROVIDER)
    assert "S.I. 2008/912" in provider["dateNote"]
    labels = {r["holder"]: r["holderLabel"] for r in rows}
    assert labels[PRISONS] == "Minister of the Crown exercising functions in relation to prisons"
    assert all(r["authority"] == SGD + "kind-responsible-authority" for r in rows)
