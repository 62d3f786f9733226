"""docs/validation.md stays true: every rule is documented, its example validates, and
every term of ontology/validation.ttl is labelled and defined."""

from __future__ import annotations

import re

import pyoxigraph as ox

from kg.validation import Validator
from tests.validation.conftest import REPO

DOC = (REPO / "docs" / "validation.md").read_text(encoding="utf-8")


def test_every_rule_and_shape_is_in_the_table(validator: Validator) -> None:
    for shape in validator.shapes.by_node.values():
        info = shape.info
        if not info.rule_id:
            continue
        assert f"| {info.rule_id} |" in DOC, f"rule {info.rule_id} is not documented"
        assert info.severity and info.citation and info.fix and info.enforces, info.rule_id
        name = shape.node.value.rsplit("#", 1)[-1] if isinstance(shape.node, ox.NamedNode) else ""
        assert name and (name in DOC or name.split("-")[0] + "-*" in DOC), name


def test_the_full_example_validates_with_notes_only(validator: Validator) -> None:
    example = re.search(r"A full example.*?```yaml\n(.*?)```", DOC, re.S)
    assert example is not None
    report = validator.validate([("example.yaml", example.group(1).encode())])
    assert {f.rule for f in report.findings} == {"DTC-4"}


def test_every_frame_rule_is_in_its_table() -> None:
    from kg.validation.frame.compare import RULES

    table = DOC[DOC.index("### Rules and severities") :]
    for rule, (_title, severity) in RULES.items():
        assert f"| {rule} | {severity}" in table, rule


def test_the_full_example_against_the_frame(real_validator: Validator) -> None:
    example = re.search(r"A full example.*?```yaml\n(.*?)```", DOC, re.S)
    assert example is not None
    report = real_validator.validate([("example.yaml", example.group(1).encode())])
    frame = [f for f in report.findings if f.rule.startswith("FR-")]
    assert {(f.rule, f.severity) for f in frame} == {("FR-3", "warning")}
    assert sorted(f.message.split(" for ")[1].split(",")[0] for f in frame) == [
        "Liverpool",
        "Sefton",
        "St Helens",
        "Wirral",
    ]


def test_validation_ontology_terms_are_labelled_and_defined() -> None:
    triples = list(
        ox.parse(path=str(REPO / "ontology" / "validation.ttl"), format=ox.RdfFormat.TURTLE)
    )
    sgv = "https://w3id.org/safeguarding-kg/validation#"
    terms = {t.subject.value for t in triples if t.subject.value.startswith(sgv)}
    assert len(terms) >= 10
    for term in terms:
        predicates = {t.predicate.value for t in triples if t.subject.value == term}
        assert "http://www.w3.org/2000/01/rdf-schema#label" in predicates, term
        assert "http://www.w3.org/2004/02/skos/core#definition" in predicates, term


def test_the_readme_example_is_the_documented_one(validator: Validator) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    in_readme = re.search(r"## Validate an area.*?```yaml\n(.*?)```", readme, re.S)
    in_doc = re.search(r"A full example.*?```yaml\n(.*?)```", DOC, re.S)
    assert in_readme is not None and in_doc is not None
    assert in_readme.group(1) == in_doc.group(1)
