"""Rewrite a query so that Oxigraph plans it well, only where the answer is provably
the same (issue 14, item 2).

Oxigraph evaluates some shapes slowly whatever their size (measured on the real
build and on generated 100k data, bench/rewrite_bench.py). Each rewrite below turns
one of them into an equivalent form it plans well; the conditions are in each
rewrite's docstring. Anything this module cannot read, or any condition it cannot
prove, leaves the query (or that part of it) exactly as written: a rewrite that
changed one answer would be worse than a slow query.

The query is read with the guard's lexer (the same tokens a SPARQL parser sees)
into a small tree of group graph patterns whose leaves keep their original text;
a rewritten group is printed from that tree, everything else is copied as written.
pyoxigraph takes queries as text, so the result is text.

Whole queries are left alone when evaluation order decides the answer: ``LIMIT``
and ``OFFSET`` (which rows are kept, even under ``ORDER BY`` among rows that tie),
``REDUCED`` (how many duplicates go), ``GROUP_CONCAT`` and ``SAMPLE`` (in what order
values are met).
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from kg.endpoint.guard import _TOKEN_RE

log = logging.getLogger("kg.endpoint")

#: Longer queries run as written (the rewriter is linear, but bounded anyway).
MAX_REWRITTEN_CHARS = 65536
#: The rewriter gives up (the query runs as written) past this many seconds.
TIME_CAP_SECONDS = 0.2  # 250 times the most it took in the bench (0.8 ms): load should not trip it

NOT_EXISTS_TO_MINUS = "not-exists-to-minus"
FILTER_TO_VALUES = "filter-to-values"
VALUES_FIRST = "values-first"
PATH_FIRST = "path-first"
PATTERNS_FIRST = "patterns-first"
#: The order the header lists them in.
REWRITES = (NOT_EXISTS_TO_MINUS, FILTER_TO_VALUES, VALUES_FIRST, PATH_FIRST, PATTERNS_FIRST)

_GROUP_KEYWORDS = frozenset(
    {"FILTER", "OPTIONAL", "MINUS", "GRAPH", "SERVICE", "BIND", "VALUES", "UNION"}
)
#: Which rows a slice keeps depends on evaluation order (with ORDER BY too, among
#: rows that tie), as do how many duplicates REDUCED drops and in what order
#: GROUP_CONCAT and SAMPLE meet values: queries with these run as written.
_ORDER_DEPENDENT = frozenset({"GROUP_CONCAT", "SAMPLE", "LIMIT", "OFFSET", "REDUCED"})
_AGGREGATES = frozenset({"COUNT", "SUM", "MIN", "MAX", "AVG", "GROUP_CONCAT", "SAMPLE"})


class _NotReadError(Exception):
    """The query is not one this module reads (or took too long): run it as written."""


@dataclass(frozen=True)
class Rewritten:
    """A query as it will run, and what was done to it.

    Attributes:
        text: the query to run (the original text when nothing applied).
        applied: how many times each rewrite applied, by name (see :data:`REWRITES`).
        declined: why a slow shape found in the query could not be rewritten, one
            sentence each, naming the variable and what would make it rewritable.
    """

    text: str
    applied: tuple[tuple[str, int], ...] = ()
    declined: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.applied)

    def header(self) -> str:
        """The ``X-KG-Rewrites`` value: ``not-exists-to-minus=2, values-first=1`` or
        ``none``."""
        return ", ".join(f"{name}={n}" for name, n in self.applied) or "none"


# ---------------------------------------------------------------------- tokens


@dataclass(frozen=True)
class _Tok:
    kind: str
    value: str
    start: int
    end: int

    @property
    def upper(self) -> str:
        return self.value.upper() if self.kind == "word" else self.value


def _tokens(text: str) -> list[_Tok]:
    found = []
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup or ""
        if kind not in ("ws", "comment"):
            found.append(_Tok(kind, m.group(), m.start(), m.end()))
    return found


def _var(tok: _Tok) -> str | None:
    """The variable's name (``?x`` and ``$x`` are one variable)."""
    return tok.value[1:] if tok.kind == "var" else None


def _is_iri(tok: _Tok) -> bool:
    return tok.kind in ("iri", "pname")


# ------------------------------------------------------------------------ tree


@dataclass
class _Triple:
    """One triple pattern of a triples block, split out so that it can be moved."""

    subject: _Tok
    verb: list[_Tok]
    obj: _Tok
    obj_end: int  # after the object's language tag or datatype

    def text(self, src: str) -> str:
        verb = src[self.verb[0].start : self.verb[-1].end]
        return f"{self.subject.value} {verb} {src[self.obj.start : self.obj_end]}"

    @property
    def closure(self) -> bool:
        """A property path with ``*`` or ``+`` (a closure)."""
        return len(self.verb) > 1 and any(t.value in ("*", "+") for t in self.verb)

    def vars(self) -> set[str]:
        return {v for t in (self.subject, self.obj) if (v := _var(t))}


