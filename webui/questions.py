"""The Questions pages: each shipped query as a GOV.UK form (kg.browse.questions)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from flask import Blueprint, request
from flask.typing import ResponseReturnValue

from kg.browse import BadParameterError
from kg.browse import questions as q
from kg.endpoint.workers import Job
from webui.http import as_at, catalog, negotiate, params, render, state
from webui.sparql import service as sparql_service

bp = Blueprint("questions", __name__)


#: Answers kept per build (on the catalog, which is reloaded after a rebuild): the store
#: does not change between builds, so the same bound query has the same answer. Keyed
#: by the day too, as a query may read NOW() (cq09 without a date). Oldest dropped first.
ANSWERS_KEPT = 128


def _run(text: str) -> dict[str, Any]:
    """A question's bound query in a worker of the SPARQL endpoint's pool: its time limit,
    its row limit and its store in memory, as any query on /sparql; once per build."""
    kept: dict[tuple[str, str], dict[str, Any]] = catalog().__dict__.setdefault(
        "_question_answers", {}
    )
    key = (date.today().isoformat(), text)
    if (answer := kept.get(key)) is not None:
        return answer
    settings = state().settings
    job = Job(text, solutions_format="json", max_rows=settings.max_result_rows)
    answer = json.loads(sparql_service().backend.run(job).body)
    if len(kept) >= ANSWERS_KEPT:
        kept.pop(next(iter(kept)))
    kept[key] = answer
    return answer


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
        data, status = q.question_page(cat, settings, _run, name, values), 200
    except BadParameterError as e:
        if fmt != "html":
            raise  # the JSON twin's 400 names the field, as every page's does
        data, status = q.error_page(cat, settings, name, request.args, e), 400
    return render(fmt, "question.html", data, status)
