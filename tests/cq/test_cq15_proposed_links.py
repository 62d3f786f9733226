"""Competency question 15: strategic and operational links the 2004 London report proposed."""

SGD = "https://w3id.org/safeguarding-kg/id/"

STRATEGIC = [
    "Common membership of the MAPPA SMB and the LCPC, replicated locally on MAPPA and ACPCs",
    "The CJA 2003 duty to co-operate formalises links with key agencies such as YOTs and education",
    "An agreed protocol or memorandum of understanding with the DTC agencies",
    "The Prison Service in the responsible authority grounds closer procedural links"
    " (e.g. Schedule One offenders)",
    "Joint performance indicators",
    "Joint commissioning of research",
    "IT connectivity to facilitate information sharing",
    "Communications strategy",
]
OPERATIONAL = [
    "Multi-agency training on the role and function of MAPPA and safeguarding children",
    "Information exchange, such as minute-sharing",
    "Local workshops and events to consolidate working relationships",
    "Lessons from Serious Further Offences and Chapter 8 reviews",
    "Messages from research",
    "Legislative briefings on the Children Bill, the Sex Offender Act and the Criminal Justice"
    " Act 2003",
    "Routine information sharing on high-risk offenders",
]


def test_eight_strategic_then_seven_operational_links_in_order(cq):
    rows = cq("cq15-proposed-links")
    assert [(r["level"], r["label"]) for r in rows] == [("strategic", s) for s in STRATEGIC] + [
        ("operational", o) for o in OPERATIONAL
    ]
    assert [int(r["order"]) for r in rows] == list(range(1, 9)) + list(range(1, 8))


def test_what_the_links_connect(cq):
    rows = {r["link"].removeprefix(SGD): r for r in cq("cq15-proposed-links")}
    assert set(rows["london-report-2004-strategic-1"]["links"].split("; ")) == {
        "London MAPPA Strategic Management Board",
        "London Child Protection Committee",
        "MAPPA Strategic Management Board",
        "Area Child Protection Committee",
    }
    assert set(rows["london-report-2004-strategic-2"]["links"].split("; ")) == {
        "MAPPA responsible authority",
        "youth offending team",
        "local education authority",
    }
    assert "case reviews" in rows["london-report-2004-operational-4"]["topics"]
    assert "information sharing" in rows["london-report-2004-strategic-7"]["topics"]
