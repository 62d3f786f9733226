"""Validate configurations: read them, build the data graph, run the shapes, explain,
and compare them with the statutory frame of their area.

The data graph of one validation is a fresh in-memory pyoxigraph store holding the
reference quads (parsed once per process), the configuration and a validation
context ``[] a sgv:ValidationContext ; sgv:asAt "YYYY-MM-DD"^^xsd:date``. The frame
(what the statute expects in the area, as the build derived it) is read from the
built store (:mod:`kg.validation.frame`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from os import PathLike
from pathlib import Path
from typing import Literal

import pyoxigraph as ox

from kg.validation.closure import Tables
from kg.validation.engine import Result, run_shapes, term_text
from kg.validation.frame import FrameResult, FrameSource, default_frame, frame_findings
from kg.validation.inputs import ConfigurationError, Limits, Location, ParsedSource, load_source
from kg.validation.namespaces import (
    ORG,
    RDF_TYPE,
    RDFS_LABEL,
    XSD_DATE,
    sg,
    sgv,
)
from kg.validation.reference import GRAPH_BASE, Reference, default_reference
from kg.validation.report import (
    SEVERITY_ORDER,
    Finding,
    Provision,
    ValidationReport,
    shacl_report_triples,
)
from kg.validation.shapes import Shapes, load_shapes
from kg.validation.uncertain import explain, pessimistic_store, uncertain_on

Source = str | PathLike[str] | tuple[str, bytes]
CONFIG_GRAPH = ox.NamedNode(GRAPH_BASE + "configuration")
CONTEXT_GRAPH = ox.NamedNode(GRAPH_BASE + "validation-context")
INFERRED_GRAPH = ox.NamedNode(GRAPH_BASE + "validation-inferred")
MIN_YEAR, MAX_YEAR = 1900, 2100


_DATE_BOUNDS_RULE = (
    Path(__file__).resolve().parent.parent.parent / "queries" / "rules" / "date-bounds.rq"
).read_text(encoding="utf-8")


def check_as_at(value: object, field: str = "as_at") -> date:
    """``value`` as a date within the supported range, else a clear error."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise ConfigurationError(
                f"{value!r} is not a date: expected YYYY-MM-DD, e.g. 2017-08-01", field=field
            ) from None
    if not isinstance(value, date):
        raise ConfigurationError(f"expected a date, got {type(value).__name__}", field=field)
    if hasattr(value, "date") and callable(value.date):  # a datetime
        value = value.date()
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ConfigurationError(
            f"{value.isoformat()} is outside the supported years {MIN_YEAR} to {MAX_YEAR}",
            field=field,
        )
    return value