@dataclass
class _Element:
    start: int
    end: int
    vars: set[str] = field(default_factory=set)  # every variable mentioned inside


@dataclass
class _Triples(_Element):
    triples: list[_Triple] | None = None  # None: not split (blank nodes, lists, ...)
    removed: list[_Triple] = field(default_factory=list)


@dataclass
class _Filter(_Element):
    tokens: list[_Tok] = field(default_factory=list)
    not_exists: _Group | None = None  # FILTER NOT EXISTS { ... }
    equality: tuple[str, _Tok, list[_Tok]] | None = None  # (var name, var token, IRIs)


@dataclass
class _Values(_Element):
    names: list[str] = field(default_factory=list)
    undef: bool = False


@dataclass
class _Bind(_Element):
    target: str | None = None  # BIND(... AS ?target)


@dataclass
class _Opaque(_Element):
    """A subquery, SERVICE or anything else read only as text."""


@dataclass
class _Wrapped(_Element):
    """``OPTIONAL``, ``MINUS`` or ``GRAPH <name>`` and its group."""

    keyword: str = ""
    head: str = ""  # the text before the group ("OPTIONAL", "GRAPH ?g")
    group: _Group | None = None
    name_var: str | None = None  # GRAPH ?g


@dataclass
class _Union(_Element):
    groups: list[_Group] = field(default_factory=list)


@dataclass
class _Group(_Element):
    elements: list[_Element] = field(default_factory=list)
    context: str = "group"  # "where", "optional", "graph", "minus", "not-exists", ...
    in_graph: bool = False
    dirty: bool = False
    first: list[str] = field(default_factory=list)  # printed first (VALUES, paths)
    last: list[str] = field(default_factory=list)  # printed last (MINUS)
    dropped: set[int] = field(default_factory=set)  # ids of elements not printed
    before: dict[int, list[str]] = field(default_factory=dict)  # printed before an element

    def render(self, src: str) -> str:
        if not self.dirty and not any(_element_dirty(e) for e in self.elements):
            return src[self.start : self.end]
        parts = list(self.first)
        for e in self.elements:
            parts += self.before.get(id(e), [])
            if id(e) not in self.dropped:
                parts.append(_render(e, src))
        parts += self.last
        return "{ " + " ".join(p for p in parts if p) + " }"


def _element_dirty(e: _Element) -> bool:
    if isinstance(e, _Group):
        return e.dirty or any(_element_dirty(x) for x in e.elements)
    if isinstance(e, _Wrapped):
        return e.group is not None and _element_dirty(e.group)
    if isinstance(e, _Union):
        return any(_element_dirty(g) for g in e.groups)
    if isinstance(e, _Triples):
        return bool(e.removed)
    return False


def _render(e: _Element, src: str) -> str:
    if isinstance(e, _Group):
        return e.render(src)
    if isinstance(e, _Wrapped) and e.group is not None:
        return f"{e.head} {e.group.render(src)}"
    if isinstance(e, _Union):
        return " UNION ".join(g.render(src) for g in e.groups)
    if isinstance(e, _Triples):
        if e.removed and e.triples is not None:
            kept = [t for t in e.triples if not any(t is r for r in e.removed)]
            return " ".join(t.text(src) + " ." for t in kept)
        text = src[e.start : e.end]
        # blocks are joined by whitespace: each must end with its own dot
        return text if text.rstrip().endswith(".") else text + " ."
    return src[e.start : e.end]


def _certain(e: _Element) -> set[str]:
    """The variables bound in every solution of ``e`` (as a group element)."""
    if isinstance(e, _Triples):
        return set(e.vars)
    if isinstance(e, _Values):
        return set() if e.undef else set(e.names)
    if isinstance(e, _Group):
        found: set[str] = set()
        for x in e.elements:
            found |= _certain(x)
        return found
    if isinstance(e, _Union):
        sets = [_certain(g) for g in e.groups]
        return set.intersection(*sets) if sets else set()
    if isinstance(e, _Wrapped) and e.keyword == "GRAPH" and e.group is not None:
        return _certain(e.group) | ({e.name_var} if e.name_var else set())
    return set()  # OPTIONAL, MINUS, FILTER, BIND, subqueries: maybe unbound


def _possible(e: _Element) -> set[str]:
    """The variables ``e`` may bind (over-approximated by those mentioned)."""
    if isinstance(e, _Filter):
        return set()
    if isinstance(e, _Wrapped) and e.keyword == "MINUS":
        return set()
    if isinstance(e, _Group):
        found: set[str] = set()
        for x in e.elements:
            found |= _possible(x)
        return found
    return set(e.vars)


