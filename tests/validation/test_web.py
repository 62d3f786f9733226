"""The Validate page shows the comparison with the statutory frame (no template of its
own: a frame finding is a finding like the shapes')."""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kg.config import Settings
from tests.validation.conftest import REPO
from webui import create_app

CUMBRIA = REPO / "examples" / "cumbria-2017.yaml"


@pytest.fixture
def client(frame_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FlaskClient:
    # the page validates in this process here (kg serve uses workers); the frame is read
    # from the store the app serves, whatever KG_STORE_DIR says
    monkeypatch.setenv("KG_STORE_DIR", str(tmp_path / "no-store-here"))
    settings = Settings.for_home(REPO, store_dir=frame_store)
    return create_app({"KG_SETTINGS": settings, "TESTING": True}).test_client()


def test_the_page_names_the_missing_housing_authority(client: FlaskClient) -> None:
    response = client.post(
        "/validate", data={"format": "yaml", "config": CUMBRIA.read_text(encoding="utf-8")}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # the rule in words, its code in small print linked to its explanation
    assert "The duty-to-co-operate list names each body the statute names for the area" in page
    assert '<a class="govuk-link app-rule-code" href="/validate/rules#rule-FR-2">Rule FR-2' in page
    assert (
        "Cumbria: the configuration has no duty-to-co-operate entry for Carlisle council as "
        "local housing authority (Criminal Justice Act 2003 s.325(6)(d))"
    ) in page
    assert "Criminal Justice Act 2003 s.325(6)(d)</a>" in page


def test_the_json_twin_and_the_example_link(client: FlaskClient) -> None:
    data = client.get("/validate.json?example=cumbria-2017").get_json()
    [finding] = data["report"]["findings"]
    assert finding["rule"] == "FR-2"
    assert finding["value"] == "https://w3id.org/safeguarding-kg/id/council-carlisle"
    assert data["report"]["summary"] == {"violations": 0, "warnings": 1, "infos": 0}


def _title(page: str) -> str:
    return html.unescape(re.search(r"<title>(.*?)</title>", page).group(1))


def test_the_title_counts_the_problems_and_findings_go_by_severity(client: FlaskClient) -> None:
    merseyside = REPO / "examples" / "merseyside-2017.yaml"
    response = client.post("/validate", data={"config": merseyside.read_text(), "as_at": ""})
    page = response.get_data(as_text=True)
    assert _title(page).startswith("7 warnings and 5 notes – Validate an area configuration")
    assert 'id="report-summary" tabindex="-1" data-kg-focus' in page
    # the summary comes before the findings, and the form comes after them
    assert page.index('id="report-summary"') < page.index('id="warnings"')
    assert page.index('id="warnings"') < page.index('id="notes"') < page.index('id="config"')
    data = client.post(
        "/validate.json", data={"config": merseyside.read_text(), "as_at": ""}
    ).get_json()
    sections = data["report"]["sections"]
    assert [(s["id"], s["count"]) for s in sections] == [("warnings", 7), ("notes", 5)]
    lines = [f["line"] for f in sections[0]["findings"]]
    assert lines == sorted(lines)


def test_an_upload_that_fails_is_kept_explained_and_quoted(client: FlaskClient) -> None:
    text = "configuration: x\ntitle: y\n  area: merseyside\n"
    response = client.post(
        "/validate",
        data={"format": "turtle", "config": "", "upload": (io.BytesIO(text.encode()), "a.yaml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert _title(page).startswith("Error: Validate an area configuration")
    summary = page[page.index("govuk-error-summary__list") :]
    assert "a.yaml, line 3: This line has a colon where YAML did not expect a new key." in (
        html.unescape(summary[: summary.index("</ul>")])
    )
    # the file's text is in the box, as YAML, to be corrected there
    assert html.unescape(page).count(text) == 1
    assert re.search(r'id="format-yaml" name="format" type="radio" value="yaml" checked', page)
    assert "The contents of a.yaml are here so that you can correct them" in page
    assert '<span class="app-quoted-lines__concerned">   3    area: merseyside</span>' in page
    assert "Check the indentation" in page
    assert "invalid YAML: mapping values are not allowed" in page  # the parser's words


def test_a_pasted_text_is_kept_on_error(client: FlaskClient) -> None:
    text = "@prefix sg: <https://w3id.org/safeguarding-kg/ontology#> .\nsg:x a sg:Body\n"
    response = client.post("/validate", data={"format": "turtle", "config": text})
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert text in page
    assert "pasted.ttl, line 3: The file ends in the middle of a statement." in page


def _download_fields(client: FlaskClient) -> dict[str, str]:
    page = client.get("/validate?example=cumbria-2017").get_data(as_text=True)
    sources = re.search(r"name=\"sources\" value='(.*?)'>", page, re.S).group(1)
    return {"sources": html.unescape(sources), "as_at": ""}


def test_the_report_downloads_as_html_and_json(client: FlaskClient) -> None:
    fields = _download_fields(client)
    response = client.post("/validate/download", data=fields | {"as": "json"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="validation-cumbria-2017-2017-08-01.json"'
    )
    report = json.loads(response.get_data(as_text=True))
    assert report["summary"] == {"violations": 0, "warnings": 1, "infos": 0}
    assert [f["rule"] for f in report["findings"]] == ["FR-2"]
    assert "sections" not in report and "groups" not in report  # the report, not the page
    response = client.post("/validate/download", data=fields | {"as": "html"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<title>Validation as at 2017-08-01: 1 warning</title>" in page
    assert 'href="http://localhost/validate/rules#rule-FR-2">FR-2</a>' in page
    assert "Carlisle council" in page


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"sources": "not json", "as": "html"}, "sources"),
        ({"sources": "[[1, 2]]", "as": "json"}, "sources"),
        ({"sources": "[]", "as": "json"}, "sources"),
        ({"sources": '[["a.yaml", "x: 1"]]', "as": "pdf"}, "as"),
    ],
)
def test_a_bad_download_request_is_refused_naming_the_field(
    client: FlaskClient, fields: dict[str, str], field: str
) -> None:
    response = client.post("/validate/download", data=fields)
    assert response.status_code == 400
    assert field in response.get_data(as_text=True)


def test_the_rules_page_explains_every_code_the_report_links(client: FlaskClient) -> None:
    page = client.get("/validate/rules").get_data(as_text=True)
    data = client.get("/validate/rules.json").get_json()
    codes = [r["code"] for src in data["sources"] for r in src["rules"]]
    assert {"RA-1", "ST-5", "FR-2"} <= set(codes)
    for code in codes:
        assert f'id="rule-{code}"' in page
    assert "The responsible authority includes each of its statutory members" in page
