"""The integrity rules in queries/integrity refuse to publish a graph whose dates,
extent or provenance are wrong, naming the rule, the resource, file:line and the fix.

Each rule has a fixture that breaks it; the same fixture with the fix applied builds.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kg.config import Settings
from kg.errors import DataCheckError
from kg.store import build_store
from tests.helpers import REPO

PREFIXES = """\
@prefix sg: <https://w3id.org/safeguarding-kg/ontology#> .
@prefix sgd: <https://w3id.org/safeguarding-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix org: <http://www.w3.org/ns/org#> .
"""
KINDS = "".join(
    f'sgd:kind-{k} a sg:BodyKind ; rdfs:label "{k}"@en .\n'
    for k in ("acpc", "mappa-smb", "responsible-authority", "safeguarding-partnership")
)
BASE = """\
sgd:kind-lscb a sg:BodyKind ; rdfs:label "LSCB"@en ;
    sg:validFrom "2006-04-01"^^xsd:date ; sg:validTo "2019-09-29"^^xsd:date .
<https://www.legislation.gov.uk/ukpga/2009/22> a sg:Act ; rdfs:label "ASCL Act 2009"@en ;
    sg:royalAssent "2009-11-12"^^xsd:date .
<https://www.legislation.gov.uk/ukpga/2004/31/section/14A> a sg:Provision ;
    rdfs:label "s.14A"@en ;
    sg:insertedBy <https://www.legislation.gov.uk/ukpga/2009/22> ;
    sg:earliestStart "2009-11-12"^^xsd:date ; sg:latestStart "2010-04-01"^^xsd:date ;
    sg:validTo "2019-09-29"^^xsd:date ;
    sg:dateNote "Inserted in 2009; commencement not confirmed." .
"""
DUTY = """\
sgd:duty-test a sg:Duty ;
    rdfs:label "Publish an annual report"@en ;
    sg:action "Publish a report." ;
    sg:bearer sgd:kind-lscb ;
    sg:legalBasis <https://www.legislation.gov.uk/ukpga/2004/31/section/14A> ;
    sg:modality sg:must ;
    sg:earliestStart "2009-11-12"^^xsd:date ; sg:latestStart "2010-04-01"^^xsd:date ;
    sg:validTo "2019-09-29"^^xsd:date ;
    sg:dateNote "As for s.14A." ;
    sg:source <https://www.legislation.gov.uk/ukpga/2004/31/section/14A> ;
    sg:verificationStatus sg:partlyVerified .
"""


def _settings(tmp_path: Path, data: str) -> Settings:
    home = tmp_path / "home"
    (home / "ontology").mkdir(parents=True)
    (home / "data").mkdir()
    shutil.copy(REPO / "ontology" / "sg.ttl", home / "ontology")
    (home / "data" / "test.ttl").write_text(PREFIXES + KINDS + data, encoding="utf-8")
    return Settings.for_home(
        home,
        rules_dir=REPO / "queries" / "rules",
        checks_dir=REPO / "queries" / "checks",
        integrity_dir=REPO / "queries" / "integrity",
        reason=False,
    )


def _refused(tmp_path: Path, data: str) -> str:
    settings = _settings(tmp_path, data)
    with pytest.raises(DataCheckError) as caught:
        build_store(settings)
    assert not settings.store_dir.exists(), "a refused build must not publish a store"
    return caught.value.detail or ""


def test_the_fixture_as_it_should_be_builds(tmp_path: Path) -> None:
    build_store(_settings(tmp_path, BASE + DUTY))


def test_a_placeholder_day_before_royal_assent_is_refused_with_rule_line_and_fix(
    tmp_path: Path,
) -> None:
    # the defect the audit found: s.14A "from 2009-01-01", before the Act existed
    bad = BASE.replace(
        'sg:earliestStart "2009-11-12"^^xsd:date ; sg:latestStart "2010-04-01"^^xsd:date ;',
        'sg:validFrom "2009-01-01"^^xsd:date ;',
    )
    detail = _refused(tmp_path, bad + DUTY)
    assert "a2-provision-after-enactment" in detail
    assert "section/14A> may be in force from 2009-01-01, before" in detail
    line = next(i for i, t in enumerate((PREFIXES + KINDS + bad).splitlines(), 1) if "14A> a" in t)
    assert f"data/test.ttl:{line}:" in detail
    assert "fix: give the provision a start no earlier than sg:royalAssent" in detail


def test_a_duty_starting_before_its_basis_is_refused(tmp_path: Path) -> None:
    duty = DUTY.replace(
        'sg:earliestStart "2009-11-12"^^xsd:date ; sg:latestStart "2010-04-01"^^xsd:date ;',
        'sg:earliestStart "2009-01-01"^^xsd:date ; sg:latestStart "2010-04-01"^^xsd:date ;',
    )
    detail = _refused(tmp_path, BASE + duty)
    assert "duty-test> may begin on 2009-01-01, before its basis" in detail
    assert "[rule a1-start-after-basis]" in detail


def test_a_duty_outliving_its_repealed_basis_is_refused(tmp_path: Path) -> None:
    duty = DUTY.replace('    sg:validTo "2019-09-29"^^xsd:date ;\n', "")
    detail = _refused(tmp_path, BASE + duty)
    assert "duty-test> has no end, after its legal basis" in detail
    assert "[rule b1-end-with-basis]" in detail


LSCB = """\
sgd:knowsley-lscb a sg:LocalSafeguardingChildrenBoard ; rdfs:label "Knowsley LSCB"@en ;
    sg:ofKind sgd:kind-lscb ;
    sg:validFrom "2006-04-01"^^xsd:date ;
    sg:earliestEnd "2017-08-01"^^xsd:date ; sg:latestEnd "2019-09-29"^^xsd:date ;
    sg:dateNote "Ceased when the area's arrangements took effect." .
