"""Timelines (issue 11, item 2): every body, kind, board, provision, area and document
page lists its events, dated, earliest first, with a picture drawn from that list.
Flask test client on the real build."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.web.test_pages import html

SGD = "https://w3id.org/safeguarding-kg/id/"
PAGES = {
    "body": "/id/merseyside-police",
    "kind": "/id/kind-lscb",
    "board": "/id/merseyside-smb",
    "provision": "/legislation/ukpga/2003/44/section/325",
    "area": "/id/mappa-area-merseyside",
    "document": "/id/merseyside-protocol-2017",
}


def _timeline(client: FlaskClient, url: str) -> dict:
    data = client.get(url + ".json?as_at=2017-08-01").get_json()
    return data["timeline"]


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_every_page_type_has_a_dated_list_and_its_picture(client: FlaskClient, kind: str) -> None:
    tl = _timeline(client, PAGES[kind])
    events = tl["events"]
    assert events, kind
    sorts = [e["sort"] for e in events]
    assert sorts == sorted(sorts), "earliest first"
    assert all(e["when_text"] for e in events)
    # one mark per dated event, inside the line
    assert len(tl["picture"]["marks"]) == len(events)
    assert all(0 <= m["x"] <= m["x"] + m["width"] <= 100 for m in tl["picture"]["marks"])
    assert set(tl["kinds"]) == {e["kind"] for e in events}
    page = html(client, PAGES[kind] + "?as_at=2017-08-01")
    assert 'id="timeline"' in page and 'id="timeline-list"' in page
    assert 'class="app-timeline" aria-hidden="true"' in page


def test_the_lscb_kind_began_and_ended_with_its_instrument(client: FlaskClient) -> None:
    events = _timeline(client, "/id/kind-lscb")["events"]
    ended = [
        e
        for e in events
        if e["kind"] == "ended" and e["item"] and e["item"]["iri"] == SGD + "kind-lscb"
    ]
    assert ended and ended[0]["date"] == "2019-09-29"
    assert "Children and Social Work Act 2017" in ended[0]["text"]
    # per-area counts are events too, never one line per area
    assert any("(derived per area)" in e["text"] and e["item"] is None for e in events)


def test_a_provision_timeline_has_its_effects_and_uncertain_dates_as_bars(
    client: FlaskClient,
) -> None:
    tl = _timeline(client, "/legislation/ukpga/2003/44/section/325")
    kinds = {e["kind"] for e in tl["events"]}
    assert {"commenced", "amended", "inserted", "began"} <= kinds
    ukba = next(
        e for e in tl["events"] if "UK Border Agency" in e["text"] and e["kind"] == "amended"
    )
    assert ukba["uncertain"] and ukba["when_text"] == "between 28 June 2011 and 31 December 2011"
    mark = tl["picture"]["marks"][tl["events"].index(ukba)]
    assert mark["width"] > 0  # drawn over the interval, not as one day
    assert tl["picture"]["as_at"] is not None


def test_a_document_timeline_has_its_review_date(client: FlaskClient) -> None:
    events = _timeline(client, "/id/merseyside-protocol-2017")["events"]
    review = [e for e in events if e["kind"] == "review due"]
    assert review and review[0]["date"] == "2018-08-31"
    assert all(e["kind"] in ("began", "ended", "review due") for e in events)


def test_pages_without_a_timeline_type_have_none(client: FlaskClient) -> None:
    data = client.get("/id/duty-cja2003-s326-1-review.json").get_json()
    assert "timeline" not in data


def test_an_area_timeline_is_its_own_history_with_per_area_facts_counted(
    client: FlaskClient,
) -> None:
    events = _timeline(client, "/id/mappa-area-london")["events"]
    # its councils and derived roles, counted; nothing of the national law as such
    counted = [e for e in events if e["item"] is None]
    assert any("(in the geography)" in e["text"] for e in counted)
    listed = [e for e in events if e["item"] is not None]
    assert all("London" in e["text"] or "LCPC" in e["text"] for e in listed), listed[:3]
    assert len(events) < 100


def test_the_timeline_links_to_the_same_changes(client: FlaskClient) -> None:
    tl = _timeline(client, "/id/mappa-area-london")
    assert tl["changes_href"] == "/changes?area=mappa-area-london&from=1900-01-01"
    page = html(client, "/id/mappa-area-london")
    assert "with every change of the national law that extends here" in page
    assert client.get(tl["changes_href"]).status_code == 200
