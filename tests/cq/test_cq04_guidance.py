"""Competency question 4: the provision under which the Secretary of State issues MAPPA
guidance, and who must have regard to it."""

from __future__ import annotations

SG = "https://w3id.org/safeguarding-kg/ontology#"
SGD = "https://w3id.org/safeguarding-kg/id/"
S325_8 = "https://www.legislation.gov.uk/ukpga/2003/44/section/325/8"
QUERY = "cq04-guidance-provision-and-regard"


def test_enabling_provision_and_issuer(cq):
    rows = cq(QUERY)
    assert rows
    assert {
        (r["guidance"], r["provision"], r["provisionNumber"], r["actLabel"], r["issuer"])
        for r in rows
    } == {
        (
            SGD + "mappa-guidance",
            S325_8,
            "325(8)",
            "Criminal Justice Act 2003",
            SGD + "kind-secretary-of-state",
        ),
    }
    assert {(r["power"], r["powerModality"]) for r in rows} == {
        (SGD + "power-cja2003-s325-8-issue-guidance", "may")
    }


def test_who_must_have_regard(cq):
    rows = cq(QUERY)
    assert {(r["bearer"], r["modality"], r["duty"]) for r in rows} == {
        (SGD + "kind-responsible-authority", "must", SGD + "duty-cja2003-s325-8-regard-ra"),
        (SG + "dutyToCooperateBody", "must", SGD + "duty-cja2003-s325-8-regard-dtc"),
    }
    assert {r["bearerLabel"] for r in rows} == {
        "MAPPA responsible authority",
        "duty-to-co-operate body",
    }


def test_regard_duty_rests_on_seed_000(cq):
    rows = cq(QUERY)
    assert {(r["source"], r["status"], r["from"]) for r in rows} == {
        (SGD + "merseyside-protocol-2017-mappa-guidance", "unverified", "2004-04-05")
    }