"""


def test_a_local_board_outliving_its_kind_is_refused(tmp_path: Path) -> None:
    build_store(_settings(tmp_path / "good", BASE + DUTY + LSCB))
    # the defect the audit found: the Merseyside LSCBs never ended
    forever = LSCB.replace(
        'sg:earliestEnd "2017-08-01"^^xsd:date ; sg:latestEnd "2019-09-29"^^xsd:date ;',
        'sg:confirmedUntil "2017-08-01"^^xsd:date ;',
    )
    detail = _refused(tmp_path, BASE + DUTY + forever)
    assert "knowsley-lscb> has no end, after its kind" in detail
    assert "[rule c2-within-its-kind]" in detail


def test_a_concrete_board_without_an_end_is_refused(tmp_path: Path) -> None:
    endless = LSCB.replace(
        'sg:earliestEnd "2017-08-01"^^xsd:date ; sg:latestEnd "2019-09-29"^^xsd:date ;', ""
    ).replace("sg:ofKind sgd:kind-lscb ;", "")
    detail = _refused(tmp_path, BASE + DUTY + endless)
    assert "knowsley-lscb> has no end and no sg:confirmedUntil" in detail
    assert "[rule c1-life-required]" in detail


WALES = """\
sgd:england a sg:Area ; rdfs:label "England"@en .
sgd:merseyside a sg:MappaArea ; rdfs:label "Merseyside"@en ; sg:within sgd:england .
sgd:kind-local-health-board a sg:BodyKind ; rdfs:label "Local Health Board"@en ;
    sg:extent "Wales" .
sgd:smb a sg:StrategicManagementBoard ; rdfs:label "Merseyside SMB"@en ;
    sg:area sgd:merseyside ;
    sg:validFrom "2004-04-05"^^xsd:date ; sg:confirmedUntil "2017-08-01"^^xsd:date .
sgd:ra-lhb a sg:RoleAssignment ; rdfs:label "LHB on the SMB"@en ;
    sg:role sg:boardMember ; sg:holder sgd:kind-local-health-board ; sg:context sgd:smb ;
    sg:legalBasis <https://www.legislation.gov.uk/ukpga/2003/44/section/325/6> ;
    sg:validFrom "2017-08-01"^^xsd:date ;
    sg:source <https://www.legislation.gov.uk/ukpga/2003/44/section/325/6> ;
    sg:verificationStatus sg:partlyVerified .
<https://www.legislation.gov.uk/ukpga/2003/44/section/325/6> a sg:Provision ;
    rdfs:label "s.325(6)"@en .
