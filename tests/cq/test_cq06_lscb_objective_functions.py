"""Competency question 6: an LSCB's statutory objective under Children Act 2004 s.14(1), and the
functions the Local Safeguarding Children Boards Regulations 2006 give it (fact sheet F5.4, F6.3,
F6.4, rows 24-30, D7)."""

from __future__ import annotations

QUERY = "cq06-lscb-objective-functions"
CA_2004 = "https://www.legislation.gov.uk/ukpga/2004/31"
SI_2006_90 = "https://www.legislation.gov.uk/uksi/2006/90"
LSCB_START = "2006-04-01"
LSCB_END = "2019-09-29"

OBJECTIVES = {
    (frozenset({"14(1)(a)"}), "objective", LSCB_START, LSCB_END),
    (frozenset({"14(1)(b)"}), "objective", LSCB_START, LSCB_END),
}

# Five reg 5(1) functions, the power of reg 5(3), and the reg 6 child death functions as a power
# (1 April 2006 - 31 March 2008) and then a duty (from 1 April 2008).
FUNCTIONS = {
    (frozenset({"5(1)(a)"}), "must", LSCB_START, LSCB_END),
    (frozenset({"5(1)(b)"}), "must", LSCB_START, LSCB_END),
    (frozenset({"5(1)(c)"}), "must", LSCB_START, LSCB_END),
    (frozenset({"5(1)(d)"}), "must", LSCB_START, LSCB_END),
    (frozenset({"5(1)(e)", "5(2)"}), "must", LSCB_START, LSCB_END),
    (frozenset({"5(3)"}), "may", LSCB_START, LSCB_END),
    (frozenset({"6(1)"}), "may", LSCB_START, "2008-03-31"),
    (frozenset({"6(1)", "6(1)(a)", "6(1)(b)"}), "must", "2008-04-01", LSCB_END),
}


def _key(r: dict) -> tuple:
    provisions = frozenset(p.strip() for p in r["provisions"].split(","))
    return (provisions, r["modalityLabel"], r["validFrom"], r["validTo"])


def _rows(cq, category: str) -> list[dict]:
    return [r for r in cq(QUERY) if r["category"] == category]


def test_objective_has_two_limbs_from_the_act(cq):
    rows = _rows(cq, "1 statutory objective")
    assert {_key(r) for r in rows} == OBJECTIVES
    assert len(rows) == 2
    assert {r["instrument"] for r in rows} == {CA_2004}
    assert all(r["board"].endswith("/kind-lscb") for r in rows)


def test_functions_under_the_2006_regulations(cq):
    rows = _rows(cq, "2 function under regulations")
    assert {_key(r) for r in rows} == FUNCTIONS
    assert len(rows) == len(FUNCTIONS)
    assert {r["instrument"] for r in rows} == {SI_2006_90}


def test_five_reg_5_1_functions_not_six(cq):
    """D7: reg 5(1) gives five functions; the annual report is s.14A, not a regulation function."""
    rows = _rows(cq, "2 function under regulations")
    reg_5_1 = [r for r in rows if r["firstProvision"].startswith("5(1)")]
    assert len(reg_5_1) == 5
    assert all(r["modalityLabel"] == "must" for r in reg_5_1)
    assert not any("14A" in r["provisions"] for r in cq(QUERY))


def test_child_death_functions_change_from_may_to_must(cq):
    rows = [r for r in _rows(cq, "2 function under regulations") if r["firstProvision"] == "6(1)"]
    by_modality = {r["modalityLabel"]: r for r in rows}
    assert set(by_modality) == {"may", "must"}
    assert by_modality["may"]["validTo"] == "2008-03-31"
    assert by_modality["must"]["validFrom"] == "2008-04-01"


def test_objectives_come_first_and_rows_have_labels(cq):
    rows = cq(QUERY)
    assert [r["category"] for r in rows[:2]] == ["1 statutory objective"] * 2
    assert all(r["itemLabel"] and r["action"] and r["statusLabel"] for r in rows)
    assert rows[0]["instrumentLabel"] == "Children Act 2004"
    assert rows[-1]["instrumentLabel"] == "Local Safeguarding Children Boards Regulations 2006"
