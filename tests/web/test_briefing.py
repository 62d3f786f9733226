"""Briefing packs (/id/<name>/briefing): the print page and its JSON twin through
Flask's test client, and the PDF from the real server, rendered by the real Chromium
and read back with pypdf."""

from __future__ import annotations

import io
import re
import urllib.error
import urllib.request
from html import unescape

import pypdf
import pytest
from flask import Flask
from flask.testing import FlaskClient

from kg.config import Settings
from tests.web.conftest import CHROMIUM, require_browser, unmarked
from webui import create_app

YOT = "/id/kind-youth-offending-team/briefing"
DTC = "Co-operate with the responsible authority in establishing MAPPA"


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", unmarked(html))))


def test_the_print_page_says_what_a_yot_must_do(client: FlaskClient) -> None:
    response = client.get(YOT + "?as_at=2017-08-01")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = _text(html)
    assert "youth offending team on 1 August 2017" in text
    assert DTC in text
    # for whom and under which provision, per duty
    assert "For whom" in text and "Criminal Justice Act 2003 s.325(3)" in text
    for section in ("must", "may", "changes", "reviews", "representatives", "sources"):
        assert f'id="{section}"' in html
    assert "between 1 August 2015 and 1 August 2017" in text
    assert 'href="/id/kind-youth-offending-team/briefing.pdf?as_at=2017-08-01"' in html
    # the page's controls are marked so that print leaves them out
    assert 'class="app-no-print"' in html


def test_the_twin_holds_the_same_duties(client: FlaskClient) -> None:
    page = _text(client.get(YOT + "?as_at=2017-08-01").get_data(as_text=True))
    data = client.get(YOT + ".json?as_at=2017-08-01").get_json()
    assert data["as_at"] == "2017-08-01" and data["subject_type"] == "body"
    actions = [d["action"] for d in data["must"] + data["may"]]
    assert actions and all(a in page for a in actions)
    assert all(d["modality"] == "may" for d in data["may"])
    assert all(d["status"] != "not in force" for d in data["must"])
    # every provision a duty rests on is among the sources
    sources = {s["iri"] for s in data["sources"]}
    assert {p["iri"] for d in data["must"] for p in d["provisions"]} <= sources


def test_an_area_has_its_review_and_representatives(client: FlaskClient) -> None:
    data = client.get("/id/mappa-area-merseyside/briefing.json?as_at=2017-08-01").get_json()
    assert [(r["document"]["label"], r["due"], r["past"]) for r in data["reviews"]] == [
        ("Merseyside MAPPA SMB and LSCBs protocol (August 2017)", "2018-08-31", False)
    ]
    holders = [r["holder"]["label"] for r in data["representatives"] if r["holder"]]
    assert "Ian Mulcahey" in holders
    assert len(holders) == len(data["representatives"]), "one row per assignment"
    assert len({r["assignment"]["iri"] for r in data["representatives"]}) == len(holders)
    # a review date passed is said to be passed, not coming
    later = client.get("/id/mappa-area-merseyside/briefing?as_at=2019-01-01")
    assert "was to be reviewed by 31 August 2018" in _text(later.get_data(as_text=True))


def test_what_changed_comes_from_the_changes_report(client: FlaskClient) -> None:
    data = client.get("/id/kind-lscb/briefing.json?as_at=2019-12-31").get_json()
    report = client.get("/changes.json?from=2017-12-31&to=2019-12-31&board=kind-lscb").get_json()
    sentences = [e["sentence"] for g in report["groups"] for e in g["events"]]
    assert sentences and [e["sentence"] for e in data["changes"]["events"]] == sentences


def test_the_entity_pages_link_to_their_briefing(client: FlaskClient) -> None:
    for name in ("kind-youth-offending-team", "merseyside-smb", "mappa-area-merseyside"):
        path = "/id/" + name
        html = client.get(path + "?as_at=2017-08-01").get_data(as_text=True)
        assert f'href="{path}/briefing?as_at=2017-08-01"' in html, path


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/id/merseyside-protocol-2017/briefing", 404, "briefing packs are made for kinds"),
        ("/id/no-such-thing/briefing", 404, "nothing is known about"),
        (YOT + "?as_at=2019-02-30", 400, "as_at"),
        (YOT + ".pdf?as_at=2019-02-30", 400, "as_at"),
        (YOT + "?colour=red", 400, "no parameter 'colour'"),
    ],
)
def test_bad_requests_get_a_clear_error(
    client: FlaskClient, path: str, status: int, message: str
) -> None:
    response = client.get(path)
    assert response.status_code == status
    html = response.get_data(as_text=True)
    assert message in unescape(html) and "Traceback" not in html


def _app_with(real_store: Settings, **settings: object) -> Flask:
    return create_app({"KG_SETTINGS": real_store.with_(**settings), "TESTING": True})


def test_no_chromium_is_a_clear_503(real_store: Settings) -> None:
    client = _app_with(real_store, chromium="/nonexistent/chromium").test_client()
    response = client.get(YOT + ".pdf")
    assert response.status_code == 503
    html = unescape(response.get_data(as_text=True))
    assert "no Chromium at '/nonexistent/chromium'" in html and "KG_CHROMIUM" in html


def test_a_render_past_its_time_limit_is_a_clear_503(real_store: Settings) -> None:
    require_browser()
    client = _app_with(real_store, chromium=CHROMIUM, pdf_timeout=0.01).test_client()
    response = client.get(YOT + ".pdf")
    assert response.status_code == 503
    assert "not made within 0.01 seconds (KG_PDF_TIMEOUT)" in response.get_data(as_text=True)


def test_the_pdf_from_the_real_server_holds_the_duty_to_cooperate(live_server: str) -> None:
    url = live_server + YOT + ".pdf?as_at=2017-08-01"
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            assert response.headers["Content-Type"] == "application/pdf"
            disposition = response.headers["Content-Disposition"]
            body = response.read()
    except urllib.error.HTTPError as e:
        pytest.fail(f"{e.code}: {e.read()[:500]!r}")
    assert 'filename="briefing-kind-youth-offending-team-2017-08-01.pdf"' in disposition
    reader = pypdf.PdfReader(io.BytesIO(body))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert "youth offending team on 1 August 2017" in text
    assert DTC in text
    assert "duty to co-operate" in text
    assert "Criminal Justice Act 2003 s.325(3)" in text
    # print styles: the service's navigation and the date form are left out
    assert "Show the law and the bodies as they stood on" not in text
    assert "Validate Downloads" not in text