"""


def test_a_welsh_body_on_an_english_board_is_refused_unless_a_discrepancy_records_it(
    tmp_path: Path,
) -> None:
    detail = _refused(tmp_path / "bad", BASE + DUTY + WALES)
    assert "ra-lhb> links <https://w3id.org/safeguarding-kg/id/kind-local-health-board>" in detail
    assert "[rule d1-extent]" in detail
    recorded = WALES + (
        'sgd:d1 a sg:Discrepancy ; rdfs:label "Seed lists a Welsh body"@en ;'
        " sg:seedStatement sgd:ra-lhb .\n"
    )
    build_store(_settings(tmp_path / "recorded", BASE + DUTY + recorded))


REPORT = """\
sgd:report a sg:Report ; rdfs:label "A report"@en ; sg:documentDate "2004-07-14"^^xsd:date .
sgd:report-way-ahead a sg:Clause ; rdfs:label "Way ahead"@en ; sg:partOf sgd:report .
sgd:cpc a sg:Body ; rdfs:label "A committee"@en ;
    sg:validFrom "2002-07-09"^^xsd:date ; sg:confirmedUntil "2004-07-14"^^xsd:date .
sgd:ra-nominees a sg:RoleAssignment ; rdfs:label "Nominees: members"@en ;
    sg:role sg:boardMember ; sg:holder sgd:cpc ; sg:context sgd:cpc ;
    sg:legalBasis sgd:report ;
    sg:latestStart "2004-07-14"^^xsd:date ; sg:confirmedUntil "2004-07-14"^^xsd:date ;
    sg:source sgd:report-way-ahead ;
    sg:verificationStatus sg:verified .
"""


def test_a_fact_citing_a_clause_that_does_not_state_it_is_refused(tmp_path: Path) -> None:
    detail = _refused(tmp_path / "bad", BASE + DUTY + REPORT)
    assert "ra-nominees> cites clause" in detail
    assert "[rule e1-inferred-not-verified]" in detail
    # marked inferred but still tagged verified: still refused
    inferred = REPORT.replace(
        "sg:source sgd:report-way-ahead ;",
        "sg:source sgd:report-way-ahead ; sg:inferredFrom sgd:report-way-ahead ;",
    )
    detail = _refused(tmp_path / "tagged", BASE + DUTY + inferred)
    assert "ra-nominees> is inferred from" in detail and "but tagged verified" in detail
    fixed = inferred.replace(
        "sg:verificationStatus sg:verified", "sg:verificationStatus sg:partlyVerified"
    )
    build_store(_settings(tmp_path / "fixed", BASE + DUTY + fixed))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ('sg:latestStart "2010-04-01"', 'sg:latestStart "2009-01-01"'),
            "start bounds are in the wrong order",
        ),
        (('sg:dateNote "As for s.14A." ;', ""), "has a date known only within bounds but no"),
        (
            (
                'sg:validTo "2019-09-29"^^xsd:date ;',
                'sg:earliestEnd "2009-12-01"^^xsd:date ; sg:latestEnd "2010-01-01"^^xsd:date ;',
            ),
            "latest start and latest end bounds are in the wrong order",
        ),
    ],
)
def test_bounds_in_the_wrong_order_or_without_a_note_are_refused(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    detail = _refused(tmp_path, BASE + DUTY.replace(*change))
    assert expected in detail and "[rule f1-bounds-well-formed]" in detail


def test_an_exact_day_whose_note_says_it_stands_in_is_refused(tmp_path: Path) -> None:
    duty = DUTY.replace(
        'sg:earliestStart "2009-11-12"^^xsd:date ; sg:latestStart "2010-04-01"^^xsd:date ;',
        'sg:validFrom "2010-01-01"^^xsd:date ;',
    ).replace(
        'sg:dateNote "As for s.14A."',
        'sg:dateNote "Only the year is known; 1 January stands for it."',
    )
    detail = _refused(tmp_path, BASE + duty)
    assert "gives 2010-01-01 as an exact day, but its date note says it is a stand-in" in detail


def test_an_exact_day_whose_note_doubts_it_is_refused(tmp_path: Path) -> None:
    # the defect class: "s.16M from 29 September 2019" where the note says "believed"
    duty = DUTY.replace(
        'sg:earliestStart "2009-11-12"^^xsd:date ; sg:latestStart "2010-04-01"^^xsd:date ;',
        'sg:validFrom "2010-04-01"^^xsd:date ;',
    ).replace('sg:dateNote "As for s.14A."', 'sg:dateNote "Believed in force 1 April 2010."')
    detail = _refused(tmp_path / "doubted", BASE + duty)
    assert "gives 2010-04-01 as an exact day, but its date note doubts it" in detail
    # a note that doubts something else (not the day) is no problem
    other = duty.replace(
        'sg:dateNote "Believed in force 1 April 2010."',
        'sg:dateNote "In force 1 April 2010 (S.I. number unverified)."',
    )
    build_store(_settings(tmp_path / "other", BASE + other))


EFFECT = """\
sgd:effect-test a sg:Effect ;
    rdfs:label "s.14A amended"@en ;
    sg:affects <https://www.legislation.gov.uk/ukpga/2004/31/section/14A> ;
    sg:effectType sg:amended ;
    sg:madeBy <https://www.legislation.gov.uk/ukpga/2009/22> ;
    sg:earliestStart "2010-04-02"^^xsd:date ; sg:latestStart "2011-01-01"^^xsd:date ;
    sg:dateNote "Between the two texts read." ;
    sg:source <https://www.legislation.gov.uk/ukpga/2004/31/section/14A> ;
    sg:verificationStatus sg:partlyVerified .
