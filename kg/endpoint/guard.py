"""Decide what a query may do before any engine sees it.

The guard works on the *lexed* query, the same tokens a SPARQL parser sees, never
on a keyword search of the raw text: strings, IRIs and comments are skipped
exactly as the grammar says, so ``"SERVICE"`` in a string or ``sgd:kind-service``
is not a keyword, while ``SeRvIcE``, ``SERVICE<http://x/>{...}``, a ``SERVICE``
after a comment, inside ``OPTIONAL``/``EXISTS``/a subquery, with a variable,
prefixed-name or relative IRI (``BASE``) endpoint is.

Two findings about pyoxigraph shape the rules (see
``docs/endpoint.md#how-the-guard-decides``):

* its parser matches keywords without a word boundary, so ``SERVICEex:x { }`` is
  ``SERVICE ex:x { }`` and ``?s ?p 1SERVICE <x> { }`` is a triple then a
  ``SERVICE``. The guard therefore refuses any bare word *containing*
  ``SERVICE``, and any prefixed name whose prefix contains it;
* its tokenizer ends a prefixed name or blank node label at a dot followed by more
  name, which the grammar keeps inside the name, so ``ex:a.b.SERVICE <x> { }`` is
  ``ex:a.b . SERVICE <x> { }``. The guard reads what follows each dot in a name as
  words as well;
* it does not apply the SPARQL 1.1 ``\\u`` code point escapes before parsing, but
  other servers (Virtuoso, Jena) do. The guard lexes both the text as written and,
  when it holds ``\\u``/``\\U`` escapes, the text with the escapes applied, and
  refuses when either reading holds a forbidden keyword.

Measured cost: 0.05-0.3 ms for the shipped queries (rdflib's parser took 17-80 ms
for the same queries, which the endpoint's latency budget cannot afford). The
verdicts are cross-checked against rdflib's parse tree in the tests.

The guard also bounds the size (413) and the nesting depth (400) of a query:
pyoxigraph crashes the whole process on deeply nested input, so nothing deeper
than :attr:`Limits.max_depth` reaches it (and queries run in worker processes, so
a crash could not take the server down anyway). Flat input crashes it too: its
parser and planner recurse once per operator of a chain (``1+1+...``, ``||``),
per ``UNION`` branch, per ``OPTIONAL``/``MINUS`` and per path step, so a query of
depth 1 can still overflow the stack. The guard counts each of these on the
tokens and answers 400 naming the limit, set well below where the engine was
measured to crash (``bench/engine_bounds.py``, docs/limits.md).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from kg.endpoint.errors import BadRequestError, ForbiddenError, PayloadTooLargeError

QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"})
#: Operations of SPARQL 1.1 Update (none of them is a word of the query language).
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY")
_UPDATE_FIRST_WORDS = frozenset({*UPDATE_KEYWORDS, "WITH"})

FEDERATION_MESSAGE = (
    "federated queries are not allowed: this endpoint never contacts other servers "
    "(SERVICE is refused wherever it appears)"
)
UPDATE_MESSAGE = "SPARQL Update is not allowed: this endpoint is read-only"


@dataclass(frozen=True)
class Limits:
    """Up-front limits on a query's text."""

    max_bytes: int = 128 * 1024
    max_depth: int = 48
    # Measured crash points of pyoxigraph 0.5 (8 MB stack; bench/engine_bounds.py):
    # about 7,000 terms of '+', 16,000 of '||' or '&&', 4,000-8,000 UNION branches,
    # 2,000-4,000 MINUS, 2,000-4,000 BIND, 8,000-16,000 FILTER, ~16,000 path steps.
    # Each limit is far below, and far above any query written by hand (the shipped
    # queries use at most 84 triple patterns, 62 operators, 10 OPTIONAL).
    max_operators: int = 1000
    max_unions: int = 256
    max_optionals: int = 256
    max_filters: int = 256
    max_triple_patterns: int = 1000
    max_path_steps: int = 256


@dataclass(frozen=True)
class GuardedQuery:
    """A query the guard let through, and what it learnt about it.

    Attributes:
        text: the query as received (never rewritten).
        form: ``SELECT``, ``CONSTRUCT``, ``DESCRIBE`` or ``ASK``; ``None`` when the
            query does not start with one (the engine will then report the error).
        has_dataset_clause: the query has ``FROM`` or ``FROM NAMED``, so its own
            dataset applies rather than the union of the named graphs.
        depth: the deepest nesting of brackets and unary operators.
        small: a guess that it is quick: at most two triple patterns or groups, no
            property path, at most two UNION/OPTIONAL/MINUS/FILTER/BIND (used only
            to order a new client's first requests, never to refuse anything).
        shape: a digest of its tokens without comments and whitespace: the same
            query however it is laid out (the admission learns each shape's cost).
    """

    text: str
    form: str | None
    has_dataset_clause: bool
    depth: int
    small: bool = False
    shape: str = ""


# ---------------------------------------------------------------------- lexer

