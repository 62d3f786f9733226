"""Input errors explained for a reader: plain words, the line quoted, a hint.

Each case goes through the real parsers (the validator's), so that a change of
PyYAML's or Oxigraph's wording that the explanations no longer recognise fails here.
"""

from __future__ import annotations

import pytest

from kg.validation import ConfigurationError, Validator
from kg.validation.parse_help import ErrorHelp, explain


def _help(validator: Validator, name: str, text: str) -> tuple[ConfigurationError, ErrorHelp]:
    with pytest.raises(ConfigurationError) as info:
        validator.validate([(name, text.encode("utf-8"))])
    e = info.value
    return e, explain(e.message, text, e.line, e.column)


def _marked(help_: ErrorHelp) -> list[tuple[int, str]]:
    return [(q.number, q.text) for q in help_.lines if q.concerned]


@pytest.mark.parametrize(
    ("name", "text", "summary", "hint", "marked"),
    [
        (
            "indent.yaml",
            "configuration: x\ntitle: y\n  area: merseyside\n",
            "This line has a colon where YAML did not expect a new key.",
            "Check the indentation",
            [(3, "  area: merseyside")],
        ),
        (
            "list.yaml",
            "configuration: x\nbodies:\n  - id: a\n   label: b\n",
            "The indentation of this line does not match the lines around it.",
            "line up under the first key after its '- '",
            [(4, "   label: b")],
        ),
        (
            "tab.yaml",
            "configuration: x\n\ttitle: y\n",
            "This line is indented with a tab; YAML allows only spaces.",
            "Replace the tab",
            [(2, "\ttitle: y")],
        ),
        (
            "quote.yaml",
            "configuration: x\ntitle: 'unterminated\narea: merseyside\n",
            "A quoted value that starts on line 2 is never closed.",
            "closing quote",
            [(2, "title: 'unterminated"), (4, "")],
        ),
        (
            "flow.yaml",
            "configuration: x\nbodies: [a, b\n",
            "A list in square brackets that starts on line 2 is not closed.",
            "end the list with ']'",
            [(2, "bodies: [a, b"), (3, "")],
        ),
        (
            "prefix.ttl",
            "sg:x a sg:Body .\n",
            "The prefix sg: is used but never declared.",
            "@prefix sg:",
            [(1, "sg:x a sg:Body .")],
        ),
        (
            "dot.ttl",
            "@prefix sg: <https://w3id.org/safeguarding-kg/ontology#> .\n"
            "sg:x a sg:Body\nsg:y a sg:Body .\n",
            "A statement is not ended by a full stop.",
            "usually missing at the end of the line above",
            [(3, "sg:y a sg:Body .")],
        ),
        (
            "relative.ttl",
            "@prefix sg: <https://w3id.org/safeguarding-kg/ontology#> .\n<a> <b> <c> .\n",
            "An address in angle brackets is not a full IRI.",
            "prefixed name",
            [(2, "<a> <b> <c> .")],
        ),
        (
            "unended.ttl",
            "@prefix sg: <https://w3id.org/safeguarding-kg/ontology#> .\nsg:x a sg:Body\n",
            "The file ends in the middle of a statement.",
            "the last statement ends with ' .'",
            [(3, "")],
        ),
        (
            "comma.jsonld",
            '{"@id": "x", }',
            "The JSON is not well formed here.",
            "comma after the last item",
            [(1, '{"@id": "x", }')],
        ),
    ],
)
def test_a_parse_error_in_words(
    validator: Validator, name: str, text: str, summary: str, hint: str, marked: list
) -> None:
    e, help_ = _help(validator, name, text)
    assert help_.summary == summary
    assert help_.hint is not None and hint in help_.hint
    assert _marked(help_) == marked
    assert help_.parser and help_.parser in e.message  # the parser's words are kept


def test_the_line_before_is_quoted_for_context(validator: Validator) -> None:
    _, help_ = _help(validator, "indent.yaml", "configuration: x\ntitle: y\n  area: merseyside\n")
    assert [(q.number, q.concerned) for q in help_.lines] == [(2, False), (3, True)]


def test_a_validator_error_keeps_its_words_and_quotes_its_line(validator: Validator) -> None:
    e, help_ = _help(validator, "key.yaml", "configuration: x\nboddies: []\n")
    assert help_.summary == e.message and "did you mean 'bodies'" in e.message
    assert help_.hint is None and help_.parser is None
    assert _marked(help_) == [(2, "boddies: []")]


def test_an_unknown_parser_message_falls_back_to_a_general_hint() -> None:
    help_ = explain("invalid Turtle: something new", "a\nb\n", 2, 1)
    assert help_.summary == "The Turtle cannot be read at this place."
    assert help_.hint and "ends with ' .'" in help_.hint
    assert _marked(help_) == [(2, "b")]


def test_no_text_or_no_line_quotes_nothing() -> None:
    assert explain("invalid YAML: mapping values are not allowed", None, 3, 1).lines == ()
    assert explain("the configuration is empty", "", None, None).lines == ()
    assert explain("invalid YAML: x", "a\n", 40, 1).lines == ()  # a line beyond the text
