"""The comparison with the statutory frame of an area (docs/validation.md, "The statutory
frame"): real configurations against the frame of a store built from the repository's
data (``frame_store``), as ``kg validate`` reads it."""

from __future__ import annotations

import copy
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from kg.validation import ValidationReport, Validator
from kg.validation.frame import StoreFrame
from kg.validation.frame.source import BOARD, PARTNERSHIP
from kg.validation.reference import default_reference
from tests.validation.conftest import REPO

SGD = "https://w3id.org/safeguarding-kg/id/"
CUMBRIA_FILE = REPO / "examples" / "cumbria-2017.yaml"
CUMBRIA: dict[str, Any] = yaml.safe_load(CUMBRIA_FILE.read_text(encoding="utf-8"))
LONDON: dict[str, Any] = yaml.safe_load(
    (REPO / "examples" / "london-2004.yaml").read_text(encoding="utf-8")
)
MERSEYSIDE: dict[str, Any] = yaml.safe_load(
    (REPO / "examples" / "merseyside-2017.yaml").read_text(encoding="utf-8")
)
WELSH_AREAS = ("dyfed-powys", "gwent", "north-wales", "south-wales")
CARLISLE_MESSAGE = (
    "Cumbria: the configuration has no duty-to-co-operate entry for Carlisle council as local "
    "housing authority (Criminal Justice Act 2003 s.325(6)(d)), which the statute expects on "
    "1 August 2017."
)


def run(validator: Validator, data: dict[str, Any], as_at: str | None = None) -> ValidationReport:
    payload = yaml.safe_dump(data, sort_keys=False).encode("utf-8")
    when = date.fromisoformat(as_at) if as_at else None
    return validator.validate([("area.yaml", payload)], as_at=when)


def frame(report: ValidationReport) -> list[tuple[str, str, str]]:
    """(rule, severity, message) of the frame's findings."""
    return sorted((f.rule, f.severity, f.message) for f in report.findings if f.rule[:3] == "FR-")


def body(data: dict[str, Any], ident: str) -> dict[str, Any]:
    return next(b for b in data["bodies"] if b["id"] == ident)


def cumbria(carlisle: dict[str, Any] | None = None, listed: bool = True) -> dict[str, Any]:
    """The Cumbria example, with Carlisle's entry changed and (by default) in the list."""
    data = copy.deepcopy(CUMBRIA)
    entry = body(data, "carlisle")
    for key, value in (carlisle or {}).items():
        if value is None:
            entry.pop(key, None)
        else:
            entry[key] = value
    if listed:
        data["responsible_authority"]["duty_to_cooperate"].append("carlisle")
    return data


# -- the Cumbria example ------------------------------------------------------------------


def test_cumbria_example_names_carlisle_as_housing_authority(real_validator: Validator) -> None:
    report = real_validator.validate([str(CUMBRIA_FILE)])
    assert report.as_at == date(2017, 8, 1) and report.exit_code == 0
    [finding] = report.findings
    assert finding.rule == "FR-2" and finding.severity == "warning"
    assert finding.message == CARLISLE_MESSAGE
    assert finding.fix == (
        f"Add Carlisle City Council ({CUMBRIA_FILE}:33), the configuration's body for Carlisle "
        "council, to the responsible authority's duty_to_cooperate list."
    )
    assert [(p.iri, p.citation) for p in finding.provisions] == [
        (
            "https://www.legislation.gov.uk/ukpga/2003/44/section/325/6/d",
            "Criminal Justice Act 2003 s.325(6)(d)",
        )
    ]
    assert finding.value == SGD + "council-carlisle" and finding.value_label == "Carlisle council"
    assert finding.group_label == "Cumbria MAPPA responsible authority"
    assert (finding.file, finding.line) == (str(CUMBRIA_FILE), 63)
    assert report.summary() == "0 violations, 1 warning, 0 notes"


def test_the_frame_finding_is_in_every_output(real_validator: Validator) -> None:
    report = real_validator.validate([str(CUMBRIA_FILE)])
    assert report.to_dict()["findings"][0]["value"] == SGD + "council-carlisle"
    turtle = report.to_turtle()
    assert "sgs:StatutoryFrame" in turtle and "sgd:council-carlisle" in turtle
    assert "section/325/6/d" in turtle


