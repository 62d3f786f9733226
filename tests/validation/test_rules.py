"""The rule catalogue (the web's rules page) and the report's order by severity."""

from __future__ import annotations

from kg.validation import Validator
from kg.validation.frame.compare import RULES as FRAME_RULES
from kg.validation.report import Finding, ValidationReport
from kg.validation.rules import rule_catalogue
from tests.validation.helpers import BASE_CONFIG, run


def test_the_catalogue_has_every_rule_the_shapes_and_the_frame_report(
    validator: Validator,
) -> None:
    rules = {r.code: r for r in rule_catalogue(validator.shapes)}
    shaped = {s.info.rule_id for s in validator.shapes.by_node.values() if s.info.rule_id}
    assert set(rules) == shaped | set(FRAME_RULES)
    for rule in rules.values():
        assert rule.title and rule.severity in ("violation", "warning", "info"), rule.code
        assert rule.anchor == f"rule-{rule.code}"
    for code, (title, severity) in FRAME_RULES.items():
        assert (rules[code].title, rules[code].severity, rules[code].source) == (
            title,
            severity,
            "frame",
        )
    # a rule that several shapes check lists each check in the shapes' own words
    labels = {s.info.title for s in validator.shapes.by_node.values() if s.info.rule_id == "ST-5"}
    assert len(labels) > 1 and set(rules["ST-5"].checks) == labels
    assert rules["RA-1"].checks == []  # one shape: its title says it
    assert "https://www.legislation.gov.uk/ukpga/2003/44/section/325/1" in rules["RA-1"].enforces


def test_the_catalogue_lists_codes_in_natural_order(validator: Validator) -> None:
    codes = [r.code for r in rule_catalogue(validator.shapes)]
    assert codes.index("ST-2") < codes.index("ST-10" if "ST-10" in codes else "ST-9")
    assert codes[-len(FRAME_RULES) :] == sorted(FRAME_RULES)


def _finding(rule: str, severity: str, file: str | None, line: int | None) -> Finding:
    return Finding(
        rule=rule,
        title=rule,
        severity=severity,
        message="m",
        fix="",
        provisions=(),
        focus="x",
        focus_label="x",
        group="g",
        group_label="g",
        shape="s",
        component="c",
        file=file,
        line=line,
    )


def test_findings_by_severity_then_file_position() -> None:
    from datetime import date

    report = ValidationReport(
        as_at=date(2017, 8, 1),
        as_at_source="option",
        sources=["a.yaml", "b.yaml"],
        findings=[
            _finding("N-1", "info", "a.yaml", 1),
            _finding("W-1", "warning", "b.yaml", 2),
            _finding("V-1", "violation", None, None),
            _finding("W-2", "warning", "a.yaml", 30),
            _finding("V-2", "violation", "a.yaml", 9),
            _finding("W-3", "warning", "a.yaml", 4),
        ],
    )
    order = [(s, [f.rule for f in fs]) for s, fs in report.by_severity()]
    assert order == [
        ("violation", ["V-2", "V-1"]),  # a finding with no place in a file comes last
        ("warning", ["W-3", "W-2", "W-1"]),
        ("info", ["N-1"]),
    ]
    assert report.headline() == "2 violations, 3 warnings and 1 note"
    assert ValidationReport.from_dict(report.to_dict()).to_dict() == report.to_dict()


def test_headline_counts_only_what_there_is(validator: Validator) -> None:
    report = run(validator, BASE_CONFIG)
    assert report.violations == report.warnings == 0 and report.infos > 1
    assert report.headline() == f"{report.infos} notes"
    report.findings = []
    assert report.headline() == "No problems found"
