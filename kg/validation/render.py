"""Render a :class:`ValidationReport` as text, JSON, Turtle or HTML.

Text and HTML are grouped by body: for each body, what is wrong, where (file and
line), why (the provision or clause, with its link) and how to fix it, then a
summary line with the counts by severity. HTML escapes every value taken from the
configuration and links only ``http(s)`` addresses.
"""

from __future__ import annotations

import html
import textwrap

from kg.validation.report import Finding, ValidationReport

FORMATS = ("text", "json", "turtle", "html")
_AS_AT_SOURCES = {
    "option": "as requested",
    "configuration": "the configuration's date",
    "today": "today; the configuration gives no date",
}
_LABELS = {"violation": "VIOLATION", "warning": "WARNING", "info": "NOTE"}


def render(report: ValidationReport, fmt: str) -> str:
    if fmt == "text":
        return render_text(report)
    if fmt == "json":
        return report.to_json() + "\n"
    if fmt == "turtle":
        return report.to_turtle()
    if fmt == "html":
        return render_html(report)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def _safe_text(value: str) -> str:
    """Drop control and bidirectional-override characters from text for a terminal."""
    return "".join(
        ch
        for ch in value
        if ch in "\n\t"
        or (
            ch.isprintable() and not 0x202A <= ord(ch) <= 0x202E and not 0x2066 <= ord(ch) <= 0x2069
        )
    )


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(
        _safe_text(text), width=100, initial_indent=indent, subsequent_indent=indent + "  "
    )


def render_text(report: ValidationReport) -> str:
    lines = [
        f"Validation of {', '.join(report.sources)}",
        f"As at {report.as_at.isoformat()} "
        f"({_AS_AT_SOURCES.get(report.as_at_source, report.as_at_source)})",
    ]
    if report.missing_reference:
        lines.append(
            "Note: reference data missing, so the checks that need it found nothing: "
            + ", ".join(report.missing_reference)
        )
    lines.append("")
    for _group, label, findings in report.groups():
        first = findings[0]
        lines.append(_safe_text(label) + (f"  ({first.where})" if first.file else ""))
        for finding in findings:
            lines.extend(_text_finding(finding))
        lines.append("")
    lines.append(report.summary() + ".")
    return "\n".join(lines) + "\n"


def _text_finding(finding: Finding) -> list[str]:
    out = [_wrap(f"{_LABELS[finding.severity]} [{finding.rule}] {finding.message}", "  ")]
    if finding.file:
        out.append(_wrap(f"where: {finding.where} ({finding.focus_label})", "      "))
    for provision in finding.provisions:
        out.append(_wrap(f"why:   {provision.citation} <{provision.iri}>", "      "))
    if finding.fix:
        out.append(_wrap(f"fix:   {finding.fix}", "      "))
    return out


def _link(iri: str, text: str) -> str:
    if iri.startswith(("https://", "http://")):
        return f'<a href="{html.escape(iri, quote=True)}">{html.escape(text)}</a>'
    return html.escape(text)


def render_html(report: ValidationReport) -> str:
    """A standalone page (the web UI can embed :func:`render_html_fragment`)."""
    title = f"Validation as at {report.as_at.isoformat()}"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;max-width:60em;margin:auto}"
        ".violation{color:#a00}.warning{color:#a60}.info{color:#06a}"
        "dt{font-weight:bold}td,th{vertical-align:top;text-align:left;padding:.2em .5em}</style>"
        "</head><body>\n" + render_html_fragment(report) + "</body></html>\n"
    )


def render_html_fragment(report: ValidationReport) -> str:
    parts = [
        f"<h1>Validation of {html.escape(', '.join(report.sources))}</h1>",
        f"<p>As at <strong>{report.as_at.isoformat()}</strong> "
        f"({html.escape(_AS_AT_SOURCES.get(report.as_at_source, report.as_at_source))}).</p>",
        f'<p class="summary">{html.escape(report.summary())}.</p>',
    ]
    if report.missing_reference:
        parts.append(
            "<p>Reference data missing: "
            + html.escape(", ".join(report.missing_reference))
            + "</p>"
        )
    for _group, label, findings in report.groups():
        parts.append(f"<section><h2>{html.escape(label)}</h2><table>")
        parts.append(
            "<tr><th>Severity</th><th>What is wrong</th><th>Where</th><th>Why</th>"
            "<th>How to fix it</th></tr>"
        )
        for f in findings:
            why = "<br>".join(_link(p.iri, p.citation) for p in f.provisions)
            parts.append(
                f'<tr class="{html.escape(f.severity)}"><td>{_LABELS[f.severity]} '
                f"{html.escape(f.rule)}</td><td>{html.escape(f.message)}</td>"
                f"<td>{html.escape(f.where)}</td><td>{why}</td><td>{html.escape(f.fix)}</td></tr>"
            )
        parts.append("</table></section>")
    return "\n".join(parts) + "\n"
