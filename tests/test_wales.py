"""Wales (issue 10, deliverable 3): Welsh child-safeguarding law on the real build.

Children Act 2004 Part 3 (data/ca-2004-wales.ttl) until the Social Services and
Well-being (Wales) Act 2014 Part 7 (data/sswa-2014.ttl) replaced the Welsh LSCBs in
April 2016. Checked through the shipped queries (cq08, cq17, cq18), run exactly as
``kg query`` runs them, and through a few direct queries on the store.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from kg.config import Settings
from kg.store import open_store

pytestmark = pytest.mark.java

SG = "https://w3id.org/safeguarding-kg/ontology#"
SGD = "https://w3id.org/safeguarding-kg/id/"
GRAPH = "https://w3id.org/safeguarding-kg/graph/"
CA = "https://www.legislation.gov.uk/ukpga/2004/31/section/"
SSWA = "https://www.legislation.gov.uk/anaw/2014/4/section/"
WELSH_GRAPHS = (GRAPH + "ca-2004-wales", GRAPH + "sswa-2014")
PREFIXES = (
    f"PREFIX sg: <{SG}>\nPREFIX sgd: <{SGD}>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
)
#: the named graphs of the two Welsh data files, as a VALUES clause
IN_WELSH_GRAPHS = "VALUES ?g { " + " ".join(f"<{g}>" for g in WELSH_GRAPHS) + " }"

#: Children Act 2004 Part 2 (England): ss.10-16O, and the English LSCB Regulations 2006
ENGLISH_PART_2 = re.compile(
    r"^https://www\.legislation\.gov\.uk/(ukpga/2004/31/section/1[0-6][A-Z]?(/|$)|uksi/2006/90(/|$))"
)

S31_DUTY = SGD + "duty-ca2004-s31-establish-lscb-wales"
SCB_DUTIES = {
    SGD + "duty-sswa2014-s134-4-establish-safeguarding-children-board",
    SGD + "duty-sswa2014-s134-6-include-partner-representatives",
    SGD + "objective-sswa2014-s135-1-protect-children",
    SGD + "objective-sswa2014-s135-1-prevent-risk-to-children",
    SGD + "duty-sswa2014-s136-2-annual-report",
}


@pytest.fixture(scope="module")
def store(real_store: Settings) -> ox.Store:
    return open_store(real_store)


def _select(store: ox.Store, text: str) -> list[dict[str, str]]:
    solutions = store.query(PREFIXES + text)  # the default graph: each triple once
    names = [v.value for v in solutions.variables]
    return [
        {n: s[n].value for n in names if s[n] is not None}  # type: ignore[index]
        for s in solutions
    ]


def _by_duty(rows: list[dict[str, str | None]]) -> dict[str, dict[str, str | None]]:
    return {str(r["duty"]): r for r in rows}


# ------------------------------------------------------------------ in force on a date


def test_2015_welsh_lscbs_under_section_31(cq) -> None:
    rows = _by_duty(cq("cq18-in-force-at-date", date="2015-01-01"))
    assert rows[S31_DUTY]["status"] == "in force"
    assert "local authority" in str(rows[S31_DUTY]["bearingKinds"]).split("; ")
    objective = rows[SGD + "objective-ca2004-s32-co-ordinate-wales"]
    assert objective["status"] == "in force"
    assert objective["bearingKinds"] == "Local Safeguarding Children Board (Wales)"
    # s.28, the Welsh twin of s.11, binds the Local Health Board through its role
    s28 = rows[SGD + "duty-ca2004-s28-2-safeguard-welfare-wales"]
    assert s28["status"] == "in force"
    assert "Local Health Board" in str(s28["bearingKinds"]).split("; ")
    # the Safeguarding Children Boards of the 2014 Act do not exist yet
    assert not SCB_DUTIES & set(rows)


def test_2017_safeguarding_children_boards_replace_section_31(cq) -> None:
    rows = _by_duty(cq("cq18-in-force-at-date", date="2017-08-01"))
    for duty in SCB_DUTIES:
        assert rows[duty]["status"] == "in force", duty
    assert S31_DUTY not in rows
    assert not any(
        any(p.startswith((CA + "31", CA + "32")) for p in str(r["provisions"]).split())
        for r in rows.values()
    ), "no Welsh LSCB duty is in force, or possibly in force, in 2017"
    # the Safeguarding Board partners include the Local Health Board (s.134(2)(c))
    representation = rows[SGD + "duty-sswa2014-s134-6-include-partner-representatives"]
    assert set(str(representation["bearingKinds"]).split("; ")) >= {
        "Safeguarding Children Board (Wales)",
        "Safeguarding Adults Board (Wales)",
    }
    # s.28 and the s.130 duty to report children at risk are in force beside them
    assert rows[SGD + "duty-ca2004-s28-2-safeguard-welfare-wales"]["status"] == "in force"
    report = rows[SGD + "duty-sswa2014-s130-report-child-at-risk"]
    assert report["status"] == "in force" and report["from"] == "2016-04-06"


def test_the_national_board_precedes_the_regional_boards(cq) -> None:
    before = _by_duty(cq("cq18-in-force-at-date", date="2016-01-01"))
    assert before[SGD + "duty-sswa2014-s132-2-a-support-safeguarding-boards"]["status"] == (
        "in force"
    )
    assert not SCB_DUTIES & set(before)
    # on that day the Welsh LSCB duty is still in force (it ended 31 March - 5 April 2016)
    assert before[S31_DUTY]["status"] == "in force"


def test_the_welsh_lscb_gave_way_to_the_safeguarding_children_board(cq) -> None:
    rows = cq("cq08-child-protection-bodies-history", kind=SGD + "kind-lscb-wales")
    by_body = {r["body"]: r for r in rows}
    assert by_body[SGD + "kind-lscb-wales"]["relation"] == "this kind"
    assert by_body[SGD + "kind-lscb-wales"]["validFrom"] == "2006-10-01"
    after = by_body[SGD + "kind-safeguarding-children-board-wales"]
    assert after["relation"] == "after" and after["validFrom"] == "2016-04-06"
    # the English chain is untouched: the English LSCB is not the Welsh one's successor
    assert SGD + "kind-lscb" not in by_body


# ------------------------------------------------------------------ extent


def test_every_welsh_provision_and_duty_says_wales(store: ox.Store) -> None:
    rows = _select(
        store,
        "SELECT DISTINCT ?x ?g WHERE { "
        + IN_WELSH_GRAPHS
        + """ VALUES ?class { sg:Provision sg:Act sg:StatutoryInstrument sg:Duty sg:Power
                             sg:StatutoryObjective sg:RoleAssignment sg:Role }
             GRAPH ?g { ?x a ?class }
             FILTER NOT EXISTS { ?x sg:extent "Wales" }
           }""",
    )
    assert rows == []
    counts = _select(
        store,
        "SELECT ?g (COUNT(DISTINCT ?x) AS ?n) WHERE { "
        + IN_WELSH_GRAPHS
        + " GRAPH ?g { ?x a sg:Provision } } GROUP BY ?g",
    )
    provisions = {r["g"]: int(r["n"]) for r in counts}
    assert provisions[GRAPH + "ca-2004-wales"] >= 25 and provisions[GRAPH + "sswa-2014"] >= 25


def test_welsh_kinds_say_wales_and_are_no_narrower_than_an_english_kind(store: ox.Store) -> None:
    kinds = {
        r["k"] for r in _select(store, 'SELECT ?k WHERE { ?k a sg:BodyKind ; sg:extent "Wales" }')
    }
    assert {
        SGD + "kind-local-health-board",
        SGD + "kind-lscb-wales",
        SGD + "kind-safeguarding-children-board-wales",
        SGD + "kind-safeguarding-adults-board-wales",
        SGD + "kind-national-independent-safeguarding-board",
        SGD + "kind-welsh-ministers",
    } <= kinds
    broader = _select(
        store,
        'SELECT ?k ?b WHERE { ?k sg:extent "Wales" ; skos:broader ?b }',
    )
    assert broader == []


def test_no_part_2_england_duty_reaches_a_welsh_only_kind(store: ox.Store, cq) -> None:
    welsh_kinds = [
        r["k"] for r in _select(store, 'SELECT ?k WHERE { ?k a sg:BodyKind ; sg:extent "Wales" }')
    ]
    assert len(welsh_kinds) >= 7
    for kind in welsh_kinds:
        rows = cq("cq17-duties-of-a-kind", kind=kind)
        english = [
            (r["dutyLabel"], p)
            for r in rows
            for p in str(r["provisions"]).split()
            if ENGLISH_PART_2.match(p)
        ]
        assert english == [], kind
    # ... while the Local Health Board does hold its Welsh duties
    lhb = cq("cq17-duties-of-a-kind", kind=SGD + "kind-local-health-board")
    bases = {p for r in lhb for p in str(r["provisions"]).split()}
    assert {CA + "28/2", CA + "25/5", SSWA + "130"} <= bases


def test_no_welsh_duty_is_borne_by_an_english_only_kind(store: ox.Store) -> None:
    rows = _select(
        store,
        """SELECT DISTINCT ?duty ?kind WHERE {
             ?duty a sg:DutyOrPower ; sg:extent "Wales" .
             { ?duty sg:bearer ?kind }
             UNION { ?duty sg:bearer ?role . ?ra sg:role ?role ; sg:holder ?kind }
             ?kind sg:extent "England" .
           }""",
    )
    assert rows == []


def test_english_roles_are_not_given_to_welsh_bodies(store: ox.Store) -> None:
    """The English roles name English provisions: Welsh law uses its own roles."""
    rows = _select(
        store,
        """SELECT ?ra ?role WHERE {
             VALUES ?role { sg:relevantPartner sg:section11Body sg:boardPartner
                            sg:safeguardingPartner sg:relevantAgency }
             ?ra sg:role ?role ; sg:extent "Wales" .
           }""",
    )
    assert rows == []


# ------------------------------------------------------------------ what was read


def test_what_was_not_read_in_an_official_text_is_not_verified(store: ox.Store) -> None:
    status = {
        r["x"]: r["s"]
        for r in _select(
            store,
            "SELECT ?x ?s WHERE { "
            + IN_WELSH_GRAPHS
            + " GRAPH ?g { ?x sg:verificationStatus ?s } }",
        )
    }
    # the text of ss.31 and 32 was not found
    assert status[CA + "31"] == SG + "unverified"
    assert status[CA + "32"] == SG + "unverified"
    # s.130 and s.135 read only in secondary copies
    assert status[SSWA + "130"] == SG + "verifiedSecondary"
    assert status[SSWA + "135"] == SG + "verifiedSecondary"
    # read on legislation.gov.uk, with an official commencement
    assert status[SSWA + "134/4"] == SG + "verified"
    assert status[SSWA + "132/2"] == SG + "verified"
    # believed Board partners of a Welsh LSCB
    assert status[SGD + "ra-ca2004-s31-local-health-board"] == SG + "unverified"


def test_uncertain_welsh_facts_say_why(store: ox.Store) -> None:
    rows = _select(
        store,
        "SELECT ?x WHERE { "
        + IN_WELSH_GRAPHS
        + """ VALUES ?s { sg:unverified sg:partlyVerified sg:verifiedSecondary }
             GRAPH ?g { ?x sg:verificationStatus ?s }
             FILTER NOT EXISTS { ?x sg:verificationNote ?note }
           }""",
    )
    assert rows == []


def test_acts_and_instruments_of_wales(store: ox.Store) -> None:
    rows = _select(
        store,
        """SELECT ?ra WHERE { <https://www.legislation.gov.uk/anaw/2014/4> sg:royalAssent ?ra }""",
    )
    assert [r["ra"] for r in rows] == ["2014-05-01"]
    rows = _select(
        store,
        """SELECT ?label ?from WHERE {
             <https://www.legislation.gov.uk/wsi/2006/1705> rdfs:label ?label ; sg:validFrom ?from
           }""",
    )
    assert rows == [
        {
            "label": "Local Safeguarding Children Boards (Wales) Regulations 2006",
            "from": "2006-10-01",
        }
    ]
    rows = _select(
        store,
        "SELECT ?from WHERE { <https://www.legislation.gov.uk/wsi/2015/1357> sg:validFrom ?from }",
    )
    assert [r["from"] for r in rows] == ["2016-04-06"]
