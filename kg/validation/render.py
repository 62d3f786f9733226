"""Render a :class:`ValidationReport` as text, JSON, Turtle or HTML.

Text is grouped by body, HTML by severity (violations first, then by file and line):
for each finding, what is wrong, where (file and line), why (the provision or clause,
with its link) and how to fix it, with the counts by severity. HTML puts each finding
under its rule's words, the code in small print; it escapes every value taken from the
configuration and links only ``http(s)`` addresses.
"""

from __future__ import annotations

import html
import textwrap

from kg.validation.report import SEVERITY_NAMES, Finding, ValidationReport

FORMATS = ("text", "json", "turtle", "html")
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
        f"As at {report.as_at.isoformat()} ({report.as_at_reason})",
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


def render_html(report: ValidationReport, rules_url: str | None = None) -> str:
    """A standalone page (the web UI can embed :func:`render_html_fragment`)."""
    title = f"Validation as at {report.as_at.isoformat()}: {report.headline()}"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;max-width:60em;margin:auto;padding:0 1em}"
        ".violation{color:#a00}.warning{color:#a60}.info{color:#06a}"
        "small{color:#555}dt{font-weight:bold}dd{margin:0 0 .5em 0}"
        "section>article{border-top:1px solid #bbb;padding:.3em 0}</style>"
        "</head><body>\n" + render_html_fragment(report, rules_url) + "</body></html>\n"
    )


def render_html_fragment(report: ValidationReport, rules_url: str | None = None) -> str:
    """The report by severity (violations first), each finding under its rule's words,
    the code in small print (linked to ``rules_url#rule-CODE`` when given)."""
    parts = [
        f"<h1>Validation of {html.escape(', '.join(report.sources))}</h1>",
        f"<p>As at <strong>{report.as_at.isoformat()}</strong> "
        f"({html.escape(report.as_at_reason)}).</p>",
        f'<p class="summary"><strong>{html.escape(report.headline())}</strong> '
        f"({html.escape(report.summary())}).</p>",
    ]
    if rules_url:
        parts.append(f"<p>Each rule is explained at {_link(rules_url, rules_url)}.</p>")
    if report.missing_reference:
        parts.append(
            "<p>Reference data missing: "
            + html.escape(", ".join(report.missing_reference))
            + "</p>"
        )
    for severity, findings in report.by_severity():
        one, many = SEVERITY_NAMES[severity]
        heading = f"{len(findings)} {one if len(findings) == 1 else many}"
        parts.append(f'<section class="{severity}"><h2>{html.escape(heading.capitalize())}</h2>')
        for f in findings:
            code = html.escape(f.rule)
            if rules_url and rules_url.startswith(("https://", "http://")):
                code = _link(f"{rules_url}#rule-{f.rule}", f.rule)
            why = "; ".join(_link(p.iri, p.citation) for p in f.provisions)
            rows = [("What is wrong", html.escape(f.message))]
            if f.file or f.focus_label:
                rows.append(("Where", html.escape(f"{f.where} ({f.focus_label})")))
            if why:
                rows.append(("Why", why))
            if f.fix:
                rows.append(("How to fix it", html.escape(f.fix)))
            word = SEVERITY_NAMES[f.severity][0]
            parts.append(
                f"<article><h3>{html.escape(f.title or f.rule)} <small>({word}, "
                f"rule {code}; {html.escape(f.group_label)})</small></h3><dl>"
                + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
                + "</dl></article>"
            )
        parts.append("</section>")
    return "\n".join(parts) + "\n"
