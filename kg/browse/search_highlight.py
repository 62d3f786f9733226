"""Marking the words a query matched, in a label or a description.

FTS5's own ``highlight()`` re-runs the query for every row it marks (tens of
milliseconds for a page of results); this marks the same words in Python, by
comparing Porter stems (from the index, ``SearchIndex.stems``) in the words
of a label and of a description. Results are
lists of ``{"text", "match"}`` parts, never HTML: the template escapes them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

Parts = list[dict[str, Any]]

TOKEN_RE = re.compile(r"[^\W_]+")
_WORD_CHAR = re.compile(r"[^\W_]")
SNIPPET_CHARS = 220


def fold(word: str) -> str:
    """Lower case without accents, as the index's tokenizer folds a word."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Matcher:
    """Finds a query's phrases (tuples of stems) in texts.

    Only the written forms of the query's stems (from the index's words) are
    looked at; a phrase's words must follow each other with no other word between.
    """

    def __init__(
        self, phrases: Iterable[tuple[str, ...]], forms_of: Callable[[str], Iterable[str]]
    ) -> None:
        self.phrases = [p for p in phrases if p]
        self.stem_of = {w: st for p in self.phrases for st in p for w in forms_of(st)}

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each place a phrase occurs, merged."""
        stem_of = self.stem_of
        tokens = [
            (m.start(), m.end(), st)
            for m in TOKEN_RE.finditer(text)
            if (st := stem_of.get(fold(m.group()))) is not None
        ]
        found = []
        for phrase in self.phrases:
            for i, token in enumerate(tokens):
                if token[2] != phrase[0] or not self._adjacent(text, tokens, i, phrase):
                    continue
                start, end = token[0], tokens[i + len(phrase) - 1][1]
                if (
                    text.count("(", start, end) > text.count(")", start, end)
                    and text[end : end + 1] == ")"
                ):
                    end += 1  # "s.325(6)" whole, not "s.325(6"
                found.append((start, end))
        merged: list[tuple[int, int]] = []
        for start, end in sorted(found):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged

    @staticmethod
    def _adjacent(
        text: str, tokens: list[tuple[int, int, str | None]], i: int, phrase: tuple[str, ...]
    ) -> bool:
        """Whether tokens i, i+1 ... spell the phrase with no other word between them."""
        if i + len(phrase) > len(tokens):
            return False
        for k in range(1, len(phrase)):
            prev, tok = tokens[i + k - 1], tokens[i + k]
            if tok[2] != phrase[k] or _WORD_CHAR.search(text, prev[1], tok[0]):
                return False
        return True


def parts(text: str, marks: list[tuple[int, int]], offset: int = 0) -> Parts:
    """``text`` cut into matched and unmatched parts (``marks`` are relative to
    the text ``offset`` characters earlier)."""
    out: Parts = []
    pos = 0
    for start, end in marks:
        start, end = start - offset, end - offset
        if end <= 0 or start >= len(text):
            continue
        start, end = max(start, 0), min(end, len(text))
        if start > pos:
            out.append({"text": text[pos:start], "match": False})
        out.append({"text": text[start:end], "match": True})
        pos = end
    if pos < len(text):
        out.append({"text": text[pos:], "match": False})
    return out


def snippet(body: str, matcher: Matcher) -> Parts:
    """A window of the description around its first match (else its start)."""
    lines = [line for line in body.splitlines() if line.strip()]
    if not lines:
        return []
    for line in lines:
        marks = matcher.spans(line)
        if marks:
            break
    else:
        line, marks = lines[0], []
    start = max(0, marks[0][0] - 60) if marks else 0
    if start:
        start = line.find(" ", start) + 1 or start  # at a word
    end = min(len(line), start + SNIPPET_CHARS)
    if end < len(line):
        end = line.rfind(" ", start, end) if line.rfind(" ", start, end) > start else end
    out = parts(line[start:end], marks, offset=start)
    if start:
        out.insert(0, {"text": "…", "match": False})
    if end < len(line):
        out.append({"text": "…", "match": False})
    return out
