"""The questions as forms: each shipped query (``queries/cq*.rq`` and the changes
query) with its ``# param`` parameters as form fields, answered on the store.

A form's values go through exactly what ``kg query --param`` uses
(:func:`kg.query.resolve_bindings`, :func:`kg.query.run_query`,
:func:`kg.query.runnable_text`): never into the text by concatenation. An IRI
parameter is a choice among the resources of its default's type; a date parameter
is a GOV.UK date input (day, month, year) or ``YYYY-MM-DD``.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox

from kg.browse.catalog import RDF_TYPE, Catalog
from kg.browse.common import BadParameterError, NotFoundError
from kg.browse.examples import query_entry
from kg.browse.pages import ref
from kg.config import Settings
from kg.errors import QueryError
from kg.query import LoadedQuery, bind_values, load_query, resolve_bindings, runnable_text

Json = dict[str, Any]

XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
DAY_PARTS = ("day", "month", "year")
#: Classes too general to offer their instances as the choices of a parameter.
_GENERAL = {
    "http://www.w3.org/2002/07/owl#Thing",
    "http://www.w3.org/2002/07/owl#NamedIndividual",
    "http://www.w3.org/2000/01/rdf-schema#Resource",
    "http://www.w3.org/2004/02/skos/core#Concept",
}
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Most rows an HTML answer shows (the JSON twin has them all).
SHOWN_ROWS = 500


def question_files(settings: Settings) -> list[Path]:
    """The competency queries, then the questions of changes and comparison: what
    changed between two dates, and what was in force on one day and not another."""
    files = sorted(settings.queries_dir.glob("cq*.rq"))
    changes = settings.queries_dir / "changes"
    return files + [changes / "changed-between.rq", changes / "in-force-compared.rq"]


def questions(settings: Settings) -> list[Json]:
    """Every question: its name and title, for the list."""
    out = []
    for path in question_files(settings):
        entry = query_entry(path, settings)
        if entry is not None:
            out.append({"name": entry["name"], "title": _sentence(entry), "href": _href(path)})
    return out


def _sentence(entry: Mapping[str, Any]) -> str:
    """The question as a sentence (the files' comments may start in lower case)."""
    title = str(entry.get("title") or entry.get("name") or "")
    return title[:1].upper() + title[1:]


def _href(path: Path) -> str:
    return f"/questions/{path.stem}"


def _find(settings: Settings, name: str) -> Path:
    for path in question_files(settings):
        if path.stem == name:
            return path
    raise NotFoundError(f"there is no question {name!r}; the list is at /questions")


def allowed_fields(settings: Settings, name: str) -> list[str]:
    """The request parameters a question's form sends."""
    query = load_query(_find(settings, name), settings)
    out = []
    for pname, param in query.params.items():
        out.append(pname)
        if _is_date(param.default):
            out += [f"{pname}-{part}" for part in DAY_PARTS]
    return out


def _is_date(default: ox.NamedNode | ox.Literal | None) -> bool:
    """A date field: an ``xsd:date`` default, or none (``UNDEF``: a day or nothing)."""
    return default is None or (
        isinstance(default, ox.Literal) and default.datatype.value == XSD_DATE
    )


#: Runs a query's text (its parameters already bound) and returns its W3C SPARQL JSON
#: results: under ``kg serve``, a worker of the endpoint's pool (a time limit, the store
#: in memory); in tests, the same.
Runner = Callable[[str], dict[str, Any]]


def question_page(
    cat: Catalog, settings: Settings, run: Runner, name: str, values: Mapping[str, str]
) -> Json:
    """The form of question ``name``, filled in with ``values``, and its answer.

    Raises:
        BadParameterError: a value that is not one of the choices or not a real day,
            naming the field; :func:`error_page` then shows the form with the error.
    """
    path = _find(settings, name)
    query = load_query(path, settings)
    fields = form_fields(cat, query, values)
    overrides = _overrides(query, fields)
    try:
        bindings = resolve_bindings(query, overrides)
        text = runnable_text(query, overrides)
    except QueryError as e:
        field = (e.field or "").removeprefix("--param ").strip() or None
        raise BadParameterError(e.message, field=field, expected=_expected(fields, field)) from None
    # bound as kg query binds them (kg.query.run_query): the values in the text
    answer = run(bind_values(query.text, bindings))
    entry = query_entry(path, settings) or {}
    file = path.relative_to(settings.home).as_posix()
    changed = {
        f["name"]: f["value"]
        for f in fields
        if f["value"] != _default_text(query.params[f["name"]].default)
    }
    return {
        "title": _sentence(entry) or name,
        "name": name,
        "fields": fields,
        "error": None,
        "sparql": text,
        "file": file,
        # the same question in the editor, and on the command line
        "editor_href": "/query?" + urlencode({"query": text}),
        "command": " ".join(
            ["kg query", file, *("--param " + shlex.quote(f"{k}={v}") for k, v in changed.items())]
        ),
        "results": answer,
        "table": _table(cat, answer),
    }


def error_page(
    cat: Catalog, settings: Settings, name: str, values: Mapping[str, str], e: BadParameterError
) -> Json:
    """The form as it was sent, with what is wrong, and no answer (for a 400)."""
    path = _find(settings, name)
    query = load_query(path, settings)
    entry = query_entry(path, settings) or {}
    return {
        "title": _sentence(entry) or name,
        "name": name,
        "fields": form_fields(cat, query, values, check=False),
        "error": {"field": e.field, "message": e.message, "expected": e.expected},
        "sparql": None,
        "results": None,
        "table": None,
    }


def form_fields(
    cat: Catalog, query: LoadedQuery, values: Mapping[str, str], check: bool = True
) -> list[Json]:
    """One field per parameter: its kind (``select``, ``date``, ``text``), its choices
    and the value sent (or the default)."""
    out = []
    for pname, param in query.params.items():
        default = param.default
        field: Json = {"name": pname, "about": param.about or pname, "optional": default is None}
        if isinstance(default, ox.NamedNode):
            choices = _choices(cat, default.value)
            chosen = values.get(pname, "").strip() or default.value
            if check and chosen not in {c["value"] for c in choices}:
                raise BadParameterError(
                    f"{chosen!r} is not one of the choices for {pname}",
                    field=pname,
                    expected=f"one of the {len(choices)} choices in the list ({param.about})",
                )
            field.update(kind="select", choices=choices, value=chosen)
        elif _is_date(default):
            parts = {part: values.get(f"{pname}-{part}", "").strip() for part in DAY_PARTS}
            iso = values.get(pname, "").strip()
            if not iso and any(parts.values()):
                iso = _parts_iso(pname, parts) if check else ""
            if not iso and not any(parts.values()) and default is not None:
                iso = default.value
            if _ISO.match(iso):
                y, m, d = iso.split("-")
                parts = {"day": str(int(d)), "month": str(int(m)), "year": y}
            field.update(kind="date", value=iso, parts=parts)
        else:
            assert isinstance(default, ox.Literal)
            field.update(kind="text", value=values.get(pname, "").strip() or default.value)
        out.append(field)
    return out


def _parts_iso(name: str, parts: Mapping[str, str]) -> str:
    missing = [p for p in DAY_PARTS if not parts[p]]
    if missing or not all(parts[p].isdigit() for p in DAY_PARTS) or len(parts["year"]) != 4:
        raise BadParameterError(
            f"the date for {name} must be a real date, as day, month and year in numbers",
            field=f"{name}-{missing[0] if missing else 'day'}",
            expected="a real date as day, month and year in numbers, for example 1 8 2017",
        )
    try:
        day = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        raise BadParameterError(
            f"the date for {name} must be a real date ({parts['day']} {parts['month']} "
            f"{parts['year']} is not one)",
            field=f"{name}-day",
            expected="a real date as day, month and year in numbers, for example 1 8 2017",
        ) from None
    return day.isoformat()


def _overrides(query: LoadedQuery, fields: list[Json]) -> dict[str, str]:
    """The values to set, as ``kg query --param`` takes them (a date left empty where
    the query allows none stays ``UNDEF``)."""
    out = {}
    for f in fields:
        if f["value"]:
            out[f["name"]] = f["value"]
    return out


def _default_text(default: ox.NamedNode | ox.Literal | None) -> str:
    return "" if default is None else default.value


def _expected(fields: list[Json], name: str | None) -> str:
    for f in fields:
        if f["name"] == name:
            return "a real date, YYYY-MM-DD" if f["kind"] == "date" else str(f["about"])
    return "values of the kinds the form asks for"


def _choices(cat: Catalog, default: str) -> list[Json]:
    """The resources of the default's own type: its asserted type when that has others,
    else the narrowest of its types that has (never owl:Thing and the like)."""
    types = [t for t in cat.iris(default, RDF_TYPE) if t not in _GENERAL]
    asserted = [t for t in types if cat.is_asserted(default, RDF_TYPE, t)]
    best: list[str] = [default]
    for group in (asserted, types):
        sized = sorted((len(cat.instances(t)), t) for t in group)
        found = [t for n, t in sized if n > 1]
        if found:
            best = cat.instances(found[0])
            break
    items = {iri: cat.label(iri) for iri in [default, *best]}
    return [
        {"value": iri, "label": label}
        for iri, label in sorted(items.items(), key=lambda kv: _natural(kv[1]))
    ]


def _natural(text: str) -> list[Any]:
    """``s.16`` after ``s.2``: numbers compared as numbers."""
    return [int(x) if x.isdigit() else x.lower() for x in re.split(r"(\d+)", text)]


def _table(cat: Catalog, answer: Mapping[str, Any]) -> Json:
    """The answer as cells: an IRI as a reference (its label and page), a literal as
    its text; at most :data:`SHOWN_ROWS` rows."""
    if "boolean" in answer:
        return {"variables": ["answer"], "rows": [[{"label": str(answer["boolean"]).lower()}]],
                "total": 1}  # fmt: skip
    variables = list(answer["head"]["vars"])
    bindings = answer["results"]["bindings"]
    rows = []
    for b in bindings[:SHOWN_ROWS]:
        cells: list[Json | None] = []
        for var in variables:
            term = b.get(var)
            if term is None:
                cells.append(None)
            elif term["type"] == "uri":
                cells.append(ref(cat, term["value"]))
            else:
                cells.append({"label": term["value"], "href": None})
        rows.append(cells)
    return {"variables": variables, "rows": rows, "total": len(bindings)}