def test_listing_carlisle_leaves_nothing_to_report(real_validator: Validator) -> None:
    report = run(real_validator, cumbria())
    assert report.findings == []


# -- how a configuration's body is recognised -----------------------------------------------


@pytest.mark.parametrize(
    "carlisle",
    [
        # by name, without an area (the geography calls it "Carlisle council")
        {"label": "Carlisle City Council", "area": None},
        {"label": "CARLISLE CITY COUNCIL (housing)", "area": None},
        # a shire district council is a local housing authority (skos:broader)
        {"kind": "district-council", "area": "carlisle"},
        {"kind": "local-housing-authority", "area": "carlisle", "label": "Housing Services"},
        # by IRI
        {"label": "Housing Services", "area": None, "same_as": "sgd:council-carlisle"},
    ],
)
def test_carlisle_recognised(real_validator: Validator, carlisle: dict[str, Any]) -> None:
    assert frame(run(real_validator, cumbria(carlisle))) == []


def test_other_wording_is_not_carlisle(real_validator: Validator) -> None:
    report = run(real_validator, cumbria({"label": "The City Council", "area": None}))
    assert frame(report) == [("FR-2", "warning", CARLISLE_MESSAGE)]


def test_a_council_of_the_wrong_kind_is_named_as_a_near_miss(real_validator: Validator) -> None:
    report = run(real_validator, cumbria({"kind": "local-authority"}))
    [finding] = [f for f in report.findings if f.rule == "FR-2"]
    assert finding.message == CARLISLE_MESSAGE
    dumped = yaml.safe_dump(cumbria({"kind": "local-authority"}), sort_keys=False)
    line = dumped.splitlines().index("- id: carlisle") + 1
    assert finding.fix.endswith(
        f" Carlisle City Council (area.yaml:{line}) is in the list with the area or name of "
        "Carlisle council, but is recorded as local authority, and Carlisle council is district "
        "council and local housing authority: if they are the same body, correct its kind."
    )


def test_a_mistyped_same_as_is_noted(real_validator: Validator) -> None:
    report = run(
        real_validator,
        cumbria({"label": "Housing Services", "area": None, "same_as": "sgd:council-carlise"}),
    )
    assert ("FR-2", "warning", CARLISLE_MESSAGE) in frame(report)
    [note] = [f for f in report.findings if f.rule == "FR-0"]
    assert note.message == (
        "Housing Services is the same as sgd:council-carlise, which is no body or board of the "
        "statutory frame of Cumbria, so it was compared by its kind, area and name instead."
    )


def test_the_county_council_does_not_stand_for_the_district_housing_authorities(
    real_validator: Validator,
) -> None:
    data = cumbria(listed=False)
    body(data, "cumbria-county-council")["kinds"].append("local-housing-authority")
    districts = ("allerdale", "barrow", "copeland", "eden", "south-lakeland")
    dtc = data["responsible_authority"]["duty_to_cooperate"]
    data["responsible_authority"]["duty_to_cooperate"] = [x for x in dtc if x not in districts]
    named = {f.value_label for f in run(real_validator, data).findings if f.rule == "FR-2"}
    assert named == {
        "Allerdale council",
        "Barrow-in-Furness council",
        "Carlisle council",
        "Copeland council",
        "Eden council",
        "South Lakeland council",
    }
    # a body for the whole MAPPA area, of that kind, stands for all six
    data["bodies"].append(
        {
            "id": "housing",
            "label": "Cumbria housing authorities",
            "kind": "local-housing-authority",
            "area": "cumbria",
        }
    )
    data["responsible_authority"]["duty_to_cooperate"].append("housing")
    assert frame(run(real_validator, data)) == []