def _joins_prefix(group: _Group) -> list[_Element]:
    """The elements before the first OPTIONAL, MINUS, BIND, subquery or unknown one:
    within these, and only these, the group is a join, whose order is free."""
    prefix = []
    for e in group.elements:
        if isinstance(e, _Bind | _Opaque) or (
            isinstance(e, _Wrapped) and e.keyword in ("OPTIONAL", "MINUS")
        ):
            break
        prefix.append(e)
    return prefix


# ---------------------------------------------------------------------- reader


class _Reader:
    def __init__(self, text: str, deadline: float) -> None:
        self.src = text
        self.toks = _tokens(text)
        self.pos = 0
        self.deadline = deadline
        self.groups: list[_Group] = []

    # -- helpers
    def peek(self, k: int = 0) -> _Tok | None:
        i = self.pos + k
        return self.toks[i] if i < len(self.toks) else None

    def take(self) -> _Tok:
        tok = self.peek()
        if tok is None:
            raise _NotReadError("unexpected end")
        self.pos += 1
        return tok

    def expect(self, value: str) -> _Tok:
        tok = self.take()
        if tok.value != value:
            raise _NotReadError(f"expected {value!r}")
        return tok

    def balanced(self) -> list[_Tok]:
        """The tokens from an opening bracket to its match, both included."""
        first = self.take()
        if first.value not in "({[":
            raise _NotReadError("expected a bracket")
        out, depth = [first], 1
        while depth:
            tok = self.take()
            out.append(tok)
            if tok.kind == "punct":
                depth += tok.value in "({["
                depth -= tok.value in ")}]"
        return out

    # -- groups
    def group(self, context: str, in_graph: bool) -> _Group:
        if time.perf_counter() > self.deadline:
            raise _NotReadError("time cap")
        open_ = self.expect("{")
        nxt = self.peek()
        if nxt is not None and nxt.upper in ("SELECT",):
            raise _NotReadError("subquery as a group")  # read by the caller as opaque
        g = _Group(open_.start, open_.end, context=context, in_graph=in_graph)
        while True:
            tok = self.peek()
            if tok is None:
                raise _NotReadError("unclosed group")
            if tok.value == "}" and tok.kind == "punct":
                self.pos += 1
                g.end = tok.end
                break
            g.elements.append(self.element(in_graph))
        for e in g.elements:
            g.vars |= e.vars
        self.groups.append(g)
        return g

    def element(self, in_graph: bool) -> _Element:
        tok = self.peek()
        assert tok is not None
        word = tok.upper if tok.kind == "word" else None
        if tok.value == "{" and tok.kind == "punct":
            nxt = self.peek(1)
            if nxt is not None and nxt.upper == "SELECT":
                return self.opaque()
            first = self.group("group", in_graph)
            groups = [first]
            while (n := self.peek()) is not None and n.upper == "UNION":
                self.pos += 1
                groups.append(self.group("union", in_graph))
            if len(groups) == 1:
                return first
            for g in groups:
                g.context = "union"
            u = _Union(first.start, groups[-1].end, groups=groups)
            for g in groups:
                u.vars |= g.vars
            return u
        if word == "FILTER":
            return self.filter()
        if word in ("OPTIONAL", "MINUS"):
            self.pos += 1
            inner = self.group(word.lower(), in_graph)
            return _Wrapped(tok.start, inner.end, set(inner.vars), word, tok.value, inner)
        if word == "GRAPH":
            self.pos += 1
            name = self.take()
            if name.kind not in ("var", "iri", "pname"):
                raise _NotReadError("GRAPH name")
            inner = self.group("graph", True)
            var = _var(name)
            head = self.src[tok.start : name.end]
            names = {var} if var else set()
            return _Wrapped(tok.start, inner.end, inner.vars | names, "GRAPH", head, inner, var)
        if word == "BIND":
            self.pos += 1
            body = self.balanced()
            bind = _Bind(tok.start, body[-1].end, {v for t in body if (v := _var(t))})
            if len(body) >= 4 and body[-3].upper == "AS" and body[-2].kind == "var":
                bind.target = body[-2].value[1:]
            else:
                raise _NotReadError("BIND without AS ?var")
            return bind
        if word == "VALUES":
            return self.values()
        if word == "SERVICE":
            raise _NotReadError("SERVICE")
        if word is not None and word in _GROUP_KEYWORDS:
            raise _NotReadError(f"unexpected {word}")
        return self.triples()

    def opaque(self) -> _Opaque:
        body = self.balanced()
        return _Opaque(body[0].start, body[-1].end, {v for t in body if (v := _var(t))})

    def values(self) -> _Values:
        start = self.take()
        names: list[str] = []
        tok = self.take()
        if tok.kind == "var":
            names = [tok.value[1:]]
        elif tok.value == "(":
            while (t := self.take()).value != ")":
                if t.kind != "var":
                    raise _NotReadError("VALUES variables")
                names.append(t.value[1:])
        else:
            raise _NotReadError("VALUES")
        body = self.balanced()
        if body[0].value != "{":
            raise _NotReadError("VALUES data")
        undef = any(t.upper == "UNDEF" for t in body)
        return _Values(start.start, body[-1].end, set(names), names, undef)

    def filter(self) -> _Filter:
        start = self.take()
        tok = self.peek()
        if tok is None:
            raise _NotReadError("FILTER at the end")
        inner_ne: _Group | None = None
        if tok.upper == "NOT" and (n := self.peek(1)) is not None and n.upper == "EXISTS":
            self.pos += 2
            begin = self.pos
            inner_ne = self.group("not-exists", False)
            body = self.toks[begin : self.pos]
        elif tok.upper == "EXISTS":
            self.pos += 1
            body = self.balanced()
        elif tok.value == "(":
            # FILTER ( NOT EXISTS { ... } ) is the same constraint
            n1, n2 = self.peek(1), self.peek(2)
            if n1 is not None and n2 is not None and n1.upper == "NOT" and n2.upper == "EXISTS":
                save = self.pos
                self.pos += 3
                inner = self.group("not-exists", False)
                close = self.peek()
                if close is not None and close.value == ")":
                    self.pos += 1
                    inner_ne = inner
                    body = self.toks[save : self.pos]
                else:
                    self.pos = save
                    body = self.balanced()
            else:
                body = self.balanced()
        elif tok.kind in ("word", "pname", "iri"):
            self.pos += 1
            body = [tok, *self.balanced()]
        else:
            raise _NotReadError("FILTER")
        f = _Filter(start.start, body[-1].end, {v for t in body if (v := _var(t))}, body)
        f.not_exists = inner_ne
        if inner_ne is None:
            f.equality = _equality(body)
        return f

    def triples(self) -> _Triples:
        """A triples block: up to the next keyword or group at this level."""
        begin = self.pos
        depth = 0
        while True:
            tok = self.peek()
            if tok is None:
                raise _NotReadError("unclosed triples")
            if depth == 0 and (
                (tok.kind == "punct" and tok.value in "{}")
                or (tok.kind == "word" and tok.upper in _GROUP_KEYWORDS)
            ):
                break
            if tok.kind == "punct" and tok.value in "([":
                depth += 1
            elif tok.kind == "punct" and tok.value in ")]":
                depth -= 1
            elif tok.kind == "punct" and tok.value in "{}":
                raise _NotReadError("brace in triples")
            elif tok.kind == "word" and tok.upper not in ("A", "TRUE", "FALSE"):
                raise _NotReadError(f"word {tok.value} in triples")
            self.pos += 1
        toks = self.toks[begin : self.pos]
        if not toks:
            raise _NotReadError("empty triples block")
        block = _Triples(toks[0].start, toks[-1].end, {v for t in toks if (v := _var(t))})
        block.triples = _split(toks)
        return block


