"""The Questions pages (/questions): every form answers with the rows its .rq gives
through ``kg query`` (run as a real subprocess on the same store), with values chosen
in the form as with ``--param``; bad values get the form back with the error."""

from __future__ import annotations

import json
import re
from datetime import date
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kg.config import Settings
from tests.helpers import REPO, run_kg
from webui import create_app
from webui.sparql import EXTENSION

SGD = "https://w3id.org/safeguarding-kg/id/"
FILES = sorted((REPO / "queries").glob("cq*.rq")) + [
    REPO / "queries" / "changes" / "changed-between.rq",
    REPO / "queries" / "changes" / "in-force-compared.rq",
]


def _rows(results: dict[str, Any]) -> list[str]:
    """The rows of a SPARQL JSON result, as comparable strings, in a stable order.

    SPARQL leaves the order inside a GROUP_CONCAT undefined (the same query on the
    store on disk and in memory joins the same values differently), so joined lists
    are compared sorted (prose split at the same separators compares the same).
    """
    rows = []
    for b in results["results"]["bindings"]:
        row = {}
        for var, term in b.items():
            value = term["value"]
            for sep in ("; ", ", "):  # the separators of the shipped GROUP_CONCATs
                if sep in value:
                    value = sep.join(sorted(value.split(sep)))
            if " " in value and all(t.startswith("http") for t in value.split()):
                value = " ".join(sorted(value.split()))
            row[var] = {**term, "value": value}
        rows.append(json.dumps(row, sort_keys=True))
    return sorted(rows)


def _kg_query(settings: Settings, file: str, *params: str) -> dict[str, Any]:
    args = ["query", file, "--format", "json"]
    for p in params:
        args += ["--param", p]
    done = run_kg(args, settings)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_list_has_every_question(client: FlaskClient) -> None:
    html = client.get("/questions").get_data(as_text=True)
    links = re.findall(r'href="/questions/([\w-]+)"', html)
    assert links == [f.stem for f in FILES]
    assert "For a given kind of body" in html
    listed = client.get("/questions.json").get_json()["questions"]
    assert [q["name"] for q in listed] == links


@pytest.mark.parametrize("file", FILES, ids=[f.stem for f in FILES])
def test_every_form_answers_as_kg_query(
    client: FlaskClient, real_store: Settings, file: Any
) -> None:
    response = client.get(f"/questions/{file.stem}.json")
    assert response.status_code == 200, response.get_data(as_text=True)
    page = response.get_json()
    expected = _kg_query(real_store, file.relative_to(REPO).as_posix())
    assert page["results"]["head"] == expected["head"]
    assert _rows(page["results"]) == _rows(expected)
    # the HTML page shows the same number of rows
    html = client.get(f"/questions/{file.stem}").get_data(as_text=True)
    total = len(expected["results"]["bindings"])
    if total:
        assert f"{total} row" in html
    else:
        assert "No rows" in html


@pytest.mark.parametrize(
    ("name", "form", "params"),
    [
        ("cq17-duties-of-a-kind", {"kind": SGD + "kind-lscb"}, ["kind=" + SGD + "kind-lscb"]),
        (
            "cq18-in-force-at-date",
            {"date-day": "1", "date-month": "6", "date-year": "2004"},
            ["date=2004-06-01"],
        ),
        (
            "cq09-safeguarding-partners",
            {"asAt-day": "1", "asAt-month": "8", "asAt-year": "2017"},
            ["asAt=2017-08-01"],
        ),
        (
            "changed-between",
            {"from": "2017-01-01", "to-day": "31", "to-month": "12", "to-year": "2017"},
            ["from=2017-01-01", "to=2017-12-31"],
        ),
        (
            "cq19-provision-duties-and-reliance",
            {"provision": "https://www.legislation.gov.uk/ukpga/2004/31/section/11"},
            ["provision=https://www.legislation.gov.uk/ukpga/2004/31/section/11"],
        ),
    ],
)
def test_chosen_values_answer_as_kg_query_param(
    client: FlaskClient, real_store: Settings, name: str, form: dict[str, str], params: list[str]
) -> None:
    page = client.get(f"/questions/{name}.json", query_string=form).get_json()
    expected = _kg_query(real_store, page["file"], *params)
    assert expected["results"]["bindings"], "a value that answers something"
    assert _rows(page["results"]) == _rows(expected)
    # the form shows what was chosen, and the command line says the same
    for p in params:
        key, value = p.split("=", 1)
        assert f"--param {key}={value}" in page["command"]
        assert next(f for f in page["fields"] if f["name"] == key)["value"] == value


def test_the_form_is_a_govuk_form_with_selects_and_date_inputs(client: FlaskClient) -> None:
    html = client.get("/questions/cq17-duties-of-a-kind").get_data(as_text=True)
    select = re.search(r'<select[^>]*id="q-kind".*?</select>', html, re.S)
    assert select and "youth offending team</option>" in select.group(0)
    assert re.search(r'<option value="' + SGD + r'kind-youth-offending-team" selected>', html)
    html = client.get("/questions/cq18-in-force-at-date").get_data(as_text=True)
    assert 'name="date-day"' in html and 'value="2017"' in html
    assert 'id="answer-table"' in html