class Validator:
    """Reference data and shapes, loaded once, for validating many configurations.

    ``frame`` is where the statutory frame of an area is read from: by default the
    built store (``KG_STORE_DIR``, else ``build/store``); ``False`` leaves the
    comparison out (the shapes alone).
    """

    def __init__(
        self,
        reference: Reference | None = None,
        shapes: Shapes | None = None,
        limits: Limits | None = None,
        frame: FrameSource | Literal[False] | None = None,
    ) -> None:
        self.reference = reference or default_reference()
        self.shapes = shapes or load_shapes()
        self.limits = limits or Limits()
        self._frame = frame

    @property
    def frame(self) -> FrameSource | None:
        """Where the frame is read from (the default store is looked up each time, so
        that ``KG_STORE_DIR`` is followed); None when the comparison is left out."""
        if self._frame is None:
            return default_frame()
        return self._frame or None

    def validate(self, sources: Iterable[Source], *, as_at: date | None = None) -> ValidationReport:
        started = time.perf_counter()
        items = list(sources)
        if not items:
            raise ConfigurationError("no configuration files given")
        parsed = [
            load_source(s if isinstance(s, tuple) else Path(s), self.reference, self.limits)
            for s in items
        ]
        if as_at is not None:
            when, why = check_as_at(as_at), "option"
        else:
            dates = [p.date for p in parsed if p.date is not None]
            when, why = (max(dates), "configuration") if dates else (date.today(), "today")
        return self.validate_parsed(parsed, when, why, started)

    def build_store(
        self, parsed: list[ParsedSource], as_at: date
    ) -> tuple[ox.Store, dict[object, Location], set[object]]:
        """The data graph: reference, configuration, inferences and validation context.

        Returns the store, where each configuration node was written, and the scope
        (the nodes the configuration describes).
        """
        store = ox.Store()
        store.extend(self.reference.quads)
        locations: dict[object, Location] = {}
        scope: set[object] = set()
        for source in parsed:
            store.extend(
                ox.Quad(t.subject, t.predicate, t.object, CONFIG_GRAPH) for t in source.triples
            )
            scope.update(t.subject for t in source.triples)
            for term, location in source.locations.items():
                locations.setdefault(term, location)
        tables = self.reference.tables
        config_triples = [t for source in parsed for t in source.triples]
        if tables is None or tables.needs_rebuild(config_triples):
            tables = Tables.from_triples([q.triple for q in self.reference.quads] + config_triples)
        store.extend(
            ox.Quad(t.subject, t.predicate, t.object, INFERRED_GRAPH)
            for t in tables.infer(config_triples)
        )
        # dates as bounds (queries/rules/date-bounds.rq), so shapes judge uncertain
        # dates by what is certain: ended = latest end passed, begun = earliest start
        store.extend(
            ox.Quad(t.subject, t.predicate, t.object, INFERRED_GRAPH)
            for t in store.query(_DATE_BOUNDS_RULE, use_default_graph_as_union=True)
        )
        context = ox.BlankNode()
        store.extend(
            [
                ox.Quad(context, RDF_TYPE, sgv("ValidationContext"), CONTEXT_GRAPH),
                ox.Quad(
                    context,
                    sgv("asAt"),
                    ox.Literal(as_at.isoformat(), datatype=XSD_DATE),
                    CONTEXT_GRAPH,
                ),
            ]
        )
        return store, locations, scope

    def validate_parsed(
        self,
        parsed: list[ParsedSource],
        as_at: date,
        as_at_source: str,
        started: float | None = None,
    ) -> ValidationReport:
        started = time.perf_counter() if started is None else started
        store, locations, scope = self.build_store(parsed, as_at)
        results = run_shapes(store, self.shapes, scope)  # type: ignore[arg-type]
        explainer = _Explainer(store, locations)
        pairs = [(explainer.finding(r), r) for r in results]
        uncertain = uncertain_on(store, as_at)
        if uncertain:
            pairs = self._with_uncertain(store, scope, uncertain, pairs, explainer)
        findings: list[tuple[Finding, Result | FrameResult]] = list(pairs)
        frame = self.frame
        if frame is not None:
            gaps = frame_findings(
                frame,
                store,
                CONFIG_GRAPH,
                as_at,
                [f for f, _ in pairs],
                locations,
                area_label=lambda iri: self.reference.areas.get(iri, iri),
                kind_label=lambda iri: self.reference.kinds.get(iri, iri),
            )
            findings.extend(gaps)
        findings.sort(
            key=lambda p: (
                p[0].group_label.lower(),
                p[0].group,
                SEVERITY_ORDER[p[0].severity],
                p[0].rule,
                p[0].focus_label.lower(),
                p[0].value_label or "",
            )
        )
        return ValidationReport(
            as_at=as_at,
            as_at_source=as_at_source,
            sources=[p.name for p in parsed],
            findings=[f for f, _ in findings],
            reference_files=list(self.reference.files),
            missing_reference=list(self.reference.missing),
            report_triples=shacl_report_triples(findings, self.shapes.graph, as_at),
            seconds=time.perf_counter() - started,
        )

    def _with_uncertain(
        self,
        store: ox.Store,
        scope: set[object],
        uncertain: dict[object, str],
        pairs: list[tuple[Finding, Result]],
        explainer: _Explainer,
    ) -> list[tuple[Finding, Result]]:
        """Findings with those that rest on an uncertain date made warnings that say so.

        The shapes run again on the reading in which everything uncertain is not in
        force; a finding present under one reading only depends on the uncertainty.
        """
        other = run_shapes(pessimistic_store(store, uncertain), self.shapes, scope)  # type: ignore[arg-type]
        keys = {r.key for _, r in pairs}
        other_keys = {r.key for r in other}
        out = []
        extra = [(explainer.finding(r), r) for r in other if r.key not in keys]
        for finding, result in pairs + extra:
            if result.key in keys and result.key in other_keys:
                out.append((finding, result))
                continue
            note = explain(store, uncertain, [result.focus, result.value])
            severity = "warning" if finding.severity == "violation" else finding.severity
            out.append(
                (replace(finding, severity=severity, message=finding.message + note), result)
            )
        return out


