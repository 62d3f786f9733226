"""Compare a configuration with the statutory frame of its area.

The build derives what the statute expects in every MAPPA area and local authority
area; :mod:`.source` reads it from the built store, :mod:`.entries` reads the
configuration's side from the validation data graph, :mod:`.match` says which of the
configuration's bodies is which body of the frame, and :mod:`.compare` names each
expected body the configuration omits. This module turns those gaps into findings
of the validation report (docs/validation.md, "The statutory frame").
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from kg.validation.configuration import Location
from kg.validation.frame.compare import (
    PARTNER,
    RESPONSIBLE_AUTHORITY,
    RULES,
    SAFEGUARDING_PARTNERSHIP,
    SAME_GAP_RULES,
    Comparison,
    Gap,
    ShapeGap,
)
from kg.validation.frame.entries import Entries, read_entries
from kg.validation.frame.source import FrameSource, FrameUnavailableError, StoreFrame
from kg.validation.namespaces import SGS, SGV
from kg.validation.report import Finding, Provision

#: What frame findings give as their shape and constraint component in the SHACL
#: report: they come from this comparison, not from a shape.
FRAME_SHAPE = ox.NamedNode(SGS + "StatutoryFrame")
FRAME_COMPONENT = SGV + "StatutoryFrameComparison"
AREA_CONFIGURATION = SGV + "AreaConfiguration"

__all__ = [
    "FRAME_COMPONENT",
    "FRAME_SHAPE",
    "FrameResult",
    "FrameSource",
    "FrameUnavailableError",
    "StoreFrame",
    "default_frame",
    "frame_findings",
]


@dataclass(frozen=True)
class _Shape:
    node: ox.NamedNode


@dataclass(frozen=True)
class FrameResult:
    """A frame finding in the terms of the SHACL report (as the engine's results)."""

    focus: ox.NamedNode | ox.BlankNode
    value: ox.NamedNode | None
    shape: _Shape = _Shape(FRAME_SHAPE)
    component: str = FRAME_COMPONENT
    path: None = None


def frame_findings(
    source: FrameSource,
    store: ox.Store,
    graph: ox.NamedNode,
    as_at: date,
    shape_findings: Iterable[Finding],
    locations: dict[object, Location],
    area_label: Callable[[str], str],
    kind_label: Callable[[str], str],
) -> list[tuple[Finding, FrameResult]]:
    """The gaps between the configuration (graph ``graph`` of ``store``) and the frame
    of its area, as findings. A frame that cannot be read is a note (FR-0) saying why:
    the validation still stands on the shapes."""
    entries = read_entries(store, graph)
    configurations = sorted(entries.of_class(AREA_CONFIGURATION), key=lambda p: p.iri)
    areas = sorted({a for c in configurations for a in c.areas if _is_iri(a)})
    if not areas:  # a configuration without its header: the area of its responsible authority
        areas = sorted(
            {a for ra in entries.of_class(RESPONSIBLE_AUTHORITY) for a in ra.areas if _is_iri(a)}
        )
    if not areas:
        return []
    configuration = (
        configurations[0].iri
        if configurations
        else min(p.iri for p in entries.of_class(RESPONSIBLE_AUTHORITY))
    )

    def where(iri: str) -> str | None:
        location = locations.get(ox.NamedNode(iri))
        return str(location) if location else None

    reported = _shape_gaps(shape_findings, entries)
    gaps: list[Gap] = []
    for area in areas:
        try:
            frame = source.frame(area)
        except FrameUnavailableError as e:
            gaps.append(_unavailable(str(e), configuration))
            break
        comparison = Comparison(
            frame=frame,
            entries=entries,
            as_at=as_at,
            configuration=configuration,
            area_label=area_label,
            kind_label=kind_label,
            where=where,
        )
        gaps.extend(comparison.gaps(reported))
    out: list[tuple[Finding, FrameResult]] = []
    for gap in gaps:
        focus = entries.terms.get(gap.focus) or ox.NamedNode(gap.focus)
        location = locations.get(focus)
        label = entries.party(gap.focus).label or gap.focus
        finding = Finding(
            rule=gap.rule,
            title=RULES[gap.rule][0],
            severity=gap.severity,
            message=gap.message,
            fix=gap.fix,
            provisions=tuple(Provision(iri, citation) for iri, citation in gap.provisions),
            focus=gap.focus,
            focus_label=label,
            group=gap.focus,
            group_label=label,
            shape=FRAME_SHAPE.value,
            component=FRAME_COMPONENT,
            value=gap.value,
            value_label=gap.value_label,
            file=location.file if location else None,
            line=location.line if location else None,
        )
        value = ox.NamedNode(gap.value) if gap.value and _is_iri(gap.value) else None
        out.append((finding, FrameResult(focus=focus, value=value)))
    return out


def _is_iri(text: str) -> bool:
    return text.startswith(("http://", "https://", "urn:"))


def _unavailable(why: str, configuration: str) -> Gap:
    return Gap(
        rule="FR-0",
        severity="info",
        message=f"The configuration was not compared with the statutory frame of its area: {why}.",
        fix="Build the store (`kg build`), or set KG_STORE_DIR to a built one, and validate again.",
        focus=configuration,
        value=None,
        value_label=None,
    )


def _shape_gaps(findings: Iterable[Finding], entries: Entries) -> list[ShapeGap]:
    """The gaps the shapes reported that the frame would report again."""
    out = []
    for f in findings:
        role = SAME_GAP_RULES.get(f.rule)
        if role is None:
            continue
        if role in (PARTNER, SAFEGUARDING_PARTNERSHIP):
            kind = f.value if role == PARTNER else None
            out.extend(ShapeGap(f.severity, (role, kind, a)) for a in entries.party(f.focus).areas)
        else:
            out.append(ShapeGap(f.severity, (role, f.value, None)))
    return out


_DEFAULT: dict[str, StoreFrame] = {}
_DEFAULT_LOCK = threading.Lock()


def default_frame(store_dir: str | Path | None = None) -> StoreFrame:
    """The frame of the built store (``KG_STORE_DIR``, else ``<home>/build/store``, as
    for ``kg build``), one reader per store."""
    if store_dir is None:
        from kg.config import find_home

        configured = os.environ.get("KG_STORE_DIR", "").strip()
        store_dir = Path(configured).expanduser() if configured else find_home() / "build" / "store"
    key = str(store_dir)
    with _DEFAULT_LOCK:
        if key not in _DEFAULT:
            _DEFAULT[key] = StoreFrame(store_dir)
        return _DEFAULT[key]