def test_show_the_sparql_opens_the_same_query_in_the_editor(client: FlaskClient) -> None:
    page = client.get(
        "/questions/cq17-duties-of-a-kind.json", query_string={"kind": SGD + "kind-lscb"}
    ).get_json()
    assert f"VALUES ?kind {{ <{SGD}kind-lscb> }}" in page["sparql"]
    html = client.get(page["editor_href"]).get_data(as_text=True)
    config = re.search(r'id="query-config">(.*?)</script>', html, re.S)
    assert config and json.loads(unescape(config.group(1)))["default"] == page["sparql"]
    assert parse_qs(urlsplit(page["editor_href"]).query)["query"] == [page["sparql"]]
    html = client.get("/questions/cq17-duties-of-a-kind").get_data(as_text=True)
    assert "Show the SPARQL" in html and 'id="open-in-editor"' in html


@pytest.mark.parametrize(
    ("url", "status", "field", "message"),
    [
        ("/questions/cq17-duties-of-a-kind?kind=foo", 400, "kind", "is not one of the choices"),
        (
            "/questions/cq18-in-force-at-date?date-day=30&date-month=2&date-year=2019",
            400,
            "date-day",
            "must be a real date (30 2 2019 is not one)",
        ),
        (
            "/questions/cq18-in-force-at-date?date-day=1&date-month=&date-year=2019",
            400,
            "date-month",
            "must be a real date",
        ),
        ("/questions/cq18-in-force-at-date?date=2019-02-30", 400, "date", "not a valid xsd:date"),
    ],
)
def test_bad_values_give_the_form_back_with_the_error(
    client: FlaskClient, url: str, status: int, field: str, message: str
) -> None:
    response = client.get(url)
    assert response.status_code == status
    html = unescape(response.get_data(as_text=True))
    link = rf'error-summary__list">\s*<li><a href="#q-{field}">[^<]*{re.escape(message)}'
    assert re.search(link, html)
    assert f'id="q-{field.split("-")[0]}' in html and "Traceback" not in html
    # the twin refuses it too, naming the field
    twin = client.get(url.replace("?", ".json?", 1))
    assert twin.status_code == 400 and twin.get_json()["error"]["field"] == field


def test_unknown_questions_and_parameters(client: FlaskClient) -> None:
    assert client.get("/questions/no-such-question").status_code == 404
    response = client.get("/questions/cq17-duties-of-a-kind?colour=red")
    assert response.status_code == 400 and "no parameter 'colour'" in unescape(
        response.get_data(as_text=True)
    )


def test_the_editor_refuses_an_oversized_query(client: FlaskClient, real_store: Settings) -> None:
    too_long = "#" * (real_store.max_query_bytes + 1)
    response = client.get("/query", query_string={"query": too_long})
    assert response.status_code == 400
    assert "at most 131072 bytes" in unescape(response.get_data(as_text=True))


def test_a_question_past_the_time_limit_is_a_clear_503(real_store: Settings) -> None:
    """Questions run in the endpoint's worker pool, under its time limit."""
    app = create_app({"KG_SETTINGS": real_store.with_(query_timeout=0.001), "TESTING": True})
    try:
        response = app.test_client().get("/questions/changed-between")
        assert response.status_code == 503
        html = unescape(response.get_data(as_text=True))
        assert "time limit" in html and "Traceback" not in html
    finally:
        app.extensions[EXTENSION].close()


def _duties(results: dict[str, Any], **where: str) -> set[str]:
    return {
        b["duty"]["value"]
        for b in results["results"]["bindings"]
        if all(b[k]["value"] == v for k, v in where.items())
    }


def test_the_comparison_agrees_with_cq18_on_each_day(client: FlaskClient) -> None:
    """What is in force "only on the first day" is in cq18's answer for the first day
    and not in its answer for the second, and the other way round."""
    days = {"first": "2004-06-01", "second": "2017-08-01"}
    compared = client.get("/questions/in-force-compared.json", query_string=days).get_json()
    on = {
        name: client.get(
            "/questions/cq18-in-force-at-date.json", query_string={"date": day}
        ).get_json()["results"]
        for name, day in days.items()
    }
    first_only = _duties(compared["results"], compared="only on the first day")
    second_only = _duties(compared["results"], compared="only on the second day")
    assert f"{SGD}duty-wt1999-ensure-acpc" in first_only
    assert f"{SGD}duty-ca2004-s16-have-regard-to-guidance" in second_only
    assert first_only <= _duties(on["first"]) and not first_only & _duties(on["second"])
    assert second_only <= _duties(on["second"]) and not second_only & _duties(on["first"])
    # and nothing cq18 lists on one day only is missing from the comparison
    assert _duties(on["first"]) - _duties(on["second"]) <= first_only
    assert _duties(on["second"]) - _duties(on["first"]) <= second_only


def test_an_answer_is_kept_for_the_build(web_app: Flask) -> None:
    """A question asked again on the same build is answered from the catalog's copy,
    not run again (bench/pages_bench.py measures what that saves); a rebuilt store has
    a new catalog, and so no copy."""
    client = web_app.test_client()
    path = "/questions/cq18-in-force-at-date.json?as_at=2017-08-01"
    first = client.get(path).get_json()
    kept = web_app.extensions["kg"].catalogs.get().__dict__["_question_answers"]
    key = next(k for k, v in kept.items() if v == first["results"])
    assert key[0] == date.today().isoformat()  # a query may read NOW(): kept for the day
    # the kept copy is what the next request answers with (an empty answer, to tell)
    kept[key] = {**first["results"], "results": {"bindings": []}}
    try:
        assert client.get(path).get_json()["results"]["results"]["bindings"] == []
    finally:
        kept[key] = first["results"]
    assert client.get(path).get_json()["results"] == first["results"]
