"""The catalogue of validation rules: each code, what it checks in words, its severity,
the provision it rests on and how to fix a finding.

Read from the shapes themselves (``sgv:ruleId``, ``rdfs:label``, ``sh:severity``,
``sgv:citation``, ``sgv:enforces``, ``sgv:fix``) and from the comparison with the
statutory frame (:data:`kg.validation.frame.compare.RULES`), so that the page that
explains a code cannot drift from the report that uses it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.validation.shapes import Shapes

#: Where a rule comes from, in the order the catalogue lists them.
SOURCES = {
    "shapes": "Checked against the statute and the area's own protocols",
    "frame": "Compared with the statutory frame of the area",
}


@dataclass
class Rule:
    """One rule code and everything a reader needs to act on it."""

    code: str
    title: str
    severity: str  # "violation", "warning" or "info"
    source: str  # a key of SOURCES
    checks: list[str] = field(default_factory=list)  # each shape's own words, when several
    citation: str = ""
    enforces: list[str] = field(default_factory=list)
    fix: str = ""

    @property
    def anchor(self) -> str:
        return f"rule-{self.code}"

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "anchor": self.anchor,
            "title": self.title,
            "severity": self.severity,
            "source": self.source,
            "checks": self.checks,
            "citation": self.citation,
            "enforces": self.enforces,
            "fix": self.fix,
        }


def _code_key(code: str) -> tuple[str, int]:
    prefix, _, number = code.rpartition("-")
    return (prefix, int(number)) if number.isdigit() else (code, 0)


def rule_catalogue(shapes: Shapes) -> list[Rule]:
    """Every rule the validator reports, by code (the shapes', then the frame's)."""
    from kg.validation.frame.compare import RULES as FRAME_RULES

    by_code: dict[str, Rule] = {}
    # node shapes first, so that a rule's title is its node shape's where it has one
    nodes = sorted(
        (s for s in shapes.by_node.values() if s.info.rule_id and not s.deactivated),
        key=lambda s: (s.path is not None, str(s.node)),
    )
    for shape in nodes:
        info = shape.info
        rule = by_code.get(info.rule_id)
        if rule is None:
            rule = by_code[info.rule_id] = Rule(
                code=info.rule_id,
                title=info.title,
                severity=info.severity,
                source="shapes",
                citation=info.citation,
                enforces=list(info.enforces),
                fix=info.fix,
            )
        if info.title and info.title not in rule.checks:
            rule.checks.append(info.title)
        for iri in info.enforces:
            if iri not in rule.enforces:
                rule.enforces.append(iri)
    for rule in by_code.values():
        if len(rule.checks) == 1:
            rule.checks = []  # the title says it all
    shaped = sorted(by_code.values(), key=lambda r: _code_key(r.code))
    framed = [
        Rule(code=code, title=title, severity=severity, source="frame")
        for code, (title, severity) in sorted(FRAME_RULES.items(), key=lambda kv: _code_key(kv[0]))
    ]
    return shaped + framed
