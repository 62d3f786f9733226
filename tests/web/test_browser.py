"""The web UI in a real headless Chromium (Debian's), driven by Playwright.

One ``kg serve`` and one browser serve the whole session (see conftest.py). Every
page type must load without console errors (CSP violations are console errors)
and pass axe-core's WCAG 2.2 A/AA rules.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from tests.helpers import REPO
from tests.web.conftest import run_axe

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES = [
    "/",
    "/bodies",
    "/boards",
    "/provisions?as_at=2017-08-01",
    "/areas",
    "/id/kind-youth-offending-team?as_at=2017-08-01",
    "/id/merseyside-smb?as_at=2017-08-01",
    "/id/merseyside-police?as_at=2017-08-01",
    "/id/kind-lscb",
    "/id/merseyside-protocol-2017",
    "/legislation/ukpga/2003/44/section/325",
    "/legislation/ukpga/2003/44/section/325?as_at=2010-01-01",
    "/id/mappa-area-merseyside?as_at=2017-08-01",
    "/id/duty-cja2003-s326-1-review",
    "/id/discrepancy-d1-lhb",
    "/search?q=youth+offending",
    "/diagram?area=sgd:mappa-area-merseyside&as_at=2017-08-01",
    "/network?as_at=2017-08-01&from=sgd:merseyside-smb&to=sgd:knowsley-lscb",
    "/changes?from=2019-01-01&to=2019-12-31&kind=kind-lscb",
    "/glossary",
    "/compare?a=merseyside&b=cumbria&as_at=2017-08-01",
    "/compare?area=merseyside&from=2004-06-01&to=2017-08-01",
    "/compare?a=nowhere&b=cumbria",
    "/id/kind-youth-offending-team/briefing?as_at=2017-08-01",
    "/id/mappa-area-merseyside/briefing?as_at=2017-08-01",
    "/questions",
    "/questions/cq17-duties-of-a-kind",
    "/questions/changed-between",
    "/questions/cq18-in-force-at-date?date-day=30&date-month=2&date-year=2019",
    "/query",
    "/validate?example=merseyside-2017",
    "/downloads",
    "/ontology",
    "/id/no-such-thing",
    "/bodies?as_at=9999-01-01",
]
ERROR_PAGES = {
    "/id/no-such-thing": 404,
    "/bodies?as_at=9999-01-01": 400,
    "/compare?a=nowhere&b=cumbria": 400,
    "/questions/cq18-in-force-at-date?date-day=30&date-month=2&date-year=2019": 400,
}


@pytest.mark.parametrize("url", PAGES)
def test_page_loads_cleanly_and_passes_axe(page: Any, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == ERROR_PAGES.get(url, 200)
    violations = run_axe(page, best_practice=True)
    assert violations == [], violations
    errors = [e for e in page.console_errors if not e.startswith("Failed to load resource")]
    assert errors == [], errors
    assert page.locator("h1").count() == 1


def test_answer_what_a_yot_owes_by_clicking(page: Any) -> None:
    page.goto("/")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Bodies").click()
    page.get_by_role("link", name="youth offending team", exact=True).click()
    assert page.url.endswith("/id/kind-youth-offending-team")
    # the GOV.UK date input: a date that is not real is shown beside the input, kept
    page.fill("#as_at-day", "31")
    page.fill("#as_at-month", "2")
    page.fill("#as_at-year", "2017")
    page.click("#as_at-submit")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible() and "real date" in summary.inner_text()
    assert page.evaluate("document.activeElement.closest('.govuk-error-summary') !== null")
    assert "real date" in page.locator("#as_at-error").inner_text()
    assert page.input_value("#as_at-day") == "31"
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "as_at-day"
    page.fill("#as_at-day", "1")
    page.fill("#as_at-month", "8")
    page.click("#as_at-submit")
    assert "as_at=2017-08-01" in page.url
    assert page.locator("#duties-held").inner_text().endswith("1 August 2017")
    table = page.locator("#duties-held-table")
    assert "Be represented on the LSCB" in table.inner_text()
    # the provision link keeps the date, and the provision links out to legislation.gov.uk
    table.get_by_role("link", name="Criminal Justice Act 2003 s.325(3)").first.click()
    assert "/legislation/ukpga/2003/44/section/325/3?as_at=2017-08-01" in page.url
    assert page.locator(
        'a[href="https://www.legislation.gov.uk/ukpga/2003/44/section/325/3"]'
    ).count()
    # today: no LSCB
    page.goto("/id/kind-youth-offending-team")
    assert "Be represented on the LSCB" not in page.locator("#duties-held-table").inner_text()


def test_merseyside_smb_commitments_by_clicking(page: Any) -> None:
    page.goto("/documents")
    page.get_by_role("link", name=re.compile("Merseyside MAPPA SMB and LSCBs protocol")).click()
    text = page.locator("#commitments").locator("xpath=following-sibling::*[1]").inner_text()
    assert "share strategic information" in page.content()
    assert "What" in text
    for letter in "abcdefgh":
        assert f"({letter})" in page.inner_text("main")


def test_keyboard_skip_link(page: Any) -> None:
    page.goto("/bodies")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


def _wait_until(page: Any, expression: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"timed out waiting for {expression}"
        page.wait_for_timeout(100)


def test_diagram_draws_and_filters(page: Any) -> None:
    page.goto("/diagram?as_at=2017-08-01")
    page.select_option("#f-area", label="Merseyside")
    page.click("#filters-submit")
    assert "area=" in page.url and "as_at=2017-08-01" in page.url
    # poll with evaluate(): wait_for_function evaluates its predicate with eval(), which
    # the page's Content-Security-Policy (rightly) forbids
    _wait_until(page, "!!(window.kgDiagram && window.kgDiagram.nodes().length > 5)")
    assert page.locator("#diagram canvas").count() > 0
    assert page.locator("#diagram-png").is_visible()
    with page.expect_download() as download:
        page.click("#diagram-png")
    assert download.value.suggested_filename == "duty-network.png"
    assert page.console_errors == []


def test_network_chain(page: Any) -> None:
    page.goto("/network?as_at=2017-08-01")
    page.select_option("#n-from", label="Merseyside MAPPA Strategic Management Board")
    page.select_option("#n-to", label="Knowsley LSCB Board Manager")
    page.click("#filters-submit")
    chain = page.locator("#chain").locator("xpath=following-sibling::ol[1]")
    assert "Knowsley LSCB Board Manager" in chain.inner_text()


def test_yasgui_runs_a_competency_query(page: Any, live_server: str) -> None:
    probe = page.request.get(live_server + "/sparql?query=ASK%7B%7D", timeout=20000)
    if probe.status == 404:
        pytest.skip("the SPARQL endpoint (/sparql) is not registered in this build")
    assert probe.status == 200, f"/sparql does not answer: {probe.status} {probe.text()[:200]}"
    page.goto("/query")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.get_by_role("button", name=re.compile("What has the MAPPA SMB committed")).click()
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr .dataTable, .yasr table", timeout=15000)
    assert "share strategic information" in page.inner_text(".yasr")
    assert run_axe(page) == []  # the editor with a result table


def test_a_question_answered_by_choosing_then_opened_in_the_editor(page: Any) -> None:
    page.goto("/questions")
    page.click("a:has-text('For a given kind of body')")
    page.select_option("#q-kind", label="Local Safeguarding Children Board")
    page.click("#q-submit")
    page.wait_for_selector("#answer-table")
    assert "kind=https" in page.url
    assert "Have regard to the Secretary of State" in page.inner_text("#answer-table")
    page.click("#show-sparql summary")
    assert "kind-lscb" in page.inner_text("#show-sparql pre")
    page.click("#open-in-editor")
    page.wait_for_selector(".yasqe .CodeMirror")
    text = page.evaluate("window.kgYasgui.getTab().getQuery()")
    assert "VALUES ?kind { <https://w3id.org/safeguarding-kg/id/kind-lscb> }" in text
    assert page.console_errors == []


def test_yasgui_results_are_accessible(page: Any, real_store: Any) -> None:
    """YASGUI's result table, on canned results (so it does not depend on /sparql)."""
    from kg.query import format_json, load_query, run_query
    from kg.store import open_store

    query = load_query("cq11-smb-commitments.rq", real_store)
    body = format_json(run_query(open_store(real_store), query))
    page.route(
        "**/sparql",
        lambda route: route.fulfill(
            status=200, content_type="application/sparql-results+json", body=body
        ),
    )
    page.goto("/query")
    page.wait_for_selector(".yasqe .CodeMirror")
    page.get_by_role("button", name=re.compile("What has the MAPPA SMB committed")).click()
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table", timeout=15000)
    assert "SMB (a)" in page.inner_text(".yasr")
    assert run_axe(page) == []
    assert page.console_errors == []


