"""Dates the GOV.UK way (issue 12, deliverable 2): "1 August 2017" on the pages (ISO in
JSON), the day-month-year date input, and a date that cannot be read shown as an error
beside the input on the same page, with what was typed kept."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient


def _summary(html: str) -> list[tuple[str, str]]:
    return re.findall(r'govuk-error-summary__list">\s*<li><a href="#([^"]+)">([^<]+)', html)


def _typed(html: str) -> dict[str, str]:
    return dict(re.findall(r'id="as_at-(day|month|year)"[^>]*value="([^"]*)"', html))


def test_pages_write_dates_as_people_do_and_json_keeps_iso(client: FlaskClient) -> None:
    html = client.get("/id/kind-youth-offending-team?as_at=2017-08-01").get_data(as_text=True)
    assert "What it must and may do on 1 August 2017" in html
    assert "on 2017-08-01" not in html
    assert _typed(html) == {"day": "1", "month": "8", "year": "2017"}
    twin = client.get("/id/kind-youth-offending-team.json?as_at=2017-08-01").get_json()
    assert twin["as_at"] == "2017-08-01"


def test_the_date_input_gives_the_date(client: FlaskClient) -> None:
    parts = "as_at-day=1&as_at-month=8&as_at-year=2017"
    # once it reads as a date, the address gives it as every link does
    moved = client.get(f"/diagram?area=sgd:mappa-area-merseyside&{parts}")
    assert moved.status_code == 303
    assert moved.headers["Location"] == "/diagram?area=sgd%3Amappa-area-merseyside&as_at=2017-08-01"
    empty = client.get("/diagram?as_at-day=&as_at-month=&as_at-year=")
    assert (empty.status_code, empty.headers["Location"]) == (303, "/diagram")
    page = client.get(f"/id/mappa-area-merseyside.json?{parts}", follow_redirects=True).get_json()
    assert page["as_at"] == "2017-08-01"
    html = client.get(f"/id/mappa-area-merseyside?{parts}", follow_redirects=True).get_data(
        as_text=True
    )
    assert "Who owes what to whom here on 1 August 2017" in html
    # links from the page keep the date, in its short form
    assert 'href="/id/merseyside-smb?as_at=2017-08-01"' in html


@pytest.mark.parametrize(
    ("query", "field", "words", "typed"),
    [
        ("as_at-day=31&as_at-month=2&as_at-year=2017", "as_at-day", "real date",
         {"day": "31", "month": "2", "year": "2017"}),
        ("as_at-day=1&as_at-month=&as_at-year=2017", "as_at-month", "include a month",
         {"day": "1", "month": "", "year": "2017"}),
        ("as_at-day=1&as_at-month=8&as_at-year=17", "as_at-year", "4 numbers",
         {"day": "1", "month": "8", "year": "17"}),
        ("as_at-day=one&as_at-month=8&as_at-year=2017", "as_at-day", "must be a number",
         {"day": "one", "month": "8", "year": "2017"}),
        ("as_at-day=1&as_at-month=8&as_at-year=2200", "as_at-year", "between",
         {"day": "1", "month": "8", "year": "2200"}),
        ("as_at=yesterday", "as_at-day", "is not a date", {"day": "", "month": "", "year": ""}),
    ],
)  # fmt: skip
def test_a_bad_date_is_shown_beside_the_input_and_kept(
    client: FlaskClient, query: str, field: str, words: str, typed: dict[str, str]
) -> None:
    for path in ("/bodies", "/id/mappa-area-cumbria", "/diagram"):
        response = client.get(f"{path}?{query}")
        html = response.get_data(as_text=True)
        assert response.status_code == 400, path
        [(target, message)] = _summary(html)
        assert target == field and words in message, (path, message)
        assert 'id="as_at-error"' in html and "govuk-form-group--error" in html
        assert f'id="{field}"' in html and "govuk-input--error" in html
        assert _typed(html) == typed, path
    # the JSON twin cannot show it beside an input: a 400 naming the field
    twin = client.get(f"/bodies.json?{query}")
    assert twin.status_code == 400
    assert twin.get_json()["error"]["field"] == (field if "as_at-" in query else "as_at")


def test_exports_refuse_a_bad_date(client: FlaskClient) -> None:
    for path in ("/diagram.svg", "/diagram.graphml", "/network.graphml",
                 "/id/mappa-area-cumbria.ttl"):  # fmt: skip
        assert client.get(f"{path}?as_at=2017-02-30").status_code == 400, path
