"""Text rules shared by the search index and the search queries.

The index (``kg.browse.search_docs``) and the parser of what users type
(``kg.browse.search_query``) must cut words and compare names the same way, so
both use these functions.
"""

from __future__ import annotations

import re
import unicodedata

#: Words a query drops (unless it has no others): nearly every text has them,
#: so they would only narrow a search ("duties of the YOT", "YOT duties").
_STOP = "a an and are as at be by for from in is it its of on or the to with"
STOP_WORDS = frozenset(_STOP.split())

#: Words, keeping hyphen and apostrophe compounds ("co-operate", "children's") whole.
WORD_RE = re.compile(r"[^\W_]+(?:['’\-‐‑][^\W_]+)*")
#: Only the hyphen compounds ("co-operate", "duty-to-co-operate").
COMPOUND_RE = re.compile(r"[^\W_]++(?:[\-‐‑][^\W_]++)+")
_POSSESSIVE_RE = re.compile(r"(?<=[^\W_])['’]s(?![^\W_])", re.IGNORECASE)
_PART_RE = re.compile(r"[^\W_]+")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def clean(text: str) -> str:
    """NFKC-normalised, without control characters (which also frees the
    characters the index uses to mark matches)."""
    return _CONTROL_RE.sub(" ", unicodedata.normalize("NFKC", text))


def parts(word: str) -> list[str]:
    """The lower-case pieces of a word, split where the index's tokenizer splits."""
    return [p.lower() for p in _PART_RE.findall(word)]


def without_possessive(text: str) -> str:
    """``children's`` as ``children``: the stemmer makes it one word again."""
    return _POSSESSIVE_RE.sub("", text)


def squash(text: str) -> str:
    """A key that ignores case, spaces, hyphens and punctuation, and a plural or
    possessive ``s``: ``Duty-to-co-operate`` and ``duty to cooperate`` share one."""
    key = "".join(p.lower() for p in _PART_RE.findall(without_possessive(clean(text))))
    return key[:-1] if len(key) > 3 and key.endswith("s") and not key.endswith("ss") else key


def initials_run(acronym: str, words: list[str]) -> list[str] | None:
    """The last run of ``words`` whose initials spell ``acronym``, else None.

    Hyphenated words count once per piece ("Multi-Agency Public Protection
    Arrangements" spells MAPPA); "and", "of" and "the" may be skipped inside the
    run ("Criminal Justice and Court Services Act" spells CJCSA).
    """
    letters = acronym.lower().rstrip("s") if acronym.endswith("s") else acronym.lower()
    pieces: list[tuple[int, str]] = []  # (index of the word, piece)
    for i, w in enumerate(words):
        pieces.extend((i, p) for p in parts(w))
    for start in range(len(pieces) - 1, -1, -1):
        j, k = start, 0
        while j < len(pieces) and k < len(letters):
            piece = pieces[j][1]
            if piece[0] == letters[k]:
                k += 1
            elif piece not in ("and", "of", "the") or k == 0:
                break
            j += 1
        if k == len(letters) and pieces[start][1][0] == letters[0]:
            return words[pieces[start][0] : pieces[j - 1][0] + 1]
    return None