_TERM_KINDS = frozenset({"var", "iri", "pname", "string", "lstring", "number"})


def _split(toks: list[_Tok]) -> list[_Triple] | None:
    """The triples of a simple block (``s p o ; p o , o .``), or None when it has
    blank nodes, collections, typed or tagged literals, or anything else."""
    out: list[_Triple] = []
    i, n = 0, len(toks)

    def term(t: _Tok) -> bool:
        return t.kind in _TERM_KINDS or (t.kind == "word" and t.upper in ("TRUE", "FALSE"))

    while i < n:
        if toks[i].value == "." and toks[i].kind == "punct":
            i += 1
            continue
        subject = toks[i]
        if not term(subject) or subject.kind in ("string", "lstring", "number"):
            return None
        i += 1
        while True:  # predicate-object list
            verb_start = i
            while i < n:
                t = toks[i]
                prev = toks[i - 1] if i > verb_start else None
                ends_primary = prev is not None and (
                    prev.kind in ("iri", "pname", "var")
                    or prev.value in (")", "*", "+", "?")
                    or (prev.kind == "word" and prev.value == "a")
                )
                if ends_primary and t.value not in ("/", "|", "*", "+", "?", ")"):
                    break
                if t.kind == "var" and i > verb_start:
                    break
                if t.value in ("[", ";", ",", "."):
                    return None
                i += 1
            verb = toks[verb_start:i]
            if not verb or i >= n:
                return None
            if any(t.kind == "var" for t in verb) and len(verb) > 1:
                return None
            while True:  # object list
                obj = toks[i]
                if not term(obj):
                    return None
                if obj.kind == "number" and verb[-1].value in ("+", "*", "?"):
                    return None  # "p+ 1" or "p +1": ambiguous to this reader
                end = obj.end
                i += 1
                if obj.kind in ("string", "lstring") and i < n:
                    if toks[i].kind == "langtag":
                        end, i = toks[i].end, i + 1
                    elif toks[i].value == "^^" and i + 1 < n and _is_iri(toks[i + 1]):
                        end, i = toks[i + 1].end, i + 2
                out.append(_Triple(subject, verb, obj, end))
                if i < n and toks[i].value == ",":
                    i += 1
                    continue
                break
            if i < n and toks[i].value == ";":
                while i < n and toks[i].value == ";":
                    i += 1
                if i < n and toks[i].value != ".":
                    continue
            break
        if i < n and toks[i].value != ".":
            return None
    return out


