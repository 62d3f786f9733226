"""An area page lists the areas within it with their kind and their life on the date.

Reorganisations change which districts and counties an area holds (Cumbria's six
districts and county gave way to two unitary authorities on 1 April 2023), and two
areas can share a name (Cumbria the county and Cumbria the police area).
"""

from __future__ import annotations

from flask.testing import FlaskClient

CUMBRIA = "/id/mappa-area-cumbria"


def _contains(client: FlaskClient, as_at: str) -> dict[tuple[str, str], str]:
    page = client.get(f"{CUMBRIA}.json?as_at={as_at}").get_json()
    return {(row["label"], row["kind"]): row["status"] for row in page["contains"]}


def test_contained_areas_carry_their_kind_and_their_state_on_the_date(
    client: FlaskClient,
) -> None:
    before = _contains(client, "2017-08-01")
    assert before[("Cumbria", "county (two-tier)")] == "in force"
    assert before[("Cumbria", "police area")] == "in force"
    assert before[("Carlisle", "shire district (two-tier)")] == "in force"
    assert before[("Cumberland", "unitary authority")] == "not in force"
    after = _contains(client, "2023-06-01")
    assert after[("Cumbria", "county (two-tier)")] == "not in force"
    assert after[("Carlisle", "shire district (two-tier)")] == "not in force"
    assert after[("Cumberland", "unitary authority")] == "in force"
    assert after[("Westmorland and Furness", "unitary authority")] == "in force"


def test_the_page_tells_them_apart_and_keeps_acronyms(client: FlaskClient) -> None:
    html = client.get(f"{CUMBRIA}?as_at=2017-08-01").get_data(as_text=True)
    assert "Areas within it" in html
    assert "county (two-tier)" in html and "police area" in html
    # the Cumberland row is marked as not existing on the date
    row = html[html.index(">Cumberland<") :].split("</tr>", 1)[0]
    assert "not on this date" in row
    # the caption keeps the acronym (Jinja's capitalize gave "Mappa area")
    assert "MAPPA area" in html and "Mappa area" not in html