def test_london_has_two_police_forces(real_validator: Validator) -> None:
    data = copy.deepcopy(LONDON)
    data["responsible_authority"]["members"].remove("city-of-london-police")
    report = run(real_validator, data)
    [missing] = [f for f in report.findings if f.rule == "FR-1"]
    assert missing.severity == "violation" and report.exit_code == 1
    assert missing.message == (
        "London: the responsible authority has no member for City of London Police (as chief "
        "officer of police), which Criminal Justice Act 2003 s.325(1) names on 14 July 2004."
    )
    assert missing.value == SGD + "police-force-city-of-london"
    # the kind is there (the Metropolitan Police): RA-1 finds nothing
    assert "RA-1" not in {f.rule for f in report.findings}


def test_london_police_forces_as_one_body_stand_for_both(real_validator: Validator) -> None:
    data = copy.deepcopy(LONDON)
    data["bodies"].append(
        {
            "id": "forces",
            "label": "The London police forces",
            "kind": "chief-officer-of-police",
            "area": "london",
        }
    )
    data["responsible_authority"]["members"] = [
        "forces",
        "london-probation-board",
        "hm-prison-service",
    ]
    assert "FR-1" not in {f.rule for f in run(real_validator, data).findings}


def test_a_gap_a_shape_reports_is_reported_once(real_validator: Validator) -> None:
    data = copy.deepcopy(LONDON)
    data["responsible_authority"]["members"] = ["london-probation-board", "hm-prison-service"]
    rules = [f.rule for f in run(real_validator, data).findings]
    assert rules.count("RA-1") == 1 and "FR-1" not in rules


# -- Wales ----------------------------------------------------------------------------------


@pytest.mark.parametrize("area", WELSH_AREAS)
def test_no_welsh_area_is_expected_to_have_an_lscb_or_safeguarding_partners(
    frame_store: Path, area: str
) -> None:
    welsh = StoreFrame(frame_store).frame(f"{SGD}mappa-area-{area}")
    assert welsh.expectations, "the MAPPA part is derived for Wales too"
    assert {e.part for e in welsh.expectations} == {"mappa"}
    assert not [e for e in welsh.expectations if e.part in (BOARD, PARTNERSHIP)]


DYFED_POWYS: dict[str, Any] = {
    "configuration": "dyfed-powys-2017",
    "title": "Dyfed-Powys MAPPA arrangements",
    "area": "dyfed-powys",
    "date": "2017-08-01",
    "bodies": [
        {"id": "police", "label": "Dyfed-Powys Police", "kind": "chief-officer-of-police"},
        {
            "id": "nps",
            "label": "National Probation Service (Wales)",
            "kinds": ["national-probation-service", "secretary-of-state-probation"],
        },
        {"id": "prisons", "label": "HM Prison and Probation Service", "kind": "prisons-minister"},
        {
            "id": "councils",
            "label": "Dyfed-Powys councils",
            "kinds": [
                "local-authority",
                "local-education-authority",
                "local-housing-authority",
                "social-services-authority",
            ],
            "area": "dyfed-powys",
        },
        {"id": "lscb", "label": "A board called an LSCB", "kind": "local-health-board"},
    ],
    "responsible_authority": {
        "id": "ra",
        "members": ["police", "nps", "prisons"],
        "duty_to_cooperate": ["councils"],
    },
}


@pytest.mark.parametrize("as_at", ["2010-01-01", "2017-08-01", "2020-01-01"])
def test_a_welsh_configuration_is_compared_with_welsh_law_only(
    real_validator: Validator, as_at: str
) -> None:
    report = run(real_validator, DYFED_POWYS, as_at)
    rules = {f.rule for f in report.findings}
    assert not rules & {"FR-3", "FR-4", "FR-5"}
    assert not [f for f in report.findings if "LSCB" in f.message or "safeguarding" in f.message]
    # one body for the four councils: "Dyfed-Powys" names its own area, not Powys
    assert "FR-2" not in rules
    assert "FR-1" not in rules


# -- dates ----------------------------------------------------------------------------------


def test_a_board_only_possibly_in_force_is_a_warning_that_names_the_dates(
    real_validator: Validator,
) -> None:
    report = run(real_validator, cumbria(), "2019-01-01")
    [gap] = [f for f in report.findings if f.rule == "FR-4"]
    assert gap.severity == "warning"
    assert gap.message == (
        "Cumbria: the configuration has no safeguarding partnership for Cumbria, whose "
        "safeguarding partners must make arrangements under Children Act 2004 s.16E on "
        "1 January 2019. The statute expects it only possibly on that date (Cumbria "
        "safeguarding partnership: began between 29 June 2018 and 29 September 2019 (date not "
        "yet confirmed)), so this is a warning: check the dates before acting on it."
    )