def _equality(body: list[_Tok]) -> tuple[str, _Tok, list[_Tok]] | None:
    """``(?x = <iri>)``, ``(<iri> = ?x)``, ``sameTerm(?x, <iri>)`` (either order, in
    brackets or not) or ``(?x IN (<a>, <b>))``: the variable and the IRIs."""
    vals = [t.value if t.kind == "punct" else t.upper for t in body]
    if len(body) == 5 and vals[0] == "(" and vals[2] == "=" and vals[4] == ")":
        a, b = body[1], body[3]
        if a.kind == "var" and _is_iri(b):
            return a.value[1:], a, [b]
        if b.kind == "var" and _is_iri(a):
            return b.value[1:], b, [a]
    inner = body[1:-1] if vals and vals[0] == "(" and vals[-1] == ")" else body
    ivals = vals[1:-1] if inner is not body else vals
    if len(inner) == 6 and ivals[0] == "SAMETERM" and ivals[1] == "(" and ivals[3] == ",":
        a, b = inner[2], inner[4]
        if ivals[5] == ")":
            if a.kind == "var" and _is_iri(b):
                return a.value[1:], a, [b]
            if b.kind == "var" and _is_iri(a):
                return b.value[1:], b, [a]
    if len(body) >= 6 and vals[0] == "(" and body[1].kind == "var" and vals[2] == "IN":
        items = body[4:-2]
        if vals[3] != "(" or vals[-2] != ")" or vals[-1] != ")":
            return None
        iris = items[0::2]
        if not iris or not all(_is_iri(t) for t in iris):
            return None
        if not all(t.value == "," for t in items[1::2]) or len(items) != 2 * len(iris) - 1:
            return None
        return body[1].value[1:], body[1], iris
    return None


# --------------------------------------------------------------------- rewrites


@dataclass
class _Report:
    applied: dict[str, int] = field(default_factory=dict)
    declined: list[str] = field(default_factory=list)

    def add(self, name: str) -> None:
        self.applied[name] = self.applied.get(name, 0) + 1


def _not_exists_to_minus(group: _Group, src: str, report: _Report) -> None:
    """``FILTER NOT EXISTS { P }`` -> ``MINUS { P }``, printed last in the group.

    NOT EXISTS evaluates P again for every solution μ of the group, with μ's values
    substituted; MINUS evaluates P once and removes each μ compatible with one of
    P's solutions on a shared variable (a keyed anti-join: 90x faster measured).
    The two agree when:

    * P is triple patterns only (with FILTERs that use only P's own pattern
      variables): then every solution of P binds all its variables, and a FILTER
      in P cannot see μ's values, which NOT EXISTS would substitute and MINUS not;
    * the shared variables (those of P the rest of the group may bind) are not
      empty and each is certainly bound in every μ (not only in an OPTIONAL, a
      BIND, one UNION branch or a subquery): MINUS removes nothing for a μ that
      shares no bound variable with P, while NOT EXISTS removes μ whenever P has
      any solution at all;
    * the group is not the body of an OPTIONAL (its filters see the optional's
      left side too) nor inside GRAPH (kept out of the proof for simplicity).

    A FILTER applies to its whole group wherever it is written, but MINUS only to
    what precedes it, so the MINUS goes last; FILTERs and MINUS both remove rows
    one by one, so their order among themselves does not matter.
    """
    if group.context == "optional" or group.in_graph:
        return
    for e in group.elements:
        if not isinstance(e, _Filter) or e.not_exists is None:
            continue
        inner = e.not_exists
        others = [x for x in group.elements if x is not e]
        possible: set[str] = set()
        certain: set[str] = set()
        for x in others:
            possible |= _possible(x)
            certain |= _certain(x)
        pattern_vars: set[str] = set()
        simple = True
        for x in inner.elements:
            if isinstance(x, _Triples):
                pattern_vars |= x.vars
            elif not isinstance(x, _Filter):
                simple = False
        for x in inner.elements:
            if isinstance(x, _Filter) and (
                x.not_exists is not None
                or any(t.upper == "EXISTS" for t in x.tokens)
                or not x.vars <= pattern_vars
            ):
                outer = sorted((x.vars - pattern_vars) & possible)
                report.declined.append(
                    "FILTER NOT EXISTS over a group with a FILTER on "
                    + (", ".join(f"?{v}" for v in outer) if outer else "a nested EXISTS")
                    + ", not bound by its own patterns: could not be turned into MINUS; "
                    "bind those variables inside the group or move the FILTER out"
                )
                simple = False
                break
        else:
            if not simple:
                report.declined.append(
                    "FILTER NOT EXISTS over a group with OPTIONAL, UNION, BIND, VALUES, "
                    "GRAPH or a subquery: could not be turned into MINUS; write MINUS "
                    "{ ... } yourself if it shares a variable bound on both sides"
                )
        if not simple:
            continue
        shared = pattern_vars & possible
        if not shared:
            report.declined.append(
                "FILTER NOT EXISTS over a group that shares no variable with the rest "
                "of its group: could not be turned into MINUS (it would remove nothing)"
            )
            continue
        unsure = sorted(shared - certain)
        if unsure:
            names = ", ".join(f"?{v}" for v in unsure)
            report.declined.append(
                f"NOT EXISTS over a group whose shared variable {names} may be unbound: "
                "could not be turned into MINUS; bind "
                f"{names} outside OPTIONAL (and outside BIND, one UNION branch or a subquery)"
            )
            continue
        group.dropped.add(id(e))
        group.last.append("MINUS " + inner.render(src))
        group.dirty = True
        report.add(NOT_EXISTS_TO_MINUS)


