"""Competency questions 17-19: any kind of body, any date, any provision.

The expected answers come from the statute as the legal fact sheet records it (§11, the
table of duties; F1-F9 for the dates), and from seed 000 for the local reliance.
"""

from __future__ import annotations

import pytest

SGD = "https://w3id.org/safeguarding-kg/id/"
CJA = "https://www.legislation.gov.uk/ukpga/2003/44/section/"
CJCSA = "https://www.legislation.gov.uk/ukpga/2000/43/section/"
CA = "https://www.legislation.gov.uk/ukpga/2004/31/section/"
REGS = "https://www.legislation.gov.uk/uksi/2006/90/regulation/"


def _bases(rows: list[dict]) -> set[str]:
    return {p for r in rows for p in r["provisions"].split()}


def _by_basis(rows: list[dict], basis: str) -> list[dict]:
    return [r for r in rows if basis in r["provisions"].split()]


# ---------------------------------------------------------------- 17: a kind's duties


def test_cq17_youth_offending_team(cq):
    rows = cq("cq17-duties-of-a-kind")  # default: youth offending team
    assert {r["kind"] for r in rows} == {SGD + "kind-youth-offending-team"}
    bases = _bases(rows)
    # duty to co-operate with the MAPPA RA (s.325(3)), from 5 April 2004, owed to the RA
    dtc = _by_basis(rows, CJA + "325/3")
    assert dtc and {r["route"] for r in dtc} == {"holds the role"}
    assert any(r["from"] == "2004-04-05" and r["to"] is None for r in dtc)
    assert any("MAPPA responsible authority" in r["owedTo"] for r in dtc)
    # s.11 welfare duty from 1 October 2005; LSCB Board partner 2006-2019; s.10 partner
    assert {r["from"] for r in _by_basis(rows, CA + "11/2")} == {"2005-10-01"}
    board = [r for r in rows if r["viaLabel"] == "LSCB Board partner"]
    assert board and all(r["from"] >= "2006-04-01" and r["to"] == "2019-09-29" for r in board)
    assert CA + "10/5" in bases
    # a relevant agency under the safeguarding partners' arrangements from 29 June 2018
    assert any(r["viaLabel"] == "relevant agency" and r["from"] == "2018-06-29" for r in rows)
    # a YOT is not a member of the responsible authority: no s.326 duty reaches it
    assert not any(b.startswith(CJA + "326") for b in bases)
    assert not any(r["route"] == "is a member of" for r in rows)


def test_cq17_chief_officer_of_police(cq):
    rows = cq("cq17-duties-of-a-kind", kind=SGD + "kind-chief-officer-of-police")
    members = [r for r in rows if r["route"] == "is a member of"]
    assert {r["viaLabel"] for r in members} == {"MAPPA responsible authority"}
    # s.326(1) review from 5 April 2004, and its CJCSA 2000 predecessor 2001-2004
    review = _by_basis(rows, CJA + "326/1")
    assert [(r["from"], r["to"]) for r in review] == [("2004-04-05", None)]
    old = [r for r in rows if any(p.startswith(CJCSA + "67") for p in r["provisions"].split())]
    assert old and all((r["from"], r["to"]) == ("2001-04-01", "2004-04-04") for r in old)
    # s.327A disclosure duty (must) and power (may)
    disclosure = [r for r in rows if any("327A" in p for p in r["provisions"].split())]
    assert {r["modality"] for r in disclosure} == {"must", "may"}
    # a safeguarding partner from 29 June 2018; never a duty-to-co-operate body
    assert any(r["viaLabel"] == "safeguarding partner" and r["from"] == "2018-06-29" for r in rows)
    assert not any(r["viaLabel"] == "duty-to-co-operate body" for r in rows)


def test_cq17_broader_kind_reaches_a_narrower_one(cq):
    # a probation trust is a relevant provider of probation services (skos:broader), so it
    # bears the RA's duties, but only while trusts existed (2008-04-01 to 2014-05-31)
    rows = cq("cq17-duties-of-a-kind", kind=SGD + "kind-probation-trust")
    review = _by_basis(rows, CJA + "326/1")
    assert review, "a probation trust, as RA member, must keep MAPPA under review"
    assert all(r["from"] >= "2008-04-01" for r in review)


