"""Glossary terms marked up on their first use in a page (issue 11): an acronym as
``<abbr title="the term">``, a term as a link to its definition in /glossary.

Only the text of ``<main>`` is touched, never inside links, headings, form controls,
code or scripts, and each term at most once per page. The page is our own template's
output, already escaped, so the terms are matched in their escaped form.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

from markupsafe import escape

#: Elements whose text is never marked: links and abbreviations already, headings (no
#: links in them), form controls, code, and what is not text.
SKIP = frozenset(
    [
        "a",
        "abbr",
        "button",
        "caption",
        "code",
        "dfn",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "label",
        "legend",
        "option",
        "pre",
        "script",
        "select",
        "style",
        "summary",
        "svg",
        "textarea",
        "title",
    ]
)
#: Elements that set their own colours (panels, tags, banners): a link in them would
#: not have the contrast it needs.
SKIP_CLASSES = ("govuk-panel", "app-panel", "govuk-tag", "govuk-notification-banner",
                "govuk-error-summary", "govuk-warning-text")  # fmt: skip
_SKIP_CLASS = re.compile(r'\bclass="[^"]*\b(?:' + "|".join(SKIP_CLASSES) + r")\b")
_TAG = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>", re.S)


def _text_spans(html: str, start: int, end: int) -> list[tuple[int, int]]:
    """Where the text that may be marked lies: between tags, outside :data:`SKIP` and
    :data:`SKIP_CLASSES` (an element and what it holds, to its matching end tag)."""
    spans: list[tuple[int, int]] = []
    skipping: list[list[Any]] = []  # [name, depth] of the elements being skipped
    last = start
    for tag in _TAG.finditer(html, start, end):
        if not skipping and tag.start() > last:
            spans.append((last, tag.start()))
        last = tag.end()
        closing, name = tag.group(1), (tag.group(2) or "").lower()
        if not name or tag.group(0).endswith("/>"):
            continue
        if skipping and name == skipping[-1][0]:
            skipping[-1][1] += -1 if closing else 1
            if skipping[-1][1] == 0:
                skipping.pop()
        elif not closing and (name in SKIP or _SKIP_CLASS.search(tag.group(0))):
            skipping.append([name, 1])
    if not skipping and end > last:
        spans.append((last, end))
    return spans


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch in "_-"


def mark_first_use(html: str, terms: Sequence[dict[str, Any]]) -> str:
    """``html`` with each term's first use in ``<main>`` marked up.

    Each term is looked for with ``str.find`` (acronyms as written, terms in any case),
    longest first, so that a longer term wins where two overlap; a plural ``s`` belongs
    to the match, and a match inside a longer word or a hyphenated name is not one.
    """
    start, end = html.find("<main"), html.rfind("</main>")
    if start < 0 or end < start or not terms:
        return html
    spans = _text_spans(html, start, end)
    span_starts = [a for a, _ in spans]
    lowered = html.lower()
    used: set[str] = set()
    marks: list[tuple[int, int, dict[str, Any]]] = []

    def free(a: int, b: int) -> bool:
        i = bisect_right(span_starts, a) - 1
        if i < 0 or b > spans[i][1]:
            return False  # not wholly inside one text span
        return all(b <= x or a >= y for x, y, _ in marks)

    for term in terms:
        if term["key"] in used:
            continue
        needle = str(escape(term["text"]))
        haystack = html
        if term["kind"] != "abbr":
            needle, haystack = needle.lower(), lowered
        at = haystack.find(needle, start, end)
        while at >= 0:
            stop = at + len(needle)
            if stop < end and html[stop] == "s" and not _is_word(html[stop + 1 : stop + 2] or " "):
                stop += 1
            boundary = not _is_word(html[at - 1]) and not _is_word(html[stop : stop + 1] or " ")
            if boundary and free(at, stop):
                marks.append((at, stop, term))
                used.add(term["key"])
                break
            at = haystack.find(needle, at + 1, end)
    out, last = [], 0
    for a, b, term in sorted(marks, key=lambda m: m[0]):
        out += [html[last:a], _markup(term, html[a:b])]
        last = b
    return "".join(out) + html[last:]


def _markup(term: dict[str, Any], text: str) -> str:
    if term["kind"] == "abbr":
        return f'<abbr title="{escape(term["title"])}">{text}</abbr>'
    return f'<a class="govuk-link" href="{escape(term["href"])}">{text}</a>'