def test_a_member_only_possibly_in_force_is_a_warning_not_a_violation(
    real_validator: Validator,
) -> None:
    data = copy.deepcopy(LONDON)
    data["date"] = "2024-06-01"  # the forces are confirmed until 31 December 2023
    data["bodies"][2]["kind"] = "probation-service"
    data["responsible_authority"]["members"].remove("city-of-london-police")
    [gap] = [f for f in run(real_validator, data).findings if f.rule == "FR-1"]
    assert gap.severity == "warning"
    assert "City of London Police" in gap.message
    assert "still in existence as at 31 December 2023" in gap.message


def test_after_lscbs_the_partnership_is_expected_and_a_shape_reports_it_once(
    real_validator: Validator,
) -> None:
    report = run(real_validator, cumbria(), "2020-01-01")
    rules = [f.rule for f in report.findings]
    # SP-1 (a violation: the county council is recorded) says it; FR-4 does not repeat it
    assert "SP-1" in rules and "FR-4" not in rules
    assert "FR-3" not in rules  # no LSCB is expected after 29 September 2019


def test_a_partnership_with_another_area_s_police_force(real_validator: Validator) -> None:
    data = cumbria()
    data["date"] = "2020-01-01"
    data["bodies"].append(
        {"id": "lancashire", "label": "Lancashire Constabulary", "kind": "chief-officer-of-police"}
    )
    data["boards"] = [b for b in data["boards"] if b["type"] != "lscb"] + [
        {
            "id": "partnership",
            "type": "safeguarding-partnership",
            "label": "Cumbria Safeguarding Children Partnership",
            "area": "cumbria-county",
            "members": ["cumbria-county-council", "north-cumbria-ccg", "lancashire"],
        }
    ]
    report = run(real_validator, data)
    # SP-2 is satisfied (a chief officer of police is a partner), the frame is not
    assert "SP-2" not in {f.rule for f in report.findings}
    [gap] = [f for f in report.findings if f.rule == "FR-5"]
    assert gap.severity == "violation" and report.exit_code == 1
    assert gap.message == (
        "Cumbria: the safeguarding partnership has no partner Cumbria police force (as chief "
        "officer of police), which Children Act 2004 s.16E(3)(c) names on 1 January 2020."
    )
    assert gap.group_label == "Cumbria Safeguarding Children Partnership"
    # without any police force, SP-2 reports the kind, and the frame does not repeat it
    data["boards"][-1]["members"].remove("lancashire")
    rules = [f.rule for f in run(real_validator, data).findings]
    assert "SP-2" in rules and "FR-5" not in rules


# -- the seeds' Merseyside configuration ----------------------------------------------------


def test_merseyside_is_compared_but_its_councils_only_by_kind(real_validator: Validator) -> None:
    """The seed records Merseyside's councils only as local authorities, so the frame
    expects their education, housing and social services functions by kind (derive-3),
    which the configuration's bodies for all the councils fill; its police force is the
    seed's (same IRI), its five LSCBs the seed's. At its date nothing is missing."""
    report = run(real_validator, MERSEYSIDE)
    assert frame(report) == []
    without = copy.deepcopy(MERSEYSIDE)
    without["boards"] = [b for b in without["boards"] if b["id"] != "knowsley-lscb"]
    without["protocols"][0]["parties"].remove("knowsley-lscb")
    without["protocols"][0]["liaison_roles"][0]["on_behalf_of"].remove("knowsley-lscb")
    without["people"][1]["post"].pop("in")
    assert frame(run(real_validator, without)) == [
        (
            "FR-3",
            "warning",
            "Merseyside: the configuration has no Local Safeguarding Children Board for "
            "Knowsley, to be established by Knowsley Metropolitan Borough Council, which "
            "Children Act 2004 s.13(1) requires on 1 August 2017.",
        )
    ]


