"""Competency question 5: what s.327A requires of the responsible authority, and who
benefits."""

from __future__ import annotations

SGD = "https://w3id.org/safeguarding-kg/id/"
QUERY = "cq05-child-sex-offender-disclosure"

PUBLIC = "particular members of the public"
CHILDREN = "children"


def _split(value: str | None, sep: str) -> frozenset[str]:
    return frozenset(value.split(sep)) if value else frozenset()


def test_duties_and_power_under_s327a(cq):
    rows = cq(QUERY)
    got = {
        (
            r["item"].removeprefix(SGD),
            r["modality"],
            _split(r["provisions"], ", "),
            _split(r["owedTo"], "; "),
            _split(r["beneficiaries"], "; "),
        )
        for r in rows
    }
    assert got == {
        (
            "duty-cja2003-s327a-1-consider-disclosure",
            "must",
            frozenset({"327A(1)"}),
            frozenset({PUBLIC}),
            frozenset({CHILDREN}),
        ),
        (
            "duty-cja2003-s327a-2-presumption-to-disclose",
            "must",
            frozenset({"327A(2)", "327A(3)", "327A(4)"}),
            frozenset({PUBLIC}),
            frozenset({CHILDREN}),
        ),
        (
            "power-cja2003-s327a-5-disclosure-terms",
            "may",
            frozenset({"327A(5)"}),
            frozenset({PUBLIC}),
            frozenset(),
        ),
    }
    assert [r["firstProvision"] for r in rows] == ["327A(1)", "327A(2)", "327A(5)"]


def test_bearer_dates_and_status(cq):
    rows = cq(QUERY)
    assert {(r["bearer"], r["bearerLabel"]) for r in rows} == {
        (SGD + "kind-responsible-authority", "MAPPA responsible authority")
    }
    # In force from 2008 (CJIA 2008 s.140); the exact day is unverified.
    assert {(r["from"], r["to"], r["status"]) for r in rows} == {
        (
            None,
            None,
            "partly verified",
        )  # 2008, between Royal Assent (8 May) and the end of the year
    }


def test_presumption_is_qualified(cq):
    rows = cq(QUERY)
    presumption = next(r for r in rows if r["item"].endswith("presumption-to-disclose"))
    assert "presumption" in presumption["qualification"]
    assert "327A(3)" in presumption["qualification"]
    others = [r for r in rows if r is not presumption]
    assert all(r["qualification"] is None for r in others)