# ------------------------------------------------------------- 18: in force on a date


def _labels(rows: list[dict]) -> dict[str, dict]:
    return {r["dutyLabel"]: r for r in rows}


def test_cq18_in_2004_acpcs_and_the_cja_2003(cq):
    rows = cq("cq18-in-force-at-date", date="2004-10-06")
    bases = _bases(rows)
    assert CJA + "325/2" in bases and CJA + "326/1" in bases
    assert not any(b.startswith(CJCSA) for b in bases), "CJCSA 2000 ss.67-68 ended 4 April 2004"
    assert not any(b.startswith(REGS) or b.startswith(CA + "13") for b in bases), "no LSCBs"
    assert any("Area Child Protection Committee" in label for label in _labels(rows))
    ra = _by_basis(rows, CJA + "326/1")[0]["bearingKinds"].split("; ")
    assert {"chief officer of police", "local probation board"} <= set(ra)
    assert "relevant provider of probation services" not in ra


def test_cq18_in_2017_lscbs(cq):
    rows = cq("cq18-in-force-at-date")  # default 2017-08-01
    assert {r["date"] for r in rows} == {"2017-08-01"}
    bases = _bases(rows)
    assert REGS + "5/1/e" in bases and CA + "13/1" in bases
    assert not any(b.startswith(CA + "16E") for b in bases), "safeguarding partners from 2018"
    dtc = _by_basis(rows, CJA + "325/3")
    kinds = {k for r in dtc for k in r["bearingKinds"].split("; ")}
    assert "clinical commissioning group" in kinds and "Primary Care Trust" not in kinds


def test_cq18_today_safeguarding_partners(cq):
    rows = cq("cq18-in-force-at-date", date="2023-01-01")
    bases = _bases(rows)
    assert not any(b.startswith(REGS) or b == CA + "13/1" for b in bases), "LSCBs ended 2019"
    partners = _by_basis(rows, CA + "16E/1")
    kinds = set(partners[0]["bearingKinds"].split("; "))
    assert {"local authority", "integrated care board", "chief officer of police"} <= kinds
    assert "clinical commissioning group" not in kinds


# ------------------------------------------------- 19: a provision's duties and reliance


def test_cq19_section_325(cq):
    rows = cq("cq19-provision-duties-and-reliance")  # default CJA 2003 s.325
    created = [r for r in rows if r["relation"] == "creates"]
    relied = [r for r in rows if r["relation"] == "relied on by"]
    assert {r["part"] for r in created} >= {CJA + "325/2", CJA + "325/3", CJA + "325/6/a"}
    assert {"duty", "power", "role assignment"} <= {r["type"] for r in created}
    documents = {r["document"] for r in relied}
    assert documents == {SGD + "merseyside-protocol-2017", SGD + "london-report-2004"}
    assert SGD + "merseyside-protocol-2017-dtc-list" in {r["item"] for r in relied}


def test_cq19_children_act_section_14(cq):
    rows = cq("cq19-provision-duties-and-reliance", provision=CA + "14")
    created = {r["item"] for r in rows if r["relation"] == "creates"}
    assert {
        SGD + "objective-ca2004-s14-1-a-co-ordinate",
        SGD + "objective-ca2004-s14-1-b-ensure-effectiveness",
    } <= created
    relied = {r["document"] for r in rows if r["relation"] == "relied on by"}
    assert relied == {SGD + "merseyside-protocol-2017"}


@pytest.mark.parametrize(
    "provision", [CJA + "327A", "https://www.legislation.gov.uk/uksi/2006/90/regulation/6"]
)
def test_cq19_every_row_is_under_the_provision(cq, provision):
    rows = cq("cq19-provision-duties-and-reliance", provision=provision)
    assert rows
    assert all(r["part"].startswith(provision) for r in rows)
