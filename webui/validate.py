"""The Validate page: paste or upload an area configuration, read the report.

The report is the one ``kg validate`` prints (:func:`kg.validation.validate`),
rendered as a page, or as JSON at ``/validate.json``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, request
from flask.typing import ResponseReturnValue

from kg.browse import BadParameterError, parse_as_at
from kg.endpoint.errors import EndpointError
from kg.errors import KGError
from webui.http import as_at, check_date, negotiate, params, render

bp = Blueprint("validate", __name__)

#: The formats a pasted configuration may be in, and the file name each implies.
PASTE_FORMATS = {"yaml": "pasted.yaml", "turtle": "pasted.ttl", "jsonld": "pasted.jsonld"}
UPLOAD_SUFFIXES = (".yaml", ".yml", ".ttl", ".jsonld", ".json", ".rdf")


def _examples() -> list[dict[str, str]]:
    home: Path = current_app.extensions["kg"].settings.home
    return [
        {"name": p.stem, "href": f"/validate?example={p.stem}"}
        for p in sorted((home / "examples").glob("*.yaml"))
    ]


def _report(sources: list[tuple[str, bytes]], when: date | None) -> dict[str, Any]:
    """The report's data: from a validation worker under ``kg serve``, else in-process."""
    pool = current_app.config.get("KG_VALIDATION_POOL")
    if pool is not None:
        from kg.endpoint.workers import ValidationJob

        settings = current_app.extensions["kg"].settings
        job = ValidationJob(tuple(sources), when)
        client = request.remote_addr or "unknown"
        return pool.run(job, settings.validation_timeout, client=client)
    from kg.validation import validate
    from kg.validation.report import report_view

    return report_view(validate(sources, as_at=when))


@bp.route("/validate", methods=["GET", "POST"], defaults={"fmt": None})
@bp.route("/validate.json", methods=["GET", "POST"], defaults={"fmt": "json"})
def validate_page(fmt: str | None) -> ResponseReturnValue:
    fmt = fmt or negotiate()
    values = params("example")
    data: dict[str, Any] = {
        "title": "Validate an area configuration",
        "examples": _examples(),
        "report": None,
        "error": None,
        "form": {"format": "yaml", "text": "", "as_at": ""},
    }
    sources: list[Any] = []
    when = None
    if request.method == "POST":
        form = request.form
        raw_date = form.get("as_at", "").strip()
        when = parse_as_at(raw_date) if raw_date else None
        paste_format = form.get("format", "yaml")
        if paste_format not in PASTE_FORMATS:
            raise BadParameterError(
                f"format={paste_format!r}", field="format", expected="yaml, turtle or jsonld"
            )
        text = form.get("config", "")
        data["form"] = {"format": paste_format, "text": text, "as_at": raw_date}
        upload = request.files.get("upload")
        if upload and upload.filename:
            name = Path(upload.filename).name or "upload"
            if not name.lower().endswith(UPLOAD_SUFFIXES):
                name = Path(name).stem + Path(PASTE_FORMATS[paste_format]).suffix
            sources.append((name, upload.read()))
        if text.strip():
            sources.append((PASTE_FORMATS[paste_format], text.encode("utf-8")))
        if not sources:
            data["error"] = {
                "message": "Paste a configuration or choose a file to upload.",
                "field": "config",
            }
            return render(fmt, "validate.html", data, 400)
    else:
        if values.get("as_at"):
            when = as_at()
            check_date()  # the form shows its own date errors
            data["form"]["as_at"] = when.isoformat()
        example = values.get("example")
        if example:
            names = {e["name"] for e in data["examples"]}
            if example not in names:
                raise BadParameterError(
                    f"no example {example!r}",
                    field="example",
                    expected="one of: " + ", ".join(sorted(names)),
                )
            home: Path = current_app.extensions["kg"].settings.home
            path = home / "examples" / f"{example}.yaml"
            sources.append((path.name, path.read_bytes()))
            data["form"]["text"] = path.read_text(encoding="utf-8")
    if sources:
        try:
            data["report"] = _report(sources, when)
        except EndpointError:
            raise  # stopped at a limit, or no worker free: 503 from the app's handler
        except KGError as e:
            data["error"] = {
                "message": e.message,
                "file": e.file,
                "line": e.line,
                "column": e.column,
                "field": "upload" if e.file and not e.file.startswith("pasted") else "config",
            }
            return render(fmt, "validate.html", data, 400)
    return render(fmt, "validate.html", data)