def _hoist_values(group: _Group, src: str, report: _Report) -> set[str]:
    """Equality FILTERs become ``VALUES`` first in the group, and a VALUES of the
    group moves first; the variables they bind are returned.

    ``FILTER(?x = <iri>)`` keeps a solution exactly when ?x is that IRI (an IRI
    equals only itself; a literal compared to an IRI is false, not an error), as
    does a join with ``VALUES ?x { <iri> }`` - provided ?x is certainly bound: an
    unbound ?x fails the FILTER but joins with VALUES. ``sameTerm`` and ``IN``
    over IRIs likewise (repeated IRIs are written once: VALUES would repeat rows).

    Joins commute, so VALUES can go first among the joined elements; past an
    OPTIONAL, MINUS or BIND they do not (what the OPTIONAL binds could clash), so
    the variable must be certainly bound by the elements before the first of
    those, and the group must not be an OPTIONAL's body (its FILTERs are the left
    join's condition). Oxigraph evaluates a FILTER after the joins of its group,
    and a VALUES where it is written: first, it starts every join from its rows.
    """
    if group.context == "optional":
        return set()
    prefix = _joins_prefix(group)
    certain: set[str] = set()
    for x in prefix:
        certain |= _certain(x)
    bound: set[str] = set()
    for e in group.elements:
        if isinstance(e, _Filter) and e.equality is not None:
            name, tok, iris = e.equality
            if name not in certain:
                report.declined.append(
                    f"FILTER on ?{name} = an IRI where ?{name} may be unbound (or is bound "
                    "only after an OPTIONAL, MINUS or BIND): could not be turned into "
                    f"VALUES; bind ?{name} by a pattern before any OPTIONAL"
                )
                continue
            unique = list(dict.fromkeys(t.value for t in iris))
            group.first.append(f"VALUES {tok.value} {{ {' '.join(unique)} }}")
            group.dropped.add(id(e))
            group.dirty = True
            bound.add(name)
            report.add(FILTER_TO_VALUES)
    for i, e in enumerate(group.elements):
        if not isinstance(e, _Values):
            continue
        in_prefix = any(x is e for x in prefix)
        # past an OPTIONAL, MINUS or BIND: only when each row it joins is kept or
        # dropped whole (its variables already bound), which commutes with them
        if not in_prefix and not set(e.names) <= certain:
            continue
        if not e.undef:
            bound |= set(e.names)
        already = all(isinstance(x, _Values) or id(x) in group.dropped for x in group.elements[:i])
        # printed first even when already first, so that the paths put first come after
        # it; a rewrite only when it moved (a group left clean is printed as written)
        group.first.insert(0, src[e.start : e.end])
        group.dropped.add(id(e))
        if not already:
            group.dirty = True
            report.add(VALUES_FIRST)
    return bound


