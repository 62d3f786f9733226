"""The Questions pages: each shipped query as a GOV.UK form (kg.browse.questions)."""

from __future__ import annotations

from flask import Blueprint, request
from flask.typing import ResponseReturnValue

from kg.browse import BadParameterError
from kg.browse import questions as q
from webui.http import as_at, catalog, negotiate, params, render, state

bp = Blueprint("questions", __name__)


@bp.get("/questions", defaults={"fmt": None})
@bp.get("/questions.json", defaults={"fmt": "json"})
def questions_list(fmt: str | None) -> ResponseReturnValue:
    params()
    as_at()
    data = {"title": "Questions", "questions": q.questions(state().settings)}
    return render(fmt or negotiate(), "questions.html", data)


@bp.get("/questions/<name>", defaults={"fmt": None})
@bp.get("/questions/<name>.json", defaults={"fmt": "json"})
def question(name: str, fmt: str | None) -> ResponseReturnValue:
    """A question's form and, once its values read, its answer."""
    settings = state().settings
    values = params(*q.allowed_fields(settings, name))
    as_at()
    fmt = fmt or negotiate()
    cat = catalog()
    try:
        data, status = q.question_page(cat, settings, state().catalogs.store(), name, values), 200
    except BadParameterError as e:
        if fmt != "html":
            raise  # the JSON twin's 400 names the field, as every page's does
        data, status = q.error_page(cat, settings, name, request.args, e), 400
    return render(fmt, "question.html", data, status)