# Character classes of the SPARQL 1.1 grammar (section 19.8).
_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff"
    "\u200c-\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
    "\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
# Possessive loops throughout: the lexer must stay linear on hostile input.
_PN_PREFIX = f"[{_PN_CHARS_BASE}][{_PN_CHARS}.]*+"
_PN_LOCAL = (
    f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:[{_PN_CHARS}:]|{_PLX}|\\.++(?=[{_PN_CHARS}:%\\\\]))*+"
)
_VARNAME = f"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*+"
_EXPONENT = r"[eE][+-]?[0-9]+"

_TOKEN_RE = re.compile(
    "|".join(
        [
            r"(?P<ws>[ \t\r\n]+)",
            r"(?P<comment>#[^\r\n]*+)",
            # long strings first; possessive loops: no backtracking on hostile input
            r"(?P<lstring>'''(?:(?:'|'')?(?:[^'\\]|\\.))*+'''"
            r'|"""(?:(?:"|"")?(?:[^"\\]|\\.))*+""")',
            r"(?P<string>'(?:[^'\\\r\n]|\\.)*+'|\"(?:[^\"\\\r\n]|\\.)*+\")",
            r"(?P<iri><(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*+>)",
            f"(?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)",
            f"(?P<var>[?$]{_VARNAME})",
            f"(?P<bnode>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}]|\\.++(?=[{_PN_CHARS}]))*+)",
            r"(?P<langtag>@[a-zA-Z]++(?:-[a-zA-Z0-9]++)*+)",
            f"(?P<number>[0-9]*\\.[0-9]++(?:{_EXPONENT})?"
            f"|[0-9]++\\.[0-9]*+{_EXPONENT}|[0-9]++(?:{_EXPONENT})?)",
            r"(?P<word>[A-Za-z_][A-Za-z0-9_]*+)",
            r"(?P<punct>\^\^|\|\||&&|!=|<=|>=|.)",
        ]
    ),
    re.DOTALL,
)

_OPENERS = frozenset("{([")
_CLOSERS = frozenset("})]")
_UNARY = frozenset("!-+^")
# "/" is counted once, as a path step (it is also division: the lexer cannot tell)
_OPERATORS = frozenset({"||", "&&", "=", "!=", "<", ">", "<=", ">=", "+", "-", "*", "!"})
_PATH_STEPS = frozenset("/|^")
_SEPARATORS = frozenset(".;,")
_ESCAPE_RE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass
class QueryReading:
    words: list[str]  # upper-cased bare words, in order
    prefixes: list[str]  # upper-cased prefixes of prefixed names
    depth: int
    form: str | None
    first_word: str | None
    operators: int = 0  # operator tokens of expressions (+ - * || && = != < > <= >= !)
    unions: int = 0  # UNION keywords
    optionals: int = 0  # OPTIONAL and MINUS keywords
    filters: int = 0  # FILTER and BIND keywords
    triple_patterns: int = 0  # separators . ; , and groups { [ within patterns
    path_steps: int = 0  # / | ^ (a division counts too)
    shape: str = ""  # a digest of the tokens, without comments and whitespace


def read_query(text: str) -> QueryReading:
    words: list[str] = []
    prefixes: list[str] = []
    depth = max_depth = 0
    unary_run = 0
    in_prologue = True
    form: str | None = None
    first_word: str | None = None
    operators = unions = optionals = filters = triple_patterns = path_steps = 0
    openers: list[str] = []
    digest = hashlib.blake2b(digest_size=12)
    for match in _TOKEN_RE.finditer(text):
        kind = match.lastgroup
        if kind in ("ws", "comment"):
            continue
        value = match.group()
        digest.update(value.encode("utf-8", "surrogatepass") + b"\x00")
        if kind == "punct":
            if value in _OPENERS:
                depth += 1
                max_depth = max(max_depth, depth + unary_run)
                openers.append(value)
                triple_patterns += value != "("
            elif value in _CLOSERS:
                depth -= 1
                if openers:
                    openers.pop()
            elif value in _SEPARATORS and (not openers or openers[-1] != "("):
                triple_patterns += 1
            operators += value in _OPERATORS
            path_steps += value in _PATH_STEPS
            if value in _UNARY or value == "^^":
                unary_run += len(value)
                max_depth = max(max_depth, depth + unary_run)
            else:
                unary_run = 0
            continue
        unary_run = 0
        if kind == "word":
            upper = value.upper()
            words.append(upper)
            unions += upper == "UNION"
            optionals += upper in ("OPTIONAL", "MINUS")
            filters += upper in ("FILTER", "BIND")
            if in_prologue and upper not in ("BASE", "PREFIX"):
                in_prologue = False
                first_word = upper
                if upper in QUERY_FORMS:
                    form = upper
        elif kind == "pname":
            prefix = value.partition(":")[0]
            if prefix:
                prefixes.append(prefix.upper())
        if kind in ("pname", "bnode") and "." in value:
            # One name to the grammar, but pyoxigraph's tokenizer ends a name at a dot
            # followed by more name, so ``ex:a.b.SERVICE <x> {}`` reaches its parser as
            # ``ex:a.b . SERVICE <x> {}``: what follows each dot is read as words too.
            words += [tail.upper() for tail in value.split(".")[1:] if tail]
    return QueryReading(
        words,
        prefixes,
        max_depth,
        form,
        first_word,
        operators=operators,
        unions=unions,
        optionals=optionals,
        filters=filters,
        triple_patterns=triple_patterns,
        path_steps=path_steps,
        shape=digest.hexdigest(),
    )