def _path_first(group: _Group, bound: set[str], src: str, report: _Report) -> None:
    """A ``*``/``+`` path with a constant end (or one bound by a VALUES first in the
    group) moves first in the group, after those VALUES.

    Oxigraph orders the plain triple patterns of a group itself (measured: either
    written order, the same time), but keeps a property path where it is written
    and evaluates it whole before joining: towards a fixed object and written
    after a label, 18 ms; written first, 1.2 ms (real build). Joins commute, so a
    pattern among the joined elements (before any OPTIONAL, MINUS or BIND) can go
    first; it is taken out of a triples block only when that block is simple (no
    blank nodes, whose labels a block may not share with another).
    """
    for e in _joins_prefix(group):
        if not isinstance(e, _Triples) or e.triples is None:
            continue
        if any(t.kind == "bnode" for t in _block_tokens(e)):
            continue
        for t in e.triples:
            if not t.closure:
                continue
            ends = [t.subject, t.obj]
            if not any(x.kind != "var" or x.value[1:] in bound for x in ends):
                continue  # both ends free: evaluated whole, wherever it is
            before = group.elements[: group.elements.index(e)]
            if (
                e.triples[0] is t
                and not e.removed
                and not any(f.endswith(" .") for f in group.first)
                and all(isinstance(x, _Values) or id(x) in group.dropped for x in before)
            ):
                continue  # already first
            e.removed.append(t)
            group.first.append(t.text(src) + " .")
            group.dirty = True
            report.add(PATH_FIRST)


def _patterns_first(group: _Group, src: str, report: _Report) -> None:
    """A triples block written after an OPTIONAL, BIND or MINUS moves before the
    first of them, when that provably keeps every answer.

    Oxigraph evaluates the patterns after an OPTIONAL or BIND on their own and
    joins afterwards (docs/endpoint.md: three labels after an OPTIONAL made a cross
    product, 750 ms; moved before it, 2.5 ms). Moving a block T left past one
    element, with X the joined elements before that element:

    * past a join (patterns, a group, UNION, VALUES): joins commute;
    * past ``OPTIONAL { B }``: (X ⟕ B) ⋈ T = (X ⋈ T) ⟕ B when every variable B
      mentions (its FILTERs included) that T also has is certainly bound in X: T
      then cannot clash with what B binds, nor B's FILTER see T's values;
    * past ``BIND(e AS ?z)``: when ?z is not in T and every variable of e that T
      has is certainly bound in X;
    * past ``MINUS { D }``: when every variable of D that T has is certainly bound
      in X (the rows it removes share the same variables either way);
    * never past a subquery or anything else read only as text, and never a block
      with blank node labels (placed next to another block it would join its BGP);
    * never before a BIND or VALUES that begins the group (a deliberate start: moving
      labels before it made cq19 slower, 4.1 -> 5.4 s at 1M).
    """
    elements = group.elements
    # a BIND (or VALUES) written before any pattern is where the group is meant to
    # start (docs/endpoint.md: "BIND(?param AS ?start)" first makes Oxigraph begin
    # there, cq19): nothing moves before it
    lead = 0
    while lead < len(elements) and isinstance(elements[lead], _Bind | _Values | _Filter):
        lead += 1
    end = lead
    while end < len(elements) and not (
        isinstance(elements[end], _Bind | _Opaque)
        or (isinstance(elements[end], _Wrapped) and elements[end].keyword in ("OPTIONAL", "MINUS"))
    ):
        end += 1
    if end == len(elements):
        return
    stop = elements[end]  # printed before this element
    certain: set[str] = set()
    for x in elements[:end]:
        certain |= _certain(x)
    passed: list[tuple[_Element, set[str]]] = []  # non-joins, with certain(X) before them
    for e in elements[end:]:
        if isinstance(e, _Opaque):
            return
        if isinstance(e, _Triples) and id(e) not in group.dropped:
            blocked = any(t.kind == "bnode" for t in _block_tokens(e)) or e.triples is None
            if not blocked and all(_commutes(x, before, e.vars) for x, before in passed):
                group.before.setdefault(id(stop), []).append(_render(e, src))
                group.dropped.add(id(e))
                group.dirty = True
                certain |= e.vars
                # the non-joins already passed now see T's variables as bound
                passed = [(x, before | e.vars) for x, before in passed]
                report.add(PATTERNS_FIRST)
                continue
        if isinstance(e, _Bind | _Opaque) or (
            isinstance(e, _Wrapped) and e.keyword in ("OPTIONAL", "MINUS")
        ):
            passed.append((e, set(certain)))
        else:
            certain |= _certain(e)


def _commutes(e: _Element, certain: set[str], moved: set[str]) -> bool:
    """Whether joining patterns of variables ``moved`` commutes with ``e`` when
    ``certain`` are bound in every row ``e`` sees (see :func:`_patterns_first`)."""
    if isinstance(e, _Bind):
        target = e.vars  # every variable mentioned, the target included
        return (target & moved) <= certain and not (_bind_target(e) & moved)
    if isinstance(e, _Wrapped) and e.keyword in ("OPTIONAL", "MINUS"):
        return (e.vars & moved) <= certain
    return False


