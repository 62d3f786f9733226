"""The validation report: one object for the CLI, the web page and library callers."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.validation.namespaces import PREFIXES, RDF_TYPE, RDFS, SGV, SH, XSD

SEVERITY_ORDER = {"violation": 0, "warning": 1, "info": 2}
#: Where the date of a validation came from, in words.
AS_AT_SOURCES = {
    "option": "as requested",
    "configuration": "the configuration's date",
    "today": "today; the configuration gives no date",
}
#: How each severity is named to a reader, one and many.
SEVERITY_NAMES = {
    "violation": ("violation", "violations"),
    "warning": ("warning", "warnings"),
    "info": ("note", "notes"),
}
SEVERITY_IRIS = {"violation": SH + "Violation", "warning": SH + "Warning", "info": SH + "Info"}


@dataclass(frozen=True)
class Provision:
    """A provision or clause a finding rests on: its address and how to cite it."""

    iri: str
    citation: str


@dataclass(frozen=True)
class Finding:
    """One problem, explained: what is wrong, where, why, and how to fix it."""

    rule: str
    title: str
    severity: str  # "violation", "warning" or "info"
    message: str
    fix: str
    provisions: tuple[Provision, ...]
    focus: str
    focus_label: str
    group: str
    group_label: str
    shape: str
    component: str
    path: str | None = None
    value: str | None = None
    value_label: str | None = None
    file: str | None = None
    line: int | None = None

    @property
    def where(self) -> str:
        if self.file is None:
            return self.focus_label
        return f"{self.file}:{self.line}" if self.line else self.file

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["provisions"] = [asdict(p) for p in self.provisions]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        fields["provisions"] = tuple(Provision(**p) for p in data.get("provisions", ()))
        return cls(**fields)

    @property
    def position(self) -> tuple[int, str, int]:
        """Where it is, for sorting: findings with a place in a file first, by file and line."""
        return (self.file is None, self.file or "", self.line or 0)


@dataclass
class ValidationReport:
    """The result of validating one configuration (one or more files) as at a date.

    ``conforms`` follows SHACL (no result of any severity); ``ok`` is what the exit
    code follows (no violation: warnings and notes are allowed).
    """

    as_at: date
    as_at_source: str  # "option", "configuration" or "today"
    sources: list[str]
    findings: list[Finding]
    reference_files: list[str] = field(default_factory=list)
    missing_reference: list[str] = field(default_factory=list)
    #: the standard SHACL validation report, as triples
    report_triples: list[ox.Triple] = field(default_factory=list, repr=False)
    seconds: float = 0.0

    @property
    def as_at_reason(self) -> str:
        return AS_AT_SOURCES.get(self.as_at_source, self.as_at_source)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def violations(self) -> int:
        return self.count("violation")

    @property
    def warnings(self) -> int:
        return self.count("warning")

    @property
    def infos(self) -> int:
        return self.count("info")

    @property
    def conforms(self) -> bool:
        return not self.findings

    @property
    def ok(self) -> bool:
        return self.violations == 0

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def summary(self) -> str:
        return ", ".join(_counted(self.count(s), s) for s in SEVERITY_NAMES)

    def headline(self) -> str:
        """How many problems, in a few words: "2 violations and 1 note", "No problems found"."""
        parts = [_counted(self.count(s), s) for s in SEVERITY_NAMES if self.count(s)]
        if not parts:
            return "No problems found"
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]

    def by_severity(self) -> list[tuple[str, list[Finding]]]:
        """Findings by severity (violations first), each ordered by file and line.

        Only the severities that occur; the order a reader should act in.
        """
        out: list[tuple[str, list[Finding]]] = []
        for severity in sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.__getitem__):
            found = sorted(
                (f for f in self.findings if f.severity == severity),
                key=lambda f: (*f.position, f.rule),
            )
            if found:
                out.append((severity, found))
        return out

    def groups(self) -> list[tuple[str, str, list[Finding]]]:
        """Findings grouped by body (group IRI, label, findings), in report order."""
        out: dict[str, tuple[str, str, list[Finding]]] = {}
        for finding in self.findings:
            out.setdefault(finding.group, (finding.group, finding.group_label, []))[2].append(
                finding
            )
        return list(out.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_at": self.as_at.isoformat(),
            "as_at_source": self.as_at_source,
            "sources": self.sources,
            "conforms": self.conforms,
            "ok": self.ok,
            "summary": {
                "violations": self.violations,
                "warnings": self.warnings,
                "infos": self.infos,
            },
            "reference_files": self.reference_files,
            "missing_reference": self.missing_reference,
            "findings": [f.to_dict() for f in self.findings],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ValidationReport:
        """The report from :meth:`to_dict` (or :func:`report_view`), without its triples."""
        return cls(
            as_at=date.fromisoformat(data["as_at"]),
            as_at_source=data["as_at_source"],
            sources=list(data["sources"]),
            findings=[Finding.from_dict(f) for f in data["findings"]],
            reference_files=list(data.get("reference_files", [])),
            missing_reference=list(data.get("missing_reference", [])),
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_turtle(self) -> str:
        prefixes = {k: PREFIXES[k] for k in ("sh", "sg", "sgd", "sgv", "sgs", "rdfs", "xsd")}
        data = ox.serialize(self.report_triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
        return data.decode("utf-8")


_SH = {
    name: ox.NamedNode(SH + name)
    for name in (
        "result",
        "ValidationResult",
        "focusNode",
        "resultSeverity",
        "sourceShape",
        "sourceConstraintComponent",
        "resultMessage",
        "resultPath",
        "value",
    )
}


def _counted(count: int, severity: str) -> str:
    one, many = SEVERITY_NAMES[severity]
    return f"{count} {one if count == 1 else many}"


def shacl_report_triples(
    findings_with_terms: list[tuple[Finding, Any]], shapes_triples: list[ox.Triple], as_at: date
) -> list[ox.Triple]:
    """The standard ``sh:ValidationReport`` for the results."""
    report = ox.BlankNode()
    triples = [
        ox.Triple(report, RDF_TYPE, ox.NamedNode(SH + "ValidationReport")),
        ox.Triple(
            report,
            ox.NamedNode(SH + "conforms"),
            ox.Literal(
                "false" if findings_with_terms else "true", datatype=ox.NamedNode(XSD + "boolean")
            ),
        ),
        ox.Triple(
            report,
            ox.NamedNode(SGV + "asAt"),
            ox.Literal(as_at.isoformat(), datatype=ox.NamedNode(XSD + "date")),
        ),
    ]
    copied: set[ox.BlankNode] = set()
    # the terms every result repeats, made once (thousands of results in a large upload)
    has_result, focus_node, severity_of = _SH["result"], _SH["focusNode"], _SH["resultSeverity"]
    source_shape, component_of = _SH["sourceShape"], _SH["sourceConstraintComponent"]
    message_of, path_of, value_of = _SH["resultMessage"], _SH["resultPath"], _SH["value"]
    result_class, see_also = _SH["ValidationResult"], ox.NamedNode(RDFS + "seeAlso")
    severities = {k: ox.NamedNode(v) for k, v in SEVERITY_IRIS.items()}
    components: dict[str, ox.NamedNode] = {}
    add = triples.append
    for finding, result in findings_with_terms:
        node = ox.BlankNode()
        add(ox.Triple(report, has_result, node))
        add(ox.Triple(node, RDF_TYPE, result_class))
        add(ox.Triple(node, focus_node, result.focus))
        add(ox.Triple(node, severity_of, severities[finding.severity]))
        add(ox.Triple(node, source_shape, result.shape.node))
        component = components.get(result.component)
        if component is None:
            component = components[result.component] = ox.NamedNode(result.component)
        add(ox.Triple(node, component_of, component))
        add(ox.Triple(node, message_of, ox.Literal(finding.message, language="en")))
        if result.path is not None:
            add(ox.Triple(node, path_of, result.path))
            if isinstance(result.path, ox.BlankNode) and result.path not in copied:
                triples.extend(_reachable(result.path, shapes_triples))
                copied.add(result.path)
        if result.value is not None:
            add(ox.Triple(node, value_of, result.value))
        for provision in finding.provisions:
            if provision.iri.startswith(("http://", "https://")):
                add(ox.Triple(node, see_also, ox.NamedNode(provision.iri)))
    return triples


def _reachable(start: ox.BlankNode, triples: list[ox.Triple]) -> list[ox.Triple]:
    out = []
    todo = [start]
    seen = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for t in triples:
            if t.subject == node:
                out.append(t)
                if isinstance(t.object, ox.BlankNode):
                    todo.append(t.object)
    return out


def report_view(report: ValidationReport) -> dict[str, Any]:
    """The report as plain data for a page or JSON: findings grouped, summary in words.

    Plain data so that it can come back from a worker process (kg.endpoint.workers).
    """
    data = report.to_dict()
    data["reference_files"] = [Path(f).name for f in data.get("reference_files", [])]
    data["summary_text"] = report.summary()
    data["headline"] = report.headline()
    data["as_at_reason"] = report.as_at_reason
    data["groups"] = [
        {"group": g, "label": label, "findings": [f.to_dict() | {"where": f.where} for f in fs]}
        for g, label, fs in report.groups()
    ]
    data["sections"] = [
        {
            "severity": severity,
            "id": SEVERITY_NAMES[severity][1],
            "label": SEVERITY_NAMES[severity][1 if len(fs) != 1 else 0].capitalize(),
            "count": len(fs),
            "findings": [f.to_dict() | {"where": f.where} for f in fs],
        }
        for severity, fs in report.by_severity()
    ]
    return data


#: The keys :func:`report_view` adds for display; the report itself is the rest.
VIEW_KEYS = ("summary_text", "headline", "as_at_reason", "groups", "sections")