def test_merseyside_without_the_police(real_validator: Validator) -> None:
    data = copy.deepcopy(MERSEYSIDE)
    data["responsible_authority"]["members"].remove("merseyside-police")
    rules = [f.rule for f in run(real_validator, data).findings]
    assert "RA-1" in rules and "FR-1" not in rules


# -- parts not compared, and no store ------------------------------------------------------


def test_parts_the_configuration_does_not_describe_are_noted(real_validator: Validator) -> None:
    data = cumbria()
    data["boards"] = [b for b in data["boards"] if b["type"] != "lscb"]
    assert frame(run(real_validator, data)) == [
        (
            "FR-0",
            "info",
            "Cumbria: the configuration records no LSCB or safeguarding partnership, so the 1 "
            "the statute expects (Cumbria Local Safeguarding Children Board) on 1 August 2017 "
            "were not compared with it.",
        )
    ]
    del data["responsible_authority"]
    data["boards"] = []
    notes = frame(run(real_validator, data))
    assert [rule for rule, _, _ in notes] == ["FR-0", "FR-0"]
    assert "records no responsible authority" in notes[1][2]


def test_without_a_built_store_the_report_says_so(tmp_path: Path) -> None:
    validator = Validator(reference=default_reference(REPO), frame=StoreFrame(tmp_path / "none"))
    report = validator.validate([str(CUMBRIA_FILE)])
    assert report.exit_code == 0
    [note] = report.findings
    assert (note.rule, note.severity) == ("FR-0", "info")
    assert note.message == (
        "The configuration was not compared with the statutory frame of its area: there is no "
        f"built store at {tmp_path / 'none'}."
    )
    assert "kg build" in note.fix


def test_same_as_must_be_an_address(real_validator: Validator) -> None:
    from kg.validation import ConfigurationError

    with pytest.raises(ConfigurationError) as info:
        run(real_validator, cumbria({"same_as": "council carlisle"}))
    assert re.fullmatch(
        r"area\.yaml:\d+:\d+: bodies\[7\]\.same_as: 'council carlisle' is not an http\(s\) address",
        str(info.value),
    )


def test_a_turtle_configuration_with_blank_node_bodies(real_validator: Validator) -> None:
    text = """
@prefix sg: <https://w3id.org/safeguarding-kg/ontology#> .
@prefix sgd: <https://w3id.org/safeguarding-kg/id/> .
@prefix sgv: <https://w3id.org/safeguarding-kg/validation#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix : <https://example.org/cumbria/> .

:config a sgv:AreaConfiguration ; rdfs:label "Cumbria" ; sg:area sgd:mappa-area-cumbria ;
    sg:documentDate "2017-08-01"^^xsd:date .
:ra a sg:ResponsibleAuthority ; rdfs:label "Cumbria RA" ; sg:area sgd:mappa-area-cumbria .
:dtc a sg:RoleAssignment ; rdfs:label "Carlisle as DTC" ; sg:role sg:dutyToCooperateBody ;
    sg:context :ra ;
    sg:holder [ a sg:Body ; rdfs:label "Carlisle City Council" ;
                sg:ofKind sgd:kind-district-council ] .
"""
    report = real_validator.validate([("area.ttl", text.encode())])
    dtc = {f.value_label for f in report.findings if f.rule == "FR-2" and "council" in f.message}
    assert "Carlisle council" not in dtc
    assert {"Allerdale council", "Cumbria county council"} <= dtc
    assert all(f.file == "area.ttl" for f in report.findings if f.rule == "FR-2")


@pytest.mark.parametrize("area", [None, "cumbria", "cumbria-county"])
def test_the_police_force_by_name_whatever_area_it_gives(
    real_validator: Validator, area: str | None
) -> None:
    """ "Cumbria Constabulary" is Cumbria's force by name; given the MAPPA area it stands
    for the area's one force; given the county's area (not its police area) its name still
    says which force it is."""
    data = cumbria()
    police = body(data, "cumbria-constabulary")
    if area is None:
        police.pop("area", None)
    else:
        police["area"] = area
    assert "FR-1" not in {f.rule for f in run(real_validator, data).findings}
