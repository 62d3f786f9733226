"""The data checks in queries/checks stop a build whose data breaks the conventions."""

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
"""

GOOD_DUTY = """\
sgd:duty-test a sg:Duty ;
    rdfs:label "Test duty"@en ;
    sg:action "Do the test." ;
    sg:bearer sgd:kind-youth-offending-team ;
    sg:legalBasis <https://www.legislation.gov.uk/ukpga/2003/44/section/325/3> ;
    sg:modality sg:must ;
    sg:validFrom "2004-04-05"^^xsd:date ;
    sg:source <https://www.legislation.gov.uk/ukpga/2003/44/section/325/3> ;
    sg:verificationStatus sg:verified .
<https://www.legislation.gov.uk/ukpga/2003/44/section/325/3> a sg:Provision ;
    rdfs:label "CJA 2003 s.325(3)"@en .
sgd:kind-youth-offending-team a sg:BodyKind ;
    rdfs:label "youth offending team"@en .
"""
# the kinds that the ontology's board classes name (sg:correspondingKind)
KINDS = "".join(
    f'sgd:kind-{k} a sg:BodyKind ; rdfs:label "{k}"@en .\n'
    for k in ("acpc", "lscb", "mappa-smb", "responsible-authority", "safeguarding-partnership")
)


def _home(tmp_path: Path, extra: str) -> Settings:
    home = tmp_path / "home"
    (home / "ontology").mkdir(parents=True)
    (home / "data").mkdir()
    shutil.copy(REPO / "ontology" / "sg.ttl", home / "ontology")
    (home / "data" / "test.ttl").write_text(PREFIXES + KINDS + extra, encoding="utf-8")
    return Settings.for_home(
        home,
        rules_dir=REPO / "queries" / "rules",
        checks_dir=REPO / "queries" / "checks",
        reason=False,
    )


def _problems(tmp_path: Path, extra: str) -> list[str]:
    settings = _home(tmp_path, extra)
    with pytest.raises(DataCheckError) as caught:
        build_store(settings)
    assert not settings.store_dir.exists(), "a failed check must not publish a store"
    return [line for line in (caught.value.detail or "").splitlines() if "data/test.ttl" in line]


def test_duty_without_bearer_is_refused_with_file_and_field(tmp_path: Path) -> None:
    duty = GOOD_DUTY.replace("    sg:bearer sgd:kind-youth-offending-team ;\n", "")
    problems = _problems(tmp_path, duty)
    assert any(
        "<https://w3id.org/safeguarding-kg/id/duty-test> has no sg:bearer" in p for p in problems
    ), problems


def test_dangling_reference_is_refused(tmp_path: Path) -> None:
    duty = GOOD_DUTY.replace(
        "sg:bearer sgd:kind-youth-offending-team", "sg:bearer sgd:kind-no-such-kind"
    )
    problems = _problems(tmp_path, duty)
    assert any("kind-no-such-kind> is referred to by" in p for p in problems), problems


def test_end_before_start_and_non_date_are_refused(tmp_path: Path) -> None:
    duty = (
        GOOD_DUTY.replace(
            'sg:validFrom "2004-04-05"^^xsd:date ;',
            'sg:validFrom "2004-04-05"^^xsd:date ; sg:validTo "2001-01-01"^^xsd:date ;',
        )
        + 'sgd:duty-test sg:documentDate "5 April 2004" .\n'
    )
    problems = _problems(tmp_path, duty)
    assert any("ends (2001-01-01) before it begins (2004-04-05)" in p for p in problems)
    assert any("documentDate is not an xsd:date: 5 April 2004" in p for p in problems)


def test_provision_needs_a_legislation_gov_uk_iri(tmp_path: Path) -> None:
    extra = GOOD_DUTY + 'sgd:made-up-section a sg:Provision ; rdfs:label "x"@en .\n'
    problems = _problems(tmp_path, extra)
    assert any("made-up-section> is legislation or a provision without" in p for p in problems)


def test_the_repository_data_passes_every_check(real_store: Settings) -> None:
    # real_store is built with the checks; reaching here means none failed
    assert real_store.store_dir.exists()


def test_good_data_passes(tmp_path: Path) -> None:
    settings = _home(tmp_path, GOOD_DUTY)
    build_store(settings)
    assert settings.store_dir.exists()