class _Explainer:
    """Turns engine results into findings: labels, grouping body, file and line."""

    def __init__(self, store: ox.Store, locations: dict[object, Location]) -> None:
        self.store = store
        self.locations = locations
        self._labels: dict[object, str] = {}

    def objects(self, s: object, p: ox.NamedNode) -> list[object]:
        if not isinstance(s, ox.NamedNode | ox.BlankNode):
            return []
        return [q.object for q in self.store.quads_for_pattern(s, p, None)]

    def label(self, term: object) -> str:
        if term is None:
            return ""
        cached = self._labels.get(term)
        if cached is None:
            labels = [o for o in self.objects(term, RDFS_LABEL) if isinstance(o, ox.Literal)]
            english = [lab for lab in labels if lab.language in ("en", None)]
            chosen = (english or labels)[:1]
            cached = chosen[0].value if chosen else term_text(term)  # type: ignore[arg-type]
            self._labels[term] = cached
        return cached

    def group_of(self, focus: object) -> object:
        types = set(self.objects(focus, RDF_TYPE))
        if sg("RoleAssignment") in types:
            holders = self.objects(focus, sg("holder"))
            if holders:
                return holders[0]
        if sg("Post") in types:
            bodies = self.objects(focus, ox.NamedNode(ORG + "postIn"))
            if bodies:
                return bodies[0]
        if isinstance(focus, ox.NamedNode | ox.BlankNode):
            creators = [
                q.subject for q in self.store.quads_for_pattern(None, sgv("createsRole"), focus)
            ]
            if creators:
                return creators[0]
        for prop in (sg("source"), sg("issuedBy")):
            found = self.objects(focus, prop)
            if found and found[0] in self.locations:
                return found[0]
        return focus

    def finding(self, result: Result) -> Finding:
        info = result.shape.info
        provisions: list[Provision] = []
        if result.provisions:
            for iri in result.provisions:
                node = ox.NamedNode(iri)
                label = self.label(node)
                provisions.append(
                    Provision(iri, label if label != term_text(node) else info.citation)
                )
        else:
            provisions = [Provision(iri, info.citation) for iri in info.enforces]
        group = self.group_of(result.focus)
        location = self.locations.get(result.focus) or self.locations.get(group)
        value = result.value
        return Finding(
            rule=info.rule_id,
            title=info.title,
            severity=info.severity,
            message=result.message,
            fix=result.fix,
            provisions=tuple(provisions),
            focus=str(result.focus.value)
            if isinstance(result.focus, ox.NamedNode)
            else str(result.focus),
            focus_label=self.label(result.focus),
            group=str(group.value) if isinstance(group, ox.NamedNode) else str(group),
            group_label=self.label(group),
            shape=result.shape.node.value
            if isinstance(result.shape.node, ox.NamedNode)
            else str(result.shape.node),
            component=result.component,
            path=result.path.value if isinstance(result.path, ox.NamedNode) else None,
            value=(value.value if isinstance(value, ox.NamedNode | ox.Literal) else None),
            value_label=self.label(value) if value is not None else None,
            file=location.file if location else None,
            line=location.line if location else None,
        )


_DEFAULT: Validator | None = None
_DEFAULT_LOCK = threading.Lock()


def default_validator() -> Validator:
    """A process-wide validator; rebuilt when the reference files change."""
    global _DEFAULT
    reference = default_reference()
    with _DEFAULT_LOCK:
        if _DEFAULT is None or _DEFAULT.reference is not reference:
            _DEFAULT = Validator(reference=reference)
        return _DEFAULT
