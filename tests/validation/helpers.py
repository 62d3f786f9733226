"""Building test configurations: a complete, conforming Merseyside 2017 base in YAML."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import yaml

from kg.validation import ValidationReport, Validator

BASE = "https://w3id.org/safeguarding-kg/id/test/"
SGS = "https://w3id.org/safeguarding-kg/shapes#"

#: A configuration that meets every rule as at 2017-08-01 (except the DTC-4 notes,
#: which list the s.325(6) kinds it does not name).
BASE_CONFIG: dict[str, Any] = {
    "configuration": "test",
    "title": "Test area",
    "area": "merseyside",
    "date": "2017-08-01",
    "base": BASE,
    "bodies": [
        {"id": "police", "label": "Merseyside Police", "kind": "chief-officer-of-police"},
        {
            "id": "nps",
            "label": "National Probation Service",
            "kinds": ["national-probation-service", "secretary-of-state-probation"],
        },
        {"id": "prisons", "label": "HM Prison Service", "kind": "prisons-minister"},
        {
            "id": "council",
            "label": "Knowsley Council",
            "kind": "local-authority",
            "area": "knowsley",
        },
        {"id": "yot", "label": "Knowsley YOT", "kind": "youth-offending-team", "area": "knowsley"},
        {"id": "ccg", "label": "Knowsley CCG", "kind": "clinical-commissioning-group"},
        {"id": "nhse", "label": "NHS England", "kind": "nhs-commissioning-board"},
        {"id": "cafcass", "label": "Cafcass", "kind": "cafcass"},
    ],
    "people": [
        {"id": "rep", "name": "A Representative", "post": {"title": "Board Manager", "in": "lscb"}},
        {"id": "adviser-1", "name": "First Adviser"},
        {"id": "adviser-2", "name": "Second Adviser"},
    ],
    "responsible_authority": {
        "id": "ra",
        "label": "Test responsible authority",
        "members": ["police", "nps", "prisons"],
        "duty_to_cooperate": ["yot", "ccg"],
        "lay_advisers": [{"person": "adviser-1"}, {"person": "adviser-2"}],
        "annual_reports": [
            {"year": "2015-16", "published": "2016-10-01"},
            {"year": "2016-17", "published": "2017-07-01"},
        ],
    },
    "boards": [
        {"id": "smb", "type": "smb", "label": "Test SMB", "established_by": "ra"},
        {
            "id": "lscb",
            "type": "lscb",
            "label": "Knowsley LSCB",
            "area": "knowsley",
            "established_by": "council",
            "members": ["police", "nps", "yot", "ccg", "nhse", "cafcass"],
        },
    ],
    "protocols": [
        {
            "id": "protocol",
            "title": "Test protocol",
            "parties": ["smb", "lscb"],
            "adopted": "2017-08-01",
            "review_within_months": 12,
            "review_due": "2018-08-01",
            "liaison_roles": [
                {
                    "id": "liaison",
                    "label": "LSCB representative",
                    "sits_on": "smb",
                    "holders": ["rep"],
                }
            ],
            "information_sharing": [
                {"label": "Mark information under GSC", "marking_scheme": "gsc"}
            ],
        }
    ],
}


def config(**changes: Any) -> dict[str, Any]:
    """A deep copy of the base configuration with top-level keys replaced."""
    data = copy.deepcopy(BASE_CONFIG)
    data.update(changes)
    return data


def dump(data: dict[str, Any]) -> bytes:
    return yaml.safe_dump(data, sort_keys=False).encode("utf-8")


def run(
    validator: Validator,
    data: dict[str, Any] | bytes,
    as_at: str | None = None,
    name: str = "test.yaml",
) -> ValidationReport:
    payload = data if isinstance(data, bytes) else dump(data)
    return validator.validate([(name, payload)], as_at=date.fromisoformat(as_at) if as_at else None)


def local(iri: str) -> str:
    for prefix in (BASE, SGS, "https://w3id.org/safeguarding-kg/id/"):
        if iri.startswith(prefix):
            return iri[len(prefix) :]
    return iri


def results(report: ValidationReport, rule: str | None = None) -> set[tuple[str, str, str]]:
    """(shape, focus node, severity) of each finding, with short names."""
    return {
        (local(f.shape), local(f.focus), f.severity)
        for f in report.findings
        if rule is None or f.rule == rule
    }
