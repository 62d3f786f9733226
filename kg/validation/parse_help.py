"""Explain an input error to a reader who does not know parsers: plain words, the
line concerned quoted, and a hint at the usual cause.

The parsers' own words (PyYAML's, Oxigraph's, Python's JSON) stay in the error
message, which the CLI prints as it is; this module reads that message and adds what a
business manager needs to correct a file in a text box.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

#: (format, pattern of the parser's words, what it means, the hint). The first match
#: wins; ``{0}``, ``{1}`` ... in the texts are the pattern's groups.
_EXPLANATIONS: tuple[tuple[str, str, str, str], ...] = (
    (
        "YAML",
        r"found a tab character",
        "This line is indented with a tab; YAML allows only spaces.",
        "Replace the tab at the start of the line with spaces.",
    ),
    (
        "YAML",
        r"mapping values are not allowed",
        "This line has a colon where YAML did not expect a new key.",
        "Check the indentation: a key must line up with the keys above it. "
        "If the value itself contains ': ', put the value in quotes.",
    ),
    (
        "YAML",
        r"did not find expected '-' indicator|expected <block end>|did not find expected key",
        "The indentation of this line does not match the lines around it.",
        "The entries of a list each start with '- ' at the same indentation, and the keys "
        "of an entry line up under the first key after its '- '. Use spaces, not tabs.",
    ),
    (
        "YAML",
        r"could not find expected ':'.*line (\d+)",
        "Line {0} has no colon after its key.",
        "Every line of a mapping is 'key: value'; a line of text on its own must be the "
        "continuation of a quoted value.",
    ),
    (
        "YAML",
        r"end of stream.*quoted scalar at line (\d+)",
        "A quoted value that starts on line {0} is never closed.",
        "Add the closing quote (' or \") at the end of the value on line {0}.",
    ),
    (
        "YAML",
        r"expected ',' or '\]'.*line (\d+)",
        "A list in square brackets that starts on line {0} is not closed.",
        "Separate the items with commas and end the list with ']' on the same line.",
    ),
    (
        "YAML",
        r"expected ',' or '\}'.*line (\d+)",
        "A mapping in curly brackets that starts on line {0} is not closed.",
        "Separate the 'key: value' pairs with commas and end the mapping with '}' on the "
        "same line.",
    ),
    (
        "YAML",
        r"cannot start any token",
        "A value on this line starts with a character YAML reserves (such as @, ` or %).",
        "Put the value in quotes.",
    ),
    (
        "Turtle",
        r"prefix (\S+) has not been declared",
        "The prefix {0} is used but never declared.",
        "Declare it at the top of the file, e.g. '@prefix sg: "
        "<https://w3id.org/safeguarding-kg/ontology#> .', or write the full IRI.",
    ),
    (
        "Turtle",
        r"dot is expected at the end of statements",
        "A statement is not ended by a full stop.",
        "End each statement with ' .'. The full stop is usually missing at the end of "
        "the line above; use ' ;' between properties of the same subject.",
    ),
    (
        "Turtle",
        r"No scheme found in an absolute IRI|[Ii]nvalid IRI",
        "An address in angle brackets is not a full IRI.",
        "Write a full address, like <https://w3id.org/safeguarding-kg/id/kind-lscb>, "
        "or a prefixed name like sgd:kind-lscb.",
    ),
    (
        "Turtle",
        r"[Ee]nd of file|Unexpected end",
        "The file ends in the middle of a statement.",
        'Check that every quoted string ("…") and bracket is closed and that the last '
        "statement ends with ' .'.",
    ),
    (
        "JSON",
        r"Expecting property name|Expecting ',' delimiter|Expecting value",
        "The JSON is not well formed here.",
        "Check for a comma after the last item of an object or list (JSON allows none), "
        "a missing comma between items, or a key without double quotes.",
    ),
)
_FALLBACK_HINTS = {
    "YAML": "Check the indentation (spaces only, the keys of an entry lined up) and that "
    "every quote and bracket is closed.",
    "Turtle": "Check that every statement ends with ' .', every prefix is declared and "
    "every string and bracket is closed.",
    "JSON": "Check the commas, brackets and double quotes around this place.",
    "JSON-LD": "Check the JSON-LD against the examples of the configuration format.",
    "N-Triples": "Each line is one statement: subject, predicate, object and ' .'.",
    "RDF/XML": "Check that every element is closed and the namespaces are declared.",
}
_PARSE_RE = re.compile(r"^invalid (YAML|Turtle|JSON-LD|JSON|N-Triples|RDF/XML): (.*)$", re.S)
_CONTEXT_LINES = 1  # lines shown before the one concerned


@dataclass(frozen=True)
class QuotedLine:
    number: int
    text: str
    concerned: bool  # the line the error is on


@dataclass(frozen=True)
class ErrorHelp:
    """What the page shows for an input error."""

    summary: str  # in plain words
    hint: str | None  # the usual cause, when known
    lines: tuple[QuotedLine, ...] = field(default_factory=tuple)
    column: int | None = None
    parser: str | None = None  # the parser's own words, for a parse error

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary,
            "hint": self.hint,
            "lines": [vars(q) for q in self.lines],
            "column": self.column,
            "parser": self.parser,
        }


def explain(message: str, text: str | None, line: int | None, column: int | None) -> ErrorHelp:
    """Explain the error ``message`` about ``text`` (the file's contents, if known) at
    ``line`` and ``column`` (1-based)."""
    quoted = _quote(text, line) if text is not None and line else ()
    parsed = _PARSE_RE.match(message)
    if parsed is None:
        # the validator's own errors are already in words: quote the line they name
        return ErrorHelp(summary=message, hint=None, lines=quoted, column=column)
    fmt, words = parsed.groups()
    for pattern_fmt, pattern, summary, hint in _EXPLANATIONS:
        if pattern_fmt != fmt:
            continue
        found = re.search(pattern, words)
        if found:
            groups = found.groups()
            start = _group_line(groups, line)
            lines = _quote(text, line, start) if text is not None and line else quoted
            return ErrorHelp(
                summary=summary.format(*groups),
                hint=hint.format(*groups),
                lines=lines,
                column=column,
                parser=words,
            )
    return ErrorHelp(
        summary=f"The {fmt} cannot be read at this place.",
        hint=_FALLBACK_HINTS.get(fmt),
        lines=quoted,
        column=column,
        parser=words,
    )


def _group_line(groups: tuple[str | Any, ...], line: int | None) -> int | None:
    """A line number the parser named as where the construct began, if before ``line``."""
    for value in groups:
        if isinstance(value, str) and value.isdigit() and line and int(value) < line:
            return int(value)
    return None


def _quote(text: str, line: int, start: int | None = None) -> tuple[QuotedLine, ...]:
    """The line concerned and the one before (from ``start`` when a construct began
    earlier, at most five lines)."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines) + 1:
        return ()
    first = max(1, line - _CONTEXT_LINES if start is None else max(start, line - 4))
    out = []
    for number in range(first, min(line, len(lines)) + 1):
        out.append(QuotedLine(number, lines[number - 1], number in (line, start)))
    if line == len(lines) + 1:  # the parser reached the end of the text
        out.append(QuotedLine(line, "", True))
    return tuple(out)