"""


def test_an_effect_within_its_dates_builds(tmp_path: Path) -> None:
    build_store(_settings(tmp_path, BASE + DUTY + EFFECT))


def test_an_effect_before_what_made_it_or_what_it_amends_is_refused(tmp_path: Path) -> None:
    early = EFFECT.replace('sg:earliestStart "2010-04-02"', 'sg:earliestStart "2009-06-01"')
    detail = _refused(tmp_path, BASE + DUTY + early)
    assert "[rule a3-effect-dates]" in detail
    assert "effect-test> may take effect from 2009-06-01, before" in detail
    assert "ukpga/2009/22> was enacted or made (2009-11-12)" in detail
    assert "before it came into force (2009-11-12)" in detail


def test_an_effect_missing_what_it_changed_is_refused_naming_the_field(tmp_path: Path) -> None:
    bare = EFFECT.replace(
        "    sg:affects <https://www.legislation.gov.uk/ukpga/2004/31/section/14A> ;\n", ""
    ).replace("    sg:effectType sg:amended ;\n", "")
    detail = _refused(tmp_path, BASE + DUTY + bare)
    assert "effect-test> has no sg:affects (the provision it changed)" in detail
    assert "has no sg:effectType" in detail


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # a statutory power worded "must": the modality makes it a duty too
        (("a sg:Duty ;", "a sg:Power ;"), "duty-test> is both a Duty and a Power (modality must)"),
        # "may" is a power or a commitment, never a duty
        (
            ("sg:modality sg:must ;", "sg:modality sg:may ;"),
            "duty-test> is a Duty with modality may, but a Duty's modality is one of: ",
        ),
        # "should" names two classes, so the data must say which
        (
            ("a sg:Duty ;", "a sg:DutyOrPower ;"),
            "duty-test> is a duty or power but none of sg:Duty",
        ),
    ],
    ids=["power-with-must", "duty-with-may", "no-class"],
)
def test_a_statement_whose_class_and_modality_disagree_is_refused(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    duty = DUTY.replace(*change)
    if change[0] == "a sg:Duty ;" and change[1] == "a sg:DutyOrPower ;":
        duty = duty.replace("sg:modality sg:must ;", "sg:modality sg:should ;")
    detail = _refused(tmp_path, BASE + duty)
    assert expected in detail
    assert "[rule g1-modality-agrees]" in detail
    assert "fix: make the class and sg:modality agree" in detail


def test_a_commitment_may_be_worded_should_or_may(tmp_path: Path) -> None:
    # the Merseyside protocol's information-sharing rules: "should consider", "can be shared"
    for modality in ("should", "may", "will"):
        duty = DUTY.replace("a sg:Duty ;", "a sg:Commitment ;").replace(
            "sg:modality sg:must ;", f"sg:modality sg:{modality} ;"
        )
        build_store(_settings(tmp_path / modality, BASE + duty))