def test_validate_upload_and_read_the_report(page: Any, tmp_path: Any) -> None:
    page.goto("/validate")
    page.set_input_files("#upload", str(REPO / "examples" / "merseyside-2017.yaml"))
    page.fill("#v-as_at", "2017-08-01")
    page.click("#validate-submit")
    summary = page.locator("#report-summary")
    assert "as at 1 August 2017" in summary.inner_text()
    assert "violation" in summary.inner_text().lower()
    # a file that does not parse: the line and the reason
    bad = tmp_path / "broken.ttl"
    bad.write_text("@prefix sg: <https://w3id.org/safeguarding-kg/ontology#> .\n<a> <b> .\n")
    page.set_input_files("#upload", str(bad))
    page.click("#validate-submit")
    error = page.locator(".govuk-error-summary").inner_text()
    assert "broken.ttl" in error and "line 2" in error.lower()
    assert run_axe(page) == []


@pytest.mark.parametrize("url", PAGES)
def test_no_sideways_scroll_on_a_phone(browser_context: Any, url: str) -> None:
    """WCAG 1.4.10 (reflow): at 390 CSS px nothing makes the page scroll sideways;
    wide tables scroll inside their own labelled, focusable region instead."""
    pg = browser_context.new_page()
    try:
        pg.set_viewport_size({"width": 390, "height": 844})
        pg.goto(url)
        width = pg.evaluate("document.documentElement.scrollWidth")
        wide = pg.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > 391
                             && e.parentElement.getBoundingClientRect().right <= 391)
                .slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id
                                      + ' ' + (e.textContent || '').slice(0, 40))"""
        )
        assert width <= 390, (width, wide)
        assert run_axe(pg, best_practice=True) == []
    finally:
        pg.close()


def test_home_is_built_around_what_people_come_to_do(page: Any) -> None:
    page.goto("/?as_at=2017-08-01")
    page.select_option("#task-area-choice", label="Cumbria")
    page.click("#task-area-submit")
    assert page.url.endswith("/id/mappa-area-cumbria?as_at=2017-08-01")
    assert "Who owes what to whom here on 1 August 2017" in page.inner_text("#duties")
    page.goto("/")
    page.select_option("#task-kind", label="youth offending team")
    page.click("#task-kind-submit")
    assert page.url.endswith("/id/kind-youth-offending-team")
    page.goto("/")
    page.get_by_role("link", name="What changed?").click()
    assert "/changes" in page.url and page.locator("h1").count() == 1
