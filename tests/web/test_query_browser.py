"""The SPARQL editor in a real headless Chromium (issue 12, item 6): results show
prefixed names (the full IRI on hover, the graph's own resources linked to their pages)
and fit the column, scrolling inside their own box under a sticky header; the run and
share buttons sit above the query, not over it; examples are titled by their question;
axe (best practices included) finds nothing at 1280 and 390 px with results shown.

The results are canned (a real query on the real store, served in place of /sparql),
so that the page is tested whatever the endpoint's state; test_browser.py runs a query
through /sparql itself.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.web.conftest import run_axe

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: Wide rows (long IRIs, a label) and more of them than the box shows at once; written
#: with full IRIs, as the editor's query is written with no PREFIX at all.
WIDE = """
SELECT ?duty ?bearer ?provision ?label WHERE {
  ?duty a <https://w3id.org/safeguarding-kg/ontology#Duty> ;
        <https://w3id.org/safeguarding-kg/ontology#bearer> ?bearer ;
        <https://w3id.org/safeguarding-kg/ontology#legalBasis> ?provision ;
        <http://www.w3.org/2000/01/rdf-schema#label> ?label .
} ORDER BY ?duty LIMIT 60
"""


@pytest.fixture(scope="module")
def canned(real_store: Any) -> str:
    from kg.query import format_json, load_query, run_query
    from kg.store import open_store

    return format_json(run_query(open_store(real_store), load_query(WIDE, real_store)))


def _run(pg: Any, body: str, width: int) -> None:
    pg.set_viewport_size({"width": width, "height": 900})
    pg.route(
        "**/sparql",
        lambda route: route.fulfill(
            status=200, content_type="application/sparql-results+json", body=body
        ),
    )
    pg.goto("/query")
    pg.wait_for_selector(".yasqe .CodeMirror")
    # a query with no PREFIX: the results still show the project's prefixed names
    pg.evaluate("window.kgYasgui.getTab().setQuery('SELECT * WHERE { ?s ?p ?o }'); null")
    pg.click(".yasqe_queryButton")
    pg.wait_for_selector(".yasr table tbody tr", timeout=15000)


def _rect(pg: Any, selector: str) -> dict[str, float]:
    return pg.evaluate(
        "(s) => { const r = document.querySelector(s).getBoundingClientRect();"
        " return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; }",
        selector,
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_results_fit_the_column_and_show_prefixed_names(
    browser_context: Any, canned: str, width: int
) -> None:
    pg = browser_context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        _run(pg, canned, width)
        # no sideways scroll of the page: the results scroll inside their own box
        assert pg.evaluate("document.documentElement.scrollWidth") <= width
        box, column = _rect(pg, ".yasr_results"), _rect(pg, "#yasgui")
        assert column["left"] <= box["left"] and box["right"] <= column["right"] + 0.5
        inside = pg.evaluate(
            "(() => { const r = document.querySelector('.yasr_results');"
            " return [r.scrollWidth, r.clientWidth, r.scrollHeight, r.clientHeight]; })()"
        )
        assert inside[2] > inside[3]  # taller than its box: it scrolls down inside
        if width == 390:
            assert inside[0] > inside[1]  # wider than its box: it scrolls sideways inside
        assert pg.get_attribute(".yasr_results", "role") == "region"
        assert pg.get_attribute(".yasr_results", "tabindex") == "0"
        # prefixed names, never <full IRIs>; the full IRI on hover; our pages linked
        text = pg.inner_text(".yasr table tbody")
        assert "sgd:duty-" in text
        assert "<http" not in text and "https://w3id.org" not in text
        link = pg.locator(".yasr table tbody a.iri").first
        assert link.inner_text().startswith("sgd:")
        assert link.get_attribute("title").startswith("https://w3id.org/safeguarding-kg/id/")
        assert link.get_attribute("href").startswith("/resource?iri=https%3A%2F%2Fw3id.org")
        # the header stays in view while the results scroll down
        assert (
            pg.evaluate(
                "getComputedStyle(document.querySelector('.yasr_results thead th')).position"
            )
            == "sticky"
        )
        pg.evaluate("document.querySelector('.yasr_results').scrollTop = 400")
        pg.wait_for_timeout(100)
        head, box = _rect(pg, ".yasr_results thead th"), _rect(pg, ".yasr_results")
        assert abs(head["top"] - box["top"]) <= 2
        # run and share are above the query, not over its text
        run, lines = _rect(pg, ".yasqe_queryButton"), _rect(pg, ".yasqe .CodeMirror")
        assert run["bottom"] <= lines["top"]
        assert run_axe(pg, best_practice=True) == []
        assert [e for e in errors if not e.startswith("Failed to load resource")] == []
    finally:
        pg.close()


def test_examples_are_titled_by_their_question(page: Any) -> None:
    page.goto("/query")
    page.wait_for_selector(".yasqe .CodeMirror")
    button = page.get_by_role("button", name=re.compile("^What has the MAPPA SMB committed"))
    assert button.count() == 1
    assert "cq11-smb-commitments.rq" in page.inner_text(
        "#" + button.get_attribute("aria-describedby")
    )
    button.click()
    assert "Competency question 11" in page.evaluate("window.kgYasgui.getTab().getQuery()")


def test_a_result_iri_that_is_not_a_web_address_is_not_a_link(
    browser_context: Any,
) -> None:
    body = (
        '{"head": {"vars": ["x"]}, "results": {"bindings": ['
        '{"x": {"type": "uri", "value": "javascript:alert(1)"}},'
        '{"x": {"type": "uri", "value": "http://example.org/a<b>"}}]}}'
    )
    pg = browser_context.new_page()
    try:
        _run(pg, body, 1280)
        assert pg.locator(".yasr table tbody a[href^='javascript']").count() == 0
        assert pg.locator(".yasr table tbody span.iri").first.inner_text() == (
            "javascript:alert(1)"
        )
        assert pg.locator(".yasr table tbody a.iri").first.inner_text() == "example.org/a<b>"
    finally:
        pg.close()