def tokens(text: str) -> Iterator[tuple[str, int, int]]:
    """``(kind, start, end)`` of each token of ``text``, skipping whitespace and
    comments. Kinds: ``string``, ``lstring``, ``iri``, ``pname``, ``var``, ``bnode``,
    ``langtag``, ``number``, ``word`` and ``punct``."""
    for match in _TOKEN_RE.finditer(text):
        kind = match.lastgroup
        if kind not in ("ws", "comment"):
            yield kind or "punct", match.start(), match.end()


def _unescape(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"

    return _ESCAPE_RE.sub(replace, text)


# ---------------------------------------------------------------------- guard


#: What each count limit bounds, in messages: (field of both classes, the thing counted).
_COUNTED = (
    ("operators", "operators (+ - * || && = != < > <= >= !)"),
    ("unions", "UNION branches"),
    ("optionals", "OPTIONAL or MINUS clauses"),
    ("filters", "FILTER or BIND clauses"),
    ("triple_patterns", "triple patterns and groups"),
    ("path_steps", "property path steps or divisions (/ | ^)"),
)


def _check_shape(reading: QueryReading, limits: Limits) -> None:
    if reading.depth > limits.max_depth:
        raise BadRequestError(
            f"the query is nested {reading.depth} levels deep; the limit is {limits.max_depth}"
        )
    for name, what in _COUNTED:
        count, limit = getattr(reading, name), getattr(limits, f"max_{name}")
        if count > limit:
            raise BadRequestError(
                f"the query has {count} {what}; the limit is {limit} (max_{name}, "
                "docs/limits.md): the engine cannot take very long chains; split the query"
            )


def check_shape(text: str, limits: Limits | None = None) -> None:
    """Only the limits that keep the engine from crashing (depth and counts), for
    queries run in-process by trusted tools (``kg query``), not the endpoint's rules.

    Raises:
        BadRequestError: nested too deep, or a count over its limit.
    """
    limits = limits or Limits()
    _check_shape(read_query(text), limits)
    if "\\u" in text or "\\U" in text:
        _check_shape(read_query(_unescape(text)), limits)


def _check_reading(reading: QueryReading, limits: Limits) -> None:
    _check_shape(reading, limits)
    if any("SERVICE" in w for w in reading.words) or any("SERVICE" in p for p in reading.prefixes):
        raise BadRequestError(FEDERATION_MESSAGE)
    if reading.first_word in _UPDATE_FIRST_WORDS or (
        reading.form is None and any(w in UPDATE_KEYWORDS for w in reading.words)
    ):
        raise ForbiddenError(UPDATE_MESSAGE)
    if "DEFINE" in reading.words:
        raise BadRequestError("server-specific pragmas (define ...) are not allowed")


@functools.lru_cache(maxsize=512)
def _cached_check(text: str, limits: Limits) -> GuardedQuery:
    reading = read_query(text)
    _check_reading(reading, limits)
    if "\\u" in text or "\\U" in text:
        unescaped = read_query(_unescape(text))
        _check_reading(unescaped, limits)
    return GuardedQuery(
        text=text,
        form=reading.form,
        has_dataset_clause="FROM" in reading.words,
        depth=reading.depth,
        small=reading.triple_patterns <= 2
        and reading.path_steps == 0
        and reading.unions + reading.optionals + reading.filters <= 2,
        shape=reading.shape,
    )


def check_query(text: str, limits: Limits | None = None) -> GuardedQuery:
    """Check a query before it runs.

    Raises:
        PayloadTooLargeError: the query is longer than ``limits.max_bytes`` (413).
        ForbiddenError: it is a SPARQL Update (403).
        BadRequestError: it is empty, uses ``SERVICE`` or a server-specific pragma, or is
            nested deeper than ``limits.max_depth`` (400).
    """
    limits = limits or Limits()
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        raise PayloadTooLargeError(
            f"the query is {size} bytes; the limit is {limits.max_bytes} bytes"
        )
    if not text.strip():
        raise BadRequestError("the query is empty")
    if "\x00" in text:
        raise BadRequestError("the query contains a NUL character")
    # the verdict depends on the text and limits only: repeated queries (an
    # analyst's, YASGUI's) are checked once (refusals are not cached; nor are
    # long texts, to bound the cache's memory)
    if len(text) > 16384:
        return _cached_check.__wrapped__(text, limits)
    return _cached_check(text, limits)
