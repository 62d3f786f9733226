"""The /changes page and its JSON twin, through Flask's test client on the real data."""

from __future__ import annotations

import re
import time
from datetime import date
from html import unescape

import pytest
from flask.testing import FlaskClient

from tests.web.conftest import unmarked

SGD = "https://w3id.org/safeguarding-kg/id/"
LSCB_2019 = "from=2019-01-01&to=2019-12-31&kind=kind-lscb"


def _errors(html: str) -> list[tuple[str, str]]:
    return re.findall(r'govuk-error-summary__list">\s*<li><a href="#([^"]+)">([^<]+)', html)


def _typed(html: str, name: str) -> dict[str, str]:
    return dict(re.findall(rf'id="{name}-(day|month|year)"[^>]*value="([^"]*)"', html))


def _selected(html: str, field: str) -> list[str]:
    select = re.search(rf'<select[^>]*id="changes-{field}".*?</select>', html, re.S)
    assert select, field
    return re.findall(r'<option value="([^"]*)" selected>', select.group(0))


def test_the_page_and_its_twin_say_the_same(client: FlaskClient) -> None:
    response = client.get(f"/changes?{LSCB_2019}")
    assert response.status_code == 200
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    html = unmarked(response.get_data(as_text=True))
    assert "Traceback" not in html
    assert "On 29 September 2019 the last Local Safeguarding Children Boards ceased" in html
    assert "Between 1 January 2019 and 31 December 2019" in html
    # the form shows what was asked, the dates as day, month and year
    assert _typed(html, "from") == {"day": "1", "month": "1", "year": "2019"}
    assert _typed(html, "to") == {"day": "31", "month": "12", "year": "2019"}
    assert _selected(html, "kind") == ["kind-lscb"]
    # possibly, with the reason in words
    assert re.search(r"possibly</strong>\s*Knowsley Local Safeguarding Children Board possibly "
                     r"ceased in this period: it ended between 1 August 2017 and 29 September "
                     r"2019", html)  # fmt: skip
    # the per-area count, not thousands of rows
    assert 'id="per-area-table"' in html and "safeguarding partnerships (derived per area)" in html
    # the JSON twin: linked from the page, the same groups and sentences
    assert 'href="/changes.json?from=2019-01-01&amp;to=2019-12-31&amp;kind=kind-lscb"' in html
    twin = client.get(f"/changes.json?{LSCB_2019}")
    assert twin.status_code == 200 and twin.mimetype == "application/json"
    data = twin.get_json()
    assert data["filters"]["kind"]["iri"] == SGD + "kind-lscb"
    sentences = [e["sentence"] for g in data["groups"] for e in g["events"]]
    text = unescape(html)
    assert sentences and all(s in text for s in sentences)
    assert "choices" not in data


def test_the_date_inputs_work_like_the_iso_dates(client: FlaskClient) -> None:
    parts = "from-day=1&from-month=1&from-year=2019&to-day=31&to-month=12&to-year=2019"
    by_parts = client.get(f"/changes.json?{parts}&kind=kind-lscb").get_json()
    by_iso = client.get(f"/changes.json?{LSCB_2019}").get_json()
    assert by_parts["groups"] == by_iso["groups"] and by_parts["from"] == "2019-01-01"


@pytest.mark.parametrize(
    ("query", "anchor", "words", "field", "typed"),
    [
        ("from=2019-13-01&to=2019-12-31", "from-day", "not a real calendar date", "from",
         {"day": "01", "month": "13", "year": "2019"}),
        ("from-day=31&from-month=2&from-year=2019", "from-day", "must be a real date", "from",
         {"day": "31", "month": "2", "year": "2019"}),
        ("to-day=1&to-month=&to-year=2019", "to-month", "must include a month", "to",
         {"day": "1", "month": "", "year": "2019"}),
        ("from=2020-01-01&to=2019-01-01", "from-day", "after to", "from",
         {"day": "01", "month": "01", "year": "2020"}),
    ],
)  # fmt: skip
def test_a_bad_date_is_a_400_with_the_form_kept(
    client: FlaskClient, query: str, anchor: str, words: str, field: str, typed: dict
) -> None:
    response = client.get(f"/changes?{query}&kind=kind-youth-offending-team")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Traceback" not in html
    [(href, message)] = _errors(html)
    assert href == anchor and words in message
    assert f'id="{anchor}"' in html  # the summary's link goes to the input to correct
    assert _typed(html, field) == typed  # what was typed, kept
    assert _selected(html, "kind") == ["kind-youth-offending-team"]  # the other fields too
    assert "govuk-input--error" in html


def test_an_unknown_filter_is_a_400_naming_it(client: FlaskClient) -> None:
    response = client.get("/changes?from=2019-01-01&area=atlantis&kind=YOT")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert _errors(html) == [("changes-area", "No area is known as &#39;atlantis&#39;")]
    assert _typed(html, "from") == {"day": "01", "month": "01", "year": "2019"}
    assert _selected(html, "area") == ["atlantis"] and _selected(html, "kind") == ["YOT"]
    twin = client.get("/changes.json?area=atlantis")
    assert twin.status_code == 400
    assert twin.get_json()["error"]["field"] == "area"
    assert client.get("/changes?colour=red").status_code == 400


def test_an_empty_window_says_so(client: FlaskClient) -> None:
    html = client.get("/changes?from=1950-01-01&to=1950-12-31").get_data(as_text=True)
    assert 'id="no-changes"' in html
    assert "No change is recorded between 1 January 1950 and 31 December 1950" in html


def test_merseyside_lists_what_is_derived_for_it(client: FlaskClient) -> None:
    data = client.get(
        "/changes.json?from=2017-08-01&to=2020-01-01&area=mappa-area-merseyside"
    ).get_json()
    assert data["per_area"]["listed"] is True
    labels = [e["item"]["label"] for g in data["groups"] for e in g["events"]]
    assert "Liverpool safeguarding partnership" in labels
    assert "Liverpool Local Safeguarding Children Board" in labels


def test_a_wide_window_is_served_in_reasonable_time(client: FlaskClient) -> None:
    """2000-01-01 to today, every change listed: the first request computes the
    catalog's facts; the same question again comes from the cache."""
    url = f"/changes?from=2000-01-01&to={date.today().isoformat()}"
    first = time.perf_counter()
    assert client.get(url).status_code == 200
    first = time.perf_counter() - first
    again = time.perf_counter()
    assert client.get(url).status_code == 200
    again = time.perf_counter() - again
    # generous: the machine is shared; docs/changes.md has the measured figures
    assert first < 10 and again < 2, (first, again)
