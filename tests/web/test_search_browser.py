"""Search in a real headless Chromium (issue 12, deliverable 4): each case's expected
first result, highlighted matches, and the result pages pass axe-core at 1280 and
390 px without scrolling sideways. See conftest.py for the shared server and browser.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest

from tests.web.conftest import run_axe
from tests.web.test_search import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DTC = "/id/duty-cja2003-s325-3-dtc-cooperate"
CASES = [
    ("section 11", "/legislation/ukpga/2004/31/section/11"),
    ("s.14", "/legislation/ukpga/2004/31/section/14"),
    ("s 325(6)", "/legislation/ukpga/2003/44/section/325/6"),
    ("reg 5", "/legislation/uksi/2006/90/regulation/5"),
    ("s.16E", "/legislation/ukpga/2004/31/section/16E"),
    ("duty to cooperate", expect(DTC, "/id/term-duty-to-co-operate")),
    ("MAPPA", expect("/id/mappa-guidance", "/id/term-mappa")),
    ("RA", "/id/kind-responsible-authority"),
    ("DTC", expect(DTC, "/id/term-duty-to-co-operate")),
    ("SMB", "/id/kind-mappa-smb"),
    ("LSCB", "/id/kind-lscb"),
    ("SCR", expect("/id/topic-serious-case-reviews", "/id/term-lscb-scr")),
    ("LOCAL-SAFEGUARDING children  board!!", "/id/kind-lscb"),
]


def _search(pg: Any, q: str) -> None:
    response = pg.goto("/search?" + urlencode({"q": q, "as_at": "2017-08-01"}))
    assert response is not None and response.status == 200


@pytest.mark.parametrize(("q", "href"), CASES)
def test_the_expected_result_comes_first(page: Any, q: str, href: str) -> None:
    _search(page, q)
    first = page.locator("ol.app-search-results > li").first
    link = first.locator("h2 a")
    assert link.get_attribute("href").split("?")[0] == href
    assert first.locator("mark.app-search-match").count() >= 1  # what matched is marked
    assert page.console_errors == []


def test_did_you_mean_leads_to_results(page: Any) -> None:
    _search(page, "safegaurding")
    page.locator("#did-you-mean a").click()
    page.wait_for_load_state()
    assert page.locator("#page-search-q").input_value() == "safeguarding"
    assert page.locator("ol.app-search-results > li").count() > 0


@pytest.mark.parametrize(
    "q",
    ["duty to cooperate", "s 325(6)", "safegaurding", "merseyside protocl", '<b>"NEAR(*'],
)
@pytest.mark.parametrize("width", [1280, 390])
def test_result_pages_pass_axe_and_fit(browser_context: Any, q: str, width: int) -> None:
    pg = browser_context.new_page()
    try:
        pg.set_viewport_size({"width": width, "height": 900})
        _search(pg, q)
        assert pg.evaluate("document.documentElement.scrollWidth") <= width
        assert run_axe(pg, best_practice=True) == []
        assert pg.locator("h1").count() == 1
    finally:
        pg.close()
