"""The Validate page: paste or upload an area configuration, read the report.

The report is the one ``kg validate`` prints (:func:`kg.validation.validate`),
rendered as a page, or as JSON at ``/validate.json``; ``/validate/download`` gives it
as a file (HTML or JSON) to keep or share, and ``/validate/rules`` explains each rule
code the report uses.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, request
from flask.typing import ResponseReturnValue

from kg.browse import BadParameterError, parse_as_at
from kg.endpoint.errors import EndpointError
from kg.errors import KGError
from webui.http import as_at, check_date, negotiate, params, render

bp = Blueprint("validate", __name__)

#: The formats a pasted configuration may be in, and the file name each implies.
PASTE_FORMATS = {"yaml": "pasted.yaml", "turtle": "pasted.ttl", "jsonld": "pasted.jsonld"}
UPLOAD_SUFFIXES = (".yaml", ".yml", ".ttl", ".jsonld", ".json", ".rdf")
#: The paste format of an uploaded file, so that a file that failed can be corrected
#: in the text box (a browser cannot keep the file chosen across pages).
SUFFIX_FORMATS = {".yaml": "yaml", ".yml": "yaml", ".ttl": "turtle", ".jsonld": "jsonld"}
DOWNLOAD_FORMATS = ("html", "json")


def _examples() -> list[dict[str, str]]:
    home: Path = current_app.extensions["kg"].settings.home
    return [
        {"name": p.stem, "href": f"/validate?example={p.stem}"}
        for p in sorted((home / "examples").glob("*.yaml"))
    ]


def _report(sources: list[tuple[str, bytes]], when: date | None) -> dict[str, Any]:
    """The report's data: from a validation worker under ``kg serve``, else in-process."""
    pool = current_app.config.get("KG_VALIDATION_POOL")
    settings = current_app.extensions["kg"].settings
    # the frame comes from the store this app serves, not from the environment
    store_dir = str(settings.store_dir)
    if pool is not None:
        from kg.endpoint.workers import ValidationJob

        job = ValidationJob(tuple(sources), when, store_dir)
        client = request.remote_addr or "unknown"
        return pool.run(job, settings.validation_timeout, client=client)
    from kg.validation import validate
    from kg.validation.report import report_view

    return report_view(validate(sources, as_at=when, store_dir=store_dir))


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
        "download": None,
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
            from kg.validation.parse_help import explain

            message = "Paste a configuration or choose a file to upload."
            data["error"] = {
                "message": message,
                "field": "config",
                "help": explain(message, None, None, None).to_dict(),
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
            data["error"] = _input_error(e, sources, data["form"])
            return render(fmt, "validate.html", data, 400)
        data["download"] = {
            "sources": [[name, raw.decode("utf-8")] for name, raw in sources],
            "as_at": data["form"]["as_at"],
        }
    return render(fmt, "validate.html", data)


def _input_error(e: KGError, sources: list[tuple[str, bytes]], form: dict[str, str]) -> dict:
    """The error for the page: in words, the line quoted, a hint; an upload that failed
    is put in the text box, to be corrected there rather than chosen again."""
    from kg.validation.parse_help import explain

    raw = dict(sources).get(e.file) if e.file else None
    try:
        text = raw.decode("utf-8") if raw is not None else None
    except UnicodeDecodeError:
        text = None
    field = "upload" if e.file and not e.file.startswith("pasted") else "config"
    moved = None
    paste_format = SUFFIX_FORMATS.get(Path(e.file or "").suffix.lower())
    if field == "upload" and text is not None and paste_format and not form["text"].strip():
        form.update(text=text, format=paste_format)
        field, moved = "config", e.file
    return {
        "message": e.message,
        "file": e.file,
        "line": e.line,
        "column": e.column,
        "field": field,
        "moved": moved,
        "help": explain(e.message, text, e.line, e.column).to_dict(),
    }


@bp.route("/validate/download", methods=["POST"])
def download() -> ResponseReturnValue:
    """The report as a file: validated again from the configuration the page carried."""
    from kg.validation.render import render_html
    from kg.validation.report import VIEW_KEYS, ValidationReport

    form = request.form
    as_ = form.get("as", "html")
    if as_ not in DOWNLOAD_FORMATS:
        raise BadParameterError(f"as={as_!r}", field="as", expected="html or json")
    sources = _download_sources(form.get("sources", ""))
    raw_date = form.get("as_at", "").strip()
    view = _report(sources, parse_as_at(raw_date) if raw_date else None)
    stem = re.sub(r"[^a-z0-9-]+", "-", Path(sources[0][0]).stem.lower()).strip("-") or "report"
    name = f"validation-{stem}-{view['as_at']}.{as_}"
    if as_ == "json":
        report = {k: v for k, v in view.items() if k not in VIEW_KEYS}
        body = json.dumps(report, indent=2, ensure_ascii=False) + "\n"
        mimetype = "application/json"
    else:
        rules = request.url_root.rstrip("/") + "/validate/rules"
        body = render_html(ValidationReport.from_dict(view), rules_url=rules)
        mimetype = "text/html"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _download_sources(value: str) -> list[tuple[str, bytes]]:
    """The ``sources`` field: a JSON list of [file name, text] pairs."""
    try:
        items = json.loads(value)
    except ValueError:
        items = None
    if (
        not isinstance(items, list)
        or not items
        or not all(
            isinstance(i, list) and len(i) == 2 and all(isinstance(x, str) for x in i)
            for i in items
        )
    ):
        raise BadParameterError(
            "sources is not a list of [file name, text] pairs",
            field="sources",
            expected='JSON like [["area.yaml", "configuration: ..."]]',
        )
    return [(Path(name).name or "upload", text.encode("utf-8")) for name, text in items]


@bp.route("/validate/rules", defaults={"fmt": None})
@bp.route("/validate/rules.json", defaults={"fmt": "json"})
def rules_page(fmt: str | None) -> ResponseReturnValue:
    """Every rule code the report uses, explained (from the shapes themselves)."""
    from kg.validation.rules import SOURCES, rule_catalogue
    from kg.validation.validator import default_validator

    rules = [r.to_dict() for r in rule_catalogue(default_validator().shapes)]
    data = {
        "title": "The rules a configuration is checked against",
        "sources": [
            {"key": key, "label": label, "rules": [r for r in rules if r["source"] == key]}
            for key, label in SOURCES.items()
        ],
    }
    return render(fmt or negotiate(), "validate_rules.html", data)
