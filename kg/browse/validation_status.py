"""An area's validation status: its example configurations, validated as at a date."""

from __future__ import annotations

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


def area_status(settings: Settings, area_iri: str, as_at: date) -> list[dict[str, Any]]:
    """One summary per configuration of the area, validated as at ``as_at``."""
    out: list[dict[str, Any]] = []
    for path in configurations_for_area(settings, area_iri):
        entry: dict[str, Any] = {
            "configuration": path.stem,
            "href": f"/validate?example={path.stem}",
        }
        try:
            from kg.validation import validate

            report = validate([path], as_at=as_at)
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
    return out
