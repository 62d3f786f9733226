"""The service navigation in Chromium: one line on a desktop, every item reachable.

Issue 12 found the top navigation wrapping onto a second line at 1280 px; GOV.UK's
service navigation holds about nine short items in its 960 px width.
"""

from __future__ import annotations

from typing import Any

import pytest

from webui import NAV_ITEMS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ITEMS = ".govuk-service-navigation__item"


def _rows(page: Any) -> int:
    tops = page.eval_on_selector_all(
        ITEMS, "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
    )
    return len(set(tops))


@pytest.mark.parametrize("width", [1280, 1024])
def test_the_navigation_fits_on_one_line_on_a_desktop(page: Any, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/areas")
    assert page.locator(ITEMS).count() == len(NAV_ITEMS)
    assert _rows(page) == 1
    # the current section is marked, and the service name leads home
    assert page.locator('[aria-current="page"]').inner_text() == "Areas"
    assert page.locator(".govuk-generic-header__homepage-link").get_attribute("href") == "/"


def test_pages_left_out_of_the_navigation_are_in_the_footer(page: Any) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/?as_at=2017-08-01")
    footer = page.locator(".govuk-footer")
    for label in ("Documents", "Network", "Downloads", "Glossary", "Search", "Ontology"):
        assert footer.get_by_role("link", name=label, exact=True).count() == 1, label
    # the date travels with the footer's network link, as with the navigation's
    href = footer.get_by_role("link", name="Network", exact=True).get_attribute("href")
    assert href == "/network?as_at=2017-08-01"


def test_the_menu_button_opens_the_navigation_on_a_phone(page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/areas")
    assert not page.locator(ITEMS).first.is_visible()
    page.get_by_role("button", name="Menu").click()
    assert page.locator(ITEMS).first.is_visible()
    assert page.locator(ITEMS).count() == len(NAV_ITEMS)
