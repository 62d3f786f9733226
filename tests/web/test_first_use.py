"""Glossary terms marked up on first use (webui/first_use.py): on the real pages through
Flask's test client, and the rules on small pages."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from webui.first_use import mark_first_use

ABBR = re.compile(r'<abbr title="([^"]*)">([^<]*)</abbr>')
LINK = re.compile(r'<a class="govuk-link" href="/glossary#([^"]*)">([^<]*)</a>')


def _main(html: str) -> str:
    return html[html.index("<main") : html.rindex("</main>")]


def test_a_body_page_marks_each_term_once_in_its_main_text(client: FlaskClient) -> None:
    html = client.get("/id/kind-youth-offending-team?as_at=2017-08-01").get_data(as_text=True)
    main = _main(html)
    abbrs = ABBR.findall(main)
    assert ("youth offending team", "YOT") in abbrs
    assert ("Multi-Agency Public Protection Arrangements", "MAPPA") in abbrs
    links = LINK.findall(main)
    # its first use, written as the term or its longer synonym
    marked = dict(links)
    assert marked.get("term-responsible-authority") in (
        "responsible authority",
        "MAPPA responsible authority",
    )
    # once per term (an acronym and its term are marked apart)
    assert len({title for title, _ in abbrs}) == len(abbrs)
    assert len({anchor for anchor, _ in links}) == len(links)
    # the first use is the one marked: no earlier bare "MAPPA" in the main text
    before = main[: main.index('<abbr title="Multi-Agency Public Protection Arrangements">')]
    text = re.sub(r"<(a|h[1-6]|label|option|button|summary|legend|title|caption)\b.*?</\1>", "",
                  before, flags=re.S)  # fmt: skip
    assert not re.search(r"(?<![\w-])MAPPA(?![\w-])", re.sub(r"<[^>]+>", " ", text))
    # never in headings, links, the header or the footer
    for heading in re.findall(r"<h[1-6][^>]*>.*?</h[1-6]>", html, re.S):
        assert "<abbr" not in heading and "/glossary#" not in heading
    outside = html[: html.index("<main")] + html[html.rindex("</main>") :]
    assert "<abbr" not in outside and "/glossary#" not in outside


@pytest.mark.parametrize("path", ["/glossary", "/query"])
def test_the_glossary_and_the_editor_are_left_as_they_are(client: FlaskClient, path: str) -> None:
    html = client.get(path).get_data(as_text=True)
    assert "<abbr" not in html and 'href="/glossary#' not in html


def test_the_json_twins_are_untouched(client: FlaskClient) -> None:
    body = client.get("/id/kind-youth-offending-team.json").get_data(as_text=True)
    assert "<abbr" not in body and "/glossary#" not in body


TERMS = [
    {"text": "MAPPA responsible authority", "kind": "link", "href": "/glossary#term-ra",
     "key": "term-ra/link"},
    {"text": "responsible authority", "kind": "link", "href": "/glossary#term-ra",
     "key": "term-ra/link"},
    {"text": "children's services authority", "kind": "link", "href": "/glossary#term-csa",
     "key": "term-csa/link"},
    {"text": "MAPPA", "kind": "abbr", "title": "Multi-Agency Public Protection Arrangements",
     "key": "term-mappa/abbr"},
    {"text": "LSCB", "kind": "abbr", "title": "Local Safeguarding Children Board",
     "key": "term-lscb/abbr"},
]  # fmt: skip


def _page(main: str) -> str:
    return f"<html><head><title>MAPPA</title></head><body><main>{main}</main></body></html>"


@pytest.mark.parametrize(
    ("main", "expected"),
    [
        # the first use outside links and headings, once
        (
            '<h1>MAPPA</h1><p><a href="/x">MAPPA</a> and MAPPA and MAPPA</p>',
            '<h1>MAPPA</h1><p><a href="/x">MAPPA</a> and <abbr title="Multi-Agency Public '
            'Protection Arrangements">MAPPA</abbr> and MAPPA</p>',
        ),
        # a plural is part of the match; a longer word or a hyphenated name is not one
        (
            "<p>pre-LSCB LSCBx the LSCBs</p>",
            '<p>pre-LSCB LSCBx the <abbr title="Local Safeguarding Children Board">'
            "LSCBs</abbr></p>",
        ),
        # the longer term wins where two overlap; a term in any case
        (
            "<p>The MAPPA Responsible Authority and the responsible authority</p>",
            '<p>The <a class="govuk-link" href="/glossary#term-ra">MAPPA Responsible Authority</a>'
            " and the responsible authority</p>",
        ),
        # the page's text is escaped: so is the term
        (
            "<p>a children&#39;s services authority</p>",
            '<p>a <a class="govuk-link" href="/glossary#term-csa">children&#39;s services '
            "authority</a></p>",
        ),
        # never inside form controls, code or scripts
        (
            "<select><option>LSCB</option></select><code>LSCB</code>"
            '<script type="application/json">{"x": "LSCB"}</script>',
            "<select><option>LSCB</option></select><code>LSCB</code>"
            '<script type="application/json">{"x": "LSCB"}</script>',
        ),
    ],
)
def test_the_rules(main: str, expected: str) -> None:
    assert mark_first_use(_page(main), TERMS) == _page(expected)


def test_a_page_without_main_is_left_as_it_is() -> None:
    assert mark_first_use("<p>MAPPA</p>", TERMS) == "<p>MAPPA</p>"


def test_nothing_is_marked_where_the_colours_are_the_elements_own() -> None:
    main = (
        '<div class="govuk-panel app-panel--failed"><div><p>MAPPA</p></div><p>LSCB</p></div>'
        '<p><strong class="govuk-tag">LSCB</strong> LSCB</p>'
    )
    expected = (
        '<div class="govuk-panel app-panel--failed"><div><p>MAPPA</p></div><p>LSCB</p></div>'
        '<p><strong class="govuk-tag">LSCB</strong> <abbr title="Local Safeguarding Children '
        'Board">LSCB</abbr></p>'
    )
    assert mark_first_use(_page(main), TERMS) == _page(expected)
