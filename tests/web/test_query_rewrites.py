"""The SPARQL editor shows what the endpoint rewrote before running a query
(``X-KG-Rewrites``, kg.endpoint.rewrite), in a real headless Chromium against a real
``kg serve`` and its /sparql: a gap query written with FILTER NOT EXISTS is run as
MINUS and the page says so; a query with nothing to rewrite is said to run as written.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import run_axe

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GAP = (
    "SELECT ?duty WHERE { ?duty a <https://w3id.org/safeguarding-kg/ontology#DutyOrPower> ; "
    "<https://w3id.org/safeguarding-kg/ontology#bearer> ?bearer . FILTER NOT EXISTS { "
    "?duty <https://w3id.org/safeguarding-kg/ontology#owedTo> ?party . "
    "?party <http://www.w3.org/2000/01/rdf-schema#label> ?label } }"
)
PLAIN = "SELECT ?s WHERE { ?s a <https://w3id.org/safeguarding-kg/ontology#Duty> }"


def _run(page: Any, query: str) -> str:
    page.evaluate("q => { window.kgYasgui.getTab().setQuery(q); }", query)
    # hidden again, so that the wait below sees this run's answer, not the last one's
    page.evaluate("document.getElementById('query-rewrites').hidden = true")
    with page.expect_response(lambda r: "/sparql" in r.url and r.request.method == "POST"):
        page.click(".yasqe_queryButton")
    page.wait_for_selector("#query-rewrites:not([hidden])", timeout=15000)
    page.wait_for_selector(".yasr table tbody tr", timeout=15000)
    return page.inner_text("#query-rewrites")


def test_the_editor_shows_what_was_rewritten(page: Any, live_server: str) -> None:
    page.goto("/query")
    page.wait_for_selector(".yasqe .CodeMirror")
    assert page.is_hidden("#query-rewrites")  # nothing run yet
    said = _run(page, GAP)
    assert "Rewritten for speed before it ran" in said
    assert "not-exists-to-minus=1" in said
    said = _run(page, PLAIN)
    assert said == "Run as written: no automatic rewrite applied."
    assert page.console_errors == []
    assert run_axe(page) == []
