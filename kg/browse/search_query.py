"""From what a user types to FTS5 expressions.

Nothing the user types reaches FTS5 as syntax: every word is cut into letters
and digits (``search_text.parts``) and put between double quotes, so ``"``,
``*``, ``^``, ``NEAR(``, ``OR`` and ``col:`` are searched for as words or dropped.

A query is read as
  * section references ("s.14", "s 325(6)", "section 11", "reg 5", "s.16E"),
    which resolve to the provision itself;
  * words, each with its other spellings: a hyphen compound with or without the
    hyphen ("co-operate", "cooperate"), and acronyms with their expansions
    ("DTC", "duty to co-operate"), matched ignoring case and punctuation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from kg.browse.search_docs import REFERENCE_WORDS, Synonym
from kg.browse.search_text import STOP_WORDS, WORD_RE, parts, squash, without_possessive

MAX_GROUPS = 16
_MAX_SYNONYM_WORDS = 8

_KIND_WORDS = {
    "section": r"sections?|secs?|ss|s",
    "regulation": r"regulations?|regs?",
    "schedule": r"schedules?|sch",
    "part": r"parts?|pt",
    "article": r"articles?|art",
}
_REFERENCE_RE = re.compile(
    r"(?<![^\W_])(?P<kw>" + "|".join(f"(?P<{k}>{v})" for k, v in _KIND_WORDS.items()) + r")"
    r"\.?\s*(?P<num>\d{1,4}[A-Za-z]{0,2})(?![^\W_])"
    r"(?P<subs>(?:\s*\(\s*[0-9A-Za-z]{1,4}\s*\))*)",
    re.IGNORECASE,
)
_SUB_RE = re.compile(r"\(\s*([0-9A-Za-z]{1,4})\s*\)")


@dataclass(frozen=True)
class Reference:
    """A provision the user cited: ``kind`` and lower-case ``path`` ("325/6")."""

    kind: str
    path: str
    text: str  # as typed

    def phrases(self) -> list[list[str]]:
        """How texts write it: "s.325(6)" is the tokens s, 325, 6."""
        tokens = parts(self.path.replace("/", " "))
        return [[word, *tokens] for word in REFERENCE_WORDS[self.kind]]

    def cited(self) -> str:
        head, *subs = self.path.split("/")
        return f"{self.kind} {head.upper()}" + "".join(f"({s})" for s in subs)


@dataclass
class Group:
    """One thing to find, in any of its spellings (each a phrase of tokens)."""

    text: str  # as typed
    phrases: list[list[str]]
    expansion: str | None = None  # the synonym it stands for, if any
    literal: list[list[str]] = field(default_factory=list)  # the phrases spelt as typed

    @property
    def plain_word(self) -> str | None:
        """The word, when the group is a single plain word (for "did you mean")."""
        if self.expansion is None and len(self.phrases[0]) == 1:
            word = self.phrases[0][0]
            return word if word.isalpha() else None
        return None


@dataclass
class Plan:
    text: str
    references: list[Reference] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.references and not self.groups

    def words_expr(self, loose: bool = False) -> str | None:
        """Every group as an FTS5 expression; when ``loose``, all groups but one."""
        if not self.groups:
            return None
        each = [_alternatives(g.phrases) for g in self.groups]
        if not loose or len(each) == 1:
            return " AND ".join(each)
        if len(each) == 2:
            return " OR ".join(each)
        return " OR ".join(
            "(" + " AND ".join(e for j, e in enumerate(each) if j != i) + ")"
            for i in range(len(each))
        )

    def literal_expr(self) -> str | None:
        """Every group spelt as typed (not by a synonym), when some group has one."""
        if not any(g.expansion for g in self.groups):
            return None
        return " AND ".join(_alternatives(g.literal or g.phrases) for g in self.groups)

    def references_expr(self) -> str | None:
        if not self.references:
            return None
        return _alternatives([p for r in self.references for p in r.phrases()])

    def expr(self, loose: bool = False) -> str | None:
        """The whole query: a reference to one of the provisions, and the words."""
        found = [e for e in (self.references_expr(), self.words_expr(loose)) if e]
        return " AND ".join(f"({e})" for e in found) or None


def _phrase(tokens: list[str]) -> str:
    return '"' + " ".join(tokens) + '"'  # tokens are letters and digits only


def _alternatives(phrases: Iterable[list[str]]) -> str:
    unique = list(dict.fromkeys(_phrase(p) for p in phrases if p))
    return unique[0] if len(unique) == 1 else "(" + " OR ".join(unique) + ")"


def _references(text: str) -> tuple[list[Reference], str]:
    """The references in ``text``, and the text without them."""
    found: list[Reference] = []

    def take(m: re.Match[str]) -> str:
        kind = next(k for k in _KIND_WORDS if m.group(k))
        subs = _SUB_RE.findall(m.group("subs") or "")
        path = "/".join([m.group("num"), *subs]).lower()
        found.append(Reference(kind, path, m.group().strip()))
        return " "

    rest = _REFERENCE_RE.sub(take, text)
    return list(dict.fromkeys(found)), rest


class SynonymTable:
    """Acronyms and expansions, looked up by ``search_text.squash``."""

    def __init__(self, synonyms: Iterable[Synonym]) -> None:
        self.by_key: dict[str, dict[str, None]] = {}
        for s in synonyms:
            for key in (squash(s.term), squash(s.expansion)):
                forms = self.by_key.setdefault(key, {})
                forms.setdefault(s.term, None)
                forms.setdefault(s.expansion, None)

    def get(self, text: str) -> list[str]:
        return list(self.by_key.get(squash(text), {}))


def parse(
    text: str,
    synonyms: SynonymTable,
    compounds: Callable[[str], list[str]] = lambda _w: [],
) -> Plan:
    """Read a query (already cleaned and of bounded length).

    Args:
        compounds: the hyphenated forms the index has of a joined word
            (``SearchIndex.compounds``), so "cooperate" finds "co-operate".
    """
    plan = Plan(text)
    plan.references, rest = _references(text)
    words = [m.group() for m in WORD_RE.finditer(without_possessive(rest))]
    i = 0
    while i < len(words) and len(plan.groups) < MAX_GROUPS:
        for j in range(min(len(words), i + _MAX_SYNONYM_WORDS), i, -1):
            span = " ".join(words[i:j])
            forms = synonyms.get(span)
            if forms:
                phrases = [parts(f) for f in [span, *forms]]
                others = [f for f in forms if squash(f) != squash(span)]
                literal = [parts(f) for f in [span, *forms] if squash(f) == squash(span)]
                plan.groups.append(Group(span, phrases, ", ".join(others) or None, literal))
                i = j
                break
        else:
            group = _word_group(words[i], compounds)
            if all(g.phrases != group.phrases for g in plan.groups):
                plan.groups.append(group)
            i += 1
    meaningful = [g for g in plan.groups if g.text.lower() not in STOP_WORDS]
    if meaningful:
        plan.groups = meaningful
    return plan


def _word_group(word: str, compounds: Callable[[str], list[str]]) -> Group:
    pieces = parts(word)
    if len(pieces) > 1:  # "co-operate", "o'clock": as a phrase, or joined
        return Group(word, [pieces, ["".join(pieces)]])
    phrases = [pieces]
    if len(pieces[0]) >= 5 and not pieces[0].isdigit():
        phrases += [c.split() for c in compounds(pieces[0])]
    return Group(word, phrases)
