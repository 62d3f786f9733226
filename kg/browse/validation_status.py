"""An area's validation status: its example configurations, validated as at a date.

Validating a configuration takes tens of milliseconds (twice that on a date that falls
within uncertain bounds), and area pages would otherwise pay it on every request: the
results are kept per build (the store version the configurations are compared with),
version of the example files (their paths, sizes and modification times), area and
date, in a small bounded cache; a new build or an edited example is validated afresh.
"""

from __future__ import annotations

import functools
import os
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from kg.config import SGD, Settings
from kg.errors import KGError


def configurations_for_area(settings: Settings, area_iri: str) -> list[Path]:
    """``examples/*.yaml`` whose ``area`` is this area (``sgd:mappa-area-<x>`` or ``<x>``)."""
    local = area_iri[len(SGD) :] if area_iri.startswith(SGD) else ""
    names = {local, local.removeprefix("mappa-area-"), local.removeprefix("la-area-")} - {""}
    out = []
    for path in sorted((settings.home / "examples").glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue
        if isinstance(data, dict) and str(data.get("area", "")) in names:
            out.append(path)
    return out


def _examples_version(settings: Settings) -> tuple[tuple[str, int, int], ...]:
    out = []
    for path in sorted((settings.home / "examples").glob("*.yaml")):
        try:
            st = path.stat()
        except OSError:
            continue
        out.append((str(path), st.st_size, st.st_mtime_ns))
    return tuple(out)


def area_status(settings: Settings, area_iri: str, as_at: date) -> list[dict[str, Any]]:
    """One summary per configuration of the area, validated as at ``as_at`` (cached)."""
    build = os.path.realpath(settings.store_dir)
    version = _examples_version(settings)
    return [dict(e) for e in _area_status(settings, build, version, area_iri, as_at)]


@functools.lru_cache(maxsize=256)
def _area_status(
    settings: Settings,
    build: str,
    version: tuple[tuple[str, int, int], ...],
    area_iri: str,
    as_at: date,
) -> tuple[dict[str, Any], ...]:
    out: list[dict[str, Any]] = []
    for path in configurations_for_area(settings, area_iri):
        entry: dict[str, Any] = {
            "configuration": path.stem,
            "href": f"/validate?example={path.stem}",
        }
        try:
            from kg.validation import validate

            report = validate([path], as_at=as_at, store_dir=settings.store_dir)
        except (KGError, ImportError) as e:
            entry.update(ok=None, summary=f"could not be validated: {e}")
        else:
            entry.update(
                ok=report.ok,
                summary=report.summary(),
                violations=report.violations,
                warnings=report.warnings,
                notes=report.infos,
            )
        out.append(entry)
    return tuple(out)