def _bind_target(e: _Bind) -> set[str]:
    return {e.target} if e.target else set()


def _block_tokens(e: _Triples) -> Iterator[_Tok]:
    for t in e.triples or []:
        yield t.subject
        yield from t.verb
        yield t.obj


# ---------------------------------------------------------------------- query


def _groups(group: _Group) -> Iterator[_Group]:
    """The groups printed from ``group``'s tree, innermost first (not those inside
    FILTERs or subqueries, which are copied as written)."""
    for e in group.elements:
        if isinstance(e, _Group):
            yield from _groups(e)
        elif isinstance(e, _Wrapped) and e.group is not None:
            yield from _groups(e.group)
        elif isinstance(e, _Union):
            for g in e.groups:
                yield from _groups(g)
    yield group


def _where(reader: _Reader) -> tuple[int, int]:
    """The token range of the query's WHERE group: (index of its ``{``, form)."""
    toks = reader.toks
    i = 0
    while i < len(toks) and toks[i].upper in ("PREFIX", "BASE"):
        i += 3 if toks[i].upper == "PREFIX" else 2
    if i >= len(toks) or toks[i].upper not in ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK"):
        raise _NotReadError("not a query")
    form = i
    if toks[i].upper == "CONSTRUCT" and i + 1 < len(toks) and toks[i + 1].value == "{":
        reader.pos = i + 1
        reader.balanced()  # the template
        i = reader.pos
    depth = 0
    while i < len(toks):
        t = toks[i]
        if t.kind == "punct" and t.value in "([":
            depth += 1
        elif t.kind == "punct" and t.value in ")]":
            depth -= 1
        elif depth == 0 and t.value == "{" and t.kind == "punct":
            return i, form
        i += 1
    raise _NotReadError("no WHERE group")


def _rewrite(text: str, deadline: float) -> Rewritten:
    reader = _Reader(text, deadline)
    toks = reader.toks
    words = {t.upper for t in toks if t.kind == "word"}
    if words & _ORDER_DEPENDENT:
        return Rewritten(text)
    start, _form = _where(reader)
    reader.pos = start
    where = reader.group("where", False)
    tail = toks[reader.pos :]
    tail_words = [t.upper for t in tail if t.kind == "word"]
    report = _Report()
    # a trailing VALUES is joined after grouping (SPARQL 18.2.4): only without it
    # can it join first
    trailing: _Values | None = None
    for k, t in enumerate(tail):
        if t.upper == "VALUES":
            reader.pos = reader.pos + k
            trailing = reader.values()
            if reader.pos != len(toks):
                return Rewritten(text)
            break
    grouped = {"GROUP", "HAVING"} & set(tail_words) or _AGGREGATES & set(
        t.upper for t in toks[:start] if t.kind == "word"
    )
    if trailing is not None and not grouped and not trailing.undef:
        certain: set[str] = set()
        for x in _joins_prefix(where):
            certain |= _certain(x)
        if set(trailing.names) <= certain:
            where.elements.insert(0, trailing)
            where.dirty = True
            report.add(VALUES_FIRST)
        else:
            trailing = None
    else:
        trailing = None
    for g in _groups(where):  # innermost first: each group's text is final when printed
        _not_exists_to_minus(g, text, report)
        bound = _hoist_values(g, text, report)
        _path_first(g, bound, text, report)
        _patterns_first(g, text, report)
    if not report.applied:
        return Rewritten(text, declined=tuple(dict.fromkeys(report.declined)))
    end = trailing.start if trailing is not None else where.end
    out = text[: where.start] + where.render(text)
    out += text[where.end : end] if trailing is not None else text[where.end :]
    applied = tuple((n, report.applied[n]) for n in REWRITES if n in report.applied)
    return Rewritten(out, applied, tuple(dict.fromkeys(report.declined)))


@functools.lru_cache(maxsize=512)
def rewrite(text: str) -> Rewritten:
    """``text`` rewritten where Oxigraph would plan it badly and the answer is
    provably the same; the original text when nothing applies, when the query is
    not one this module reads, or when reading it takes over
    :data:`TIME_CAP_SECONDS`. Never raises."""
    if len(text) > MAX_REWRITTEN_CHARS:
        return Rewritten(text)
    try:
        return _rewrite(text, time.perf_counter() + TIME_CAP_SECONDS)
    except _NotReadError as e:
        log.debug("query not rewritten: %s", e)
    except Exception:  # noqa: BLE001 - a rewriter failure must never fail the query
        log.warning("the query rewriter failed; the query runs as written", exc_info=True)
    return Rewritten(text)
