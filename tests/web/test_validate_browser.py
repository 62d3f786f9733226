"""The Validate flow in a real headless Chromium (issue 12, item 5): after a submit the
report's summary has focus at the top, the title counts the problems, an input error is
explained with its lines quoted and the text kept, the report downloads, and the result,
error and rules pages pass axe (best practices included) at 1280 and 390 px."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.helpers import REPO
from tests.web.conftest import run_axe

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MERSEYSIDE = REPO / "examples" / "merseyside-2017.yaml"
WIDTHS = [1280, 390]


def _submit_merseyside(pg: Any) -> None:
    pg.goto("/validate")
    pg.set_input_files("#upload", str(MERSEYSIDE))
    pg.fill("#v-as_at", "2017-08-01")
    pg.click("#validate-submit")
    pg.wait_for_selector("#report-summary")


def _submit_broken(pg: Any, tmp_path: Any) -> str:
    text = "configuration: x\ntitle: y\n  area: merseyside\n"
    bad = tmp_path / "broken.yaml"
    bad.write_text(text, encoding="utf-8")
    pg.goto("/validate")
    pg.set_input_files("#upload", str(bad))
    pg.click("#validate-submit")
    pg.wait_for_selector(".govuk-error-summary")
    return text


def _no_sideways_scroll_and_axe_clean(pg: Any, width: int) -> None:
    assert pg.evaluate("document.documentElement.scrollWidth") <= width
    assert run_axe(pg, best_practice=True) == []
    errors = [e for e in pg.console_errors if not e.startswith("Failed to load resource")]
    assert errors == []


def test_focus_moves_to_the_report_summary_after_submit(page: Any) -> None:
    _submit_merseyside(page)
    assert page.evaluate("document.activeElement.id") == "report-summary"
    assert page.title().startswith("7 warnings and 5 notes – ")
    # the summary is at the top of the page, in view without scrolling
    box = page.locator("#report-summary").bounding_box()
    assert box is not None and box["y"] + box["height"] < 900
    assert page.evaluate("window.scrollY") < box["y"] + box["height"]
    assert "7 warnings and 5 notes" in page.inner_text("#report-summary")
    # counts link to the sections, violations would come first, then warnings, notes
    page.locator("#report-counts").get_by_role("link", name="7 warnings").click()
    assert page.evaluate("location.hash") == "#warnings"
    headings = page.locator("main h2.govuk-heading-l").all_inner_texts()
    assert headings[:2] == ["Warnings (7)", "Notes (5)"]
    # each code is explained on the rules page
    page.get_by_role("link", name="Rule IS-2").first.click()
    assert page.url.endswith("/validate/rules#rule-IS-2")
    assert "marking scheme" in page.inner_text("#rule-IS-2")


def test_the_report_downloads_as_html_and_json(page: Any) -> None:
    _submit_merseyside(page)
    with page.expect_download() as download:
        page.click("#download-json")
    assert download.value.suggested_filename == "validation-merseyside-2017-2017-08-01.json"
    report = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert report["summary"] == {"violations": 0, "warnings": 7, "infos": 5}
    assert report["as_at_source"] == "option"
    with page.expect_download() as download:
        page.click("#download-html")
    assert download.value.suggested_filename == "validation-merseyside-2017-2017-08-01.html"
    assert "7 warnings and 5 notes" in download.value.path().read_text(encoding="utf-8")


def test_an_upload_error_is_explained_and_the_text_kept(page: Any, tmp_path: Any) -> None:
    text = _submit_broken(page, tmp_path)
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    assert "broken.yaml, line 3: This line has a colon" in summary.inner_text()
    assert page.evaluate("document.activeElement.closest('.govuk-error-summary') !== null")
    assert page.input_value("#config") == text
    assert page.is_checked("#format-yaml")
    assert "area: merseyside" in page.inner_text(".app-quoted-lines__concerned")
    # correct it in the box and validate again, without choosing the file
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "config"
    page.fill("#config", MERSEYSIDE.read_text(encoding="utf-8"))
    page.click("#validate-submit")
    page.wait_for_selector("#report-summary")
    assert page.evaluate("document.activeElement.id") == "report-summary"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_result_page_passes_axe(browser_context: Any, width: int) -> None:
    pg = browser_context.new_page()
    pg.console_errors = []
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
    try:
        pg.set_viewport_size({"width": width, "height": 900})
        _submit_merseyside(pg)
        _no_sideways_scroll_and_axe_clean(pg, width)
    finally:
        pg.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_error_page_passes_axe(browser_context: Any, width: int, tmp_path: Any) -> None:
    pg = browser_context.new_page()
    pg.console_errors = []
    try:
        pg.set_viewport_size({"width": width, "height": 900})
        _submit_broken(pg, tmp_path)
        _no_sideways_scroll_and_axe_clean(pg, width)
    finally:
        pg.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_rules_page_passes_axe(browser_context: Any, width: int) -> None:
    pg = browser_context.new_page()
    pg.console_errors = []
    try:
        pg.set_viewport_size({"width": width, "height": 900})
        response = pg.goto("/validate/rules")
        assert response is not None and response.status == 200
        assert pg.locator("h1").count() == 1
        _no_sideways_scroll_and_axe_clean(pg, width)
    finally:
        pg.close()
