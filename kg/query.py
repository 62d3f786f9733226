"""Load, parameterise, run and format SPARQL queries.

A shipped query carries each parameter's default in a standard SPARQL ``VALUES``
clause, marked as a parameter by a ``# param`` comment on the same line, so that
the file runs unchanged in any SPARQL client (``/sparql``, YASGUI, SPARQLWrapper)
and gives the answer ``kg query`` gives::

    SELECT ... WHERE {
      VALUES ?kind { sgd:kind-youth-offending-team }  # param: a kind of body
      VALUES ?asAt { UNDEF }  # param: a day (xsd:date); UNDEF: today

The clause is found on the lexed query (the endpoint guard's tokens: strings, IRIs
and comments are skipped as the grammar says), never by a search of the raw text,
and must be exactly ``VALUES ?name { value }``. Older queries may instead declare
parameters in their leading comments, which still works::

    # param: kind = <https://w3id.org/safeguarding-kg/id/kind-youth-offending-team>
    # param: date = "2017-08-01"^^xsd:date
    # param: body              (no default: the caller must give one)

A value is written as in Turtle: ``<IRI>``, a prefixed name (``sgd:kind-lscb``)
using the query's ``PREFIX`` declarations or the project's usual prefixes (sg, sgd,
rdf, rdfs, owl, xsd, skos, dcterms), ``"text"``, ``"text"@en``,
``"lex"^^xsd:date``, or a bare number or boolean. Parameters are typed by their
default: an IRI parameter takes only IRIs (``<…>``, ``prefix:name`` or a bare
``https://…``); a literal parameter takes a bare lexical form in the default's
datatype (``--param date=2019-06-29``) or a quoted literal of that datatype, and
the lexical form must be valid (a real day for ``xsd:date``); a parameter without
a default (``UNDEF``) takes any IRI or literal, a bare day being an ``xsd:date``.
Values become pyoxigraph terms and are written in their N-Triples form, so no text
of the caller's reaches the query unescaped.

``kg query --param`` replaces the values of the marked clauses and also writes
each value into the patterns of the WHERE group (:func:`bind_values`), as
pyoxigraph's ``substitutions`` would bind it (SEP-0007). Oxigraph then plans the
query from the bound value; joined in from outside (``substitutions``, or a
``VALUES`` clause sent as it is) it planned some queries unbound (cq19 at 100k
triples: 653 ms, and 22 ms with the value in the text).
:func:`runnable_text` gives the text with the values in the clauses only, for
any other client.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from kg.config import PREFIXES, Settings
from kg.endpoint.errors import EndpointError
from kg.endpoint.guard import check_shape, tokens
from kg.errors import QueryError
from kg.terms import RDF_LANG_STRING, XSD_STRING, Term, compact, compact_iri

FORMATS = ("table", "csv", "json", "turtle", "ntriples")

_PARAM_LINE_RE = re.compile(r"^\s*#\s*param\s*:(?P<rest>.*)$", re.IGNORECASE)
_PARAM_RE = re.compile(r"^\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?:=\s*(?P<value>\S.*?))?\s*$")
_PROLOGUE_LINE_RE = re.compile(r"^\s*(?:#.*|(?:PREFIX|BASE)\b.*|)$", re.IGNORECASE)
_PREFIX_DECL_RE = re.compile(
    r"\bPREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>\"{}|^`\\\s]*)>", re.IGNORECASE
)
_QUERY_POSITION_RE = re.compile(r"^error at (\d+):(\d+): ")
_IRIREF_RE = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PROBE_S = "urn:kg:param-subject"
_PROBE_P = "urn:kg:param-predicate"
#: the comment that makes the VALUES clause before it on its line a parameter
_PARAM_MARK_RE = re.compile(r"#\s*param\b\s*:?\s*(?P<about>.*)$", re.IGNORECASE)
#: an absolute IRI written without brackets (never a prefixed name: those have no "//")
_BARE_IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^<>\"{}|^`\\\s]+$")
_DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_XSD = "http://www.w3.org/2001/XMLSchema#"
_TIMEZONE = r"(?:Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))?"
_FLOATING = re.compile(r"^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?INF|NaN)$")
#: lexical forms of the datatypes a parameter is likely to have (XML Schema 1.1 part 2)
_LEXICAL = {
    _XSD + "date": re.compile(rf"^-?\d{{4}}-\d{{2}}-\d{{2}}{_TIMEZONE}$"),
    _XSD + "dateTime": re.compile(
        rf"^-?\d{{4,}}-\d{{2}}-\d{{2}}T\d{{2}}:\d{{2}}:\d{{2}}(?:\.\d+)?{_TIMEZONE}$"
    ),
    _XSD + "gYear": re.compile(rf"^-?\d{{4,}}{_TIMEZONE}$"),
    _XSD + "integer": re.compile(r"^[+-]?\d+$"),
    _XSD + "decimal": re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$"),
    _XSD + "double": _FLOATING,
    _XSD + "float": _FLOATING,
    _XSD + "boolean": re.compile(r"^(?:true|false|1|0)$"),
}
_STRINGS = (XSD_STRING, RDF_LANG_STRING)

Value = ox.NamedNode | ox.Literal


@dataclass(frozen=True)
class Param:
    """A parameter: its default (None: none, or ``UNDEF``) and where it is declared.

    ``clause`` is the span of its ``VALUES ?name { value }`` clause in the text, or
    None when it is declared in a header comment (``# param: name = value``).
    """

    name: str
    default: Value | None
    line: int | None = None
    clause: tuple[int, int] | None = None
    about: str = ""


@dataclass(frozen=True)
class LoadedQuery:
    """A query's text, where it came from, and its declared parameters."""

    text: str
    origin: str
    params: dict[str, Param] = field(default_factory=dict)
    prefixes: dict[str, str] = field(default_factory=dict)
    is_file: bool = False


@dataclass
class QueryResult:
    """A fully read query result.

    ``form`` is ``"select"`` (variables and rows), ``"ask"`` (boolean) or
    ``"graph"`` for CONSTRUCT/DESCRIBE (triples; also exposed as rows of
    subject, predicate, object).
    """

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)


# ------------------------------------------------------------------------ loading


def _looks_like_file(source: str) -> bool:
    if source.endswith(".rq"):
        return True
    if "\n" in source or "{" in source:
        return False
    try:
        return Path(source).is_file()
    except OSError:  # e.g. name too long: not a file name
        return False


def load_query(source: str | Path, settings: Settings | None = None) -> LoadedQuery:
    """Load a query from a ``.rq`` path or take ``source`` as SPARQL text.

    A relative path that does not exist is also looked up in the queries folder
    and the home folder of ``settings``.
    """
    if isinstance(source, Path) or _looks_like_file(source):
        path = Path(source)
        candidates = [path]
        if settings is not None and not path.is_absolute():
            candidates += [settings.queries_dir / path, settings.home / path]
        found = next((c for c in candidates if c.is_file()), None)
        if found is None:
            raise QueryError(f"no such query file: {source}")
        limit = settings.max_file_bytes if settings else 1024 * 1024
        if found.stat().st_size > limit:
            raise QueryError(f"query file is larger than {limit} bytes", file=str(source))
        try:
            text = found.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise QueryError(f"cannot read query file: {e}", file=str(source)) from None
        return parse_query_text(text, origin=str(source), is_file=True)
    return parse_query_text(str(source), origin="<query>", is_file=False)


def parse_query_text(text: str, origin: str = "<query>", is_file: bool = False) -> LoadedQuery:
    """Read the ``PREFIX`` declarations and ``# param:`` header lines of a query."""
    prefixes = {m[1] or "": m[2] for m in _PREFIX_DECL_RE.finditer(text)}
    params: dict[str, Param] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not _PROLOGUE_LINE_RE.match(line):
            break  # the header ends at the first line of the query proper
        match = _PARAM_LINE_RE.match(line)
        if not match:
            continue
        decl = _PARAM_RE.match(match["rest"])
        if not decl:
            raise QueryError(
                "malformed parameter declaration; write `# param: name = value`",
                file=origin,
                line=lineno,
            )
        name = decl["name"]
        if name in params:
            raise QueryError(f"parameter {name!r} is declared twice", file=origin, line=lineno)
        if not mentions_variable(text, name):
            raise QueryError(
                f"parameter {name!r} is not a variable (?{name}) of the query",
                file=origin,
                line=lineno,
            )
        default = None
        if decl["value"] is not None:
            try:
                default = _checked(parse_term(decl["value"], prefixes), None)
            except QueryError as e:
                raise QueryError(e.message, file=origin, line=lineno, field=name) from None
        params[name] = Param(name=name, default=default, line=lineno)
    for param in parameter_clauses(text, prefixes, origin):
        if param.name in params:
            raise QueryError(
                f"parameter {param.name!r} is declared twice", file=origin, line=param.line
            )
        params[param.name] = param
    return LoadedQuery(text=text, origin=origin, params=params, prefixes=prefixes, is_file=is_file)


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


@dataclass(frozen=True)
class _Clause:
    """A marked ``VALUES ?name { value }`` clause: its span, its value's text."""

    name: str
    start: int
    end: int
    value: str
    line: int
    about: str


#: tokens that begin a value of a VALUES data block (a sign is a token of its own)
_VALUE_STARTS = frozenset({"iri", "pname", "string", "lstring", "number", "word"})


def _count_values(text: str, toks: Sequence[tuple[str, int, int]]) -> int:
    """How many values a data block's tokens hold; -1 if something else is there."""
    count, previous = 0, ""
    for kind, start, end in toks:
        value = text[start:end]
        # "^^" and a language tag extend the literal before them; a sign, the number
        continues = (
            value == "^^"
            or kind == "langtag"
            or (kind in _VALUE_STARTS and previous in ("^^", "-", "+"))
        )
        if not continues:
            if kind not in _VALUE_STARTS and value not in ("-", "+"):
                return -1  # a bracket, a variable: not a value
            count += 1
        previous = value
    return count


def _clauses(text: str, origin: str = "<query>") -> list[_Clause]:
    """The marked parameter clauses of ``text``, found on its tokens."""
    toks = list(tokens(text))
    found: list[_Clause] = []
    for i, (kind, start, end) in enumerate(toks):
        if kind != "word" or text[start:end].upper() != "VALUES":
            continue
        # the clause ends at the first "}" after it (a data block holds no braces)
        close = next(
            (j for j in range(i + 1, len(toks)) if text[toks[j][1] : toks[j][2]] == "}"), None
        )
        if close is None:
            continue  # unterminated: the parser will say so
        after = toks[close][2]
        following = toks[close + 1][1] if close + 1 < len(toks) else len(text)
        # only whitespace and comments lie between two tokens: a "#" starts a comment
        mark = _PARAM_MARK_RE.match(text[after:following].split("\n", 1)[0].strip())
        if not mark:
            continue
        line = _line_of(text, start)
        data = toks[i + 3 : close]
        if (
            close < i + 4
            or toks[i + 1][0] != "var"
            or text[toks[i + 2][1] : toks[i + 2][2]] != "{"
            or _count_values(text, data) != 1
        ):
            raise QueryError(
                "a parameter is one variable with one value: write "
                "`VALUES ?name { value }  # param`",
                file=origin,
                line=line,
            )
        found.append(
            _Clause(
                name=text[toks[i + 1][1] + 1 : toks[i + 1][2]],
                start=start,
                end=after,
                value=text[data[0][1] : data[-1][2]],
                line=line,
                about=mark["about"].strip(),
            )
        )
    return found


def parameter_clauses(
    text: str, prefixes: Mapping[str, str] | None = None, origin: str = "<query>"
) -> list[Param]:
    """The parameters of ``text``: its ``VALUES ?name { value }`` clauses followed on
    their line by a ``# param`` comment, with their defaults (``UNDEF``: None).

    Works on the lexed query, so a ``VALUES`` or ``# param`` inside a string, an IRI
    or another comment is not one. A marked clause of any other shape (several
    variables or values) is an error rather than something half understood.
    """
    params = []
    for clause in _clauses(text, origin):
        default: Value | None = None
        if clause.value.upper() != "UNDEF":
            try:
                default = _checked(parse_term(clause.value, prefixes), None)
            except QueryError as e:
                raise QueryError(
                    e.message, file=origin, line=clause.line, field=clause.name
                ) from None
        params.append(
            Param(
                name=clause.name,
                default=default,
                line=clause.line,
                clause=(clause.start, clause.end),
                about=clause.about,
            )
        )
    return params


def mentions_variable(text: str, name: str) -> bool:
    """Whether ``?name`` (or ``$name``) is a variable of the query: a token, not text
    in a comment, a string or an IRI."""
    return any(kind == "var" and text[start + 1 : end] == name for kind, start, end in tokens(text))


def parse_term(value: str, prefixes: Mapping[str, str] | None = None) -> ox.NamedNode | ox.Literal:
    """Parse one IRI or literal written in Turtle syntax.

    Prefixed names use ``prefixes`` first, then :data:`kg.config.PREFIXES`.
    """
    value = value.strip()
    if not value:
        raise QueryError("empty value; write <IRI>, prefix:name or a quoted literal")
    all_prefixes = {**PREFIXES, **(prefixes or {})}
    header = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in all_prefixes.items())
    doc = f"{header}<{_PROBE_S}> <{_PROBE_P}> {value} .\n"
    try:
        triples = [q.triple for q in ox.parse(doc, format=ox.RdfFormat.TURTLE)]
    except SyntaxError as e:
        reason = re.sub(r"^Parser error [^:]*: ", "", str(e.msg or e))
        raise QueryError(
            f"cannot read {value!r} as an RDF term ({reason}); write <IRI>, prefix:name, "
            '"text", "lex"^^xsd:date or a number'
        ) from None
    if (
        len(triples) != 1
        or triples[0].subject != ox.NamedNode(_PROBE_S)
        or triples[0].predicate != ox.NamedNode(_PROBE_P)
        or not isinstance(triples[0].object, ox.NamedNode | ox.Literal)
    ):
        raise QueryError(f"{value!r} is not a single IRI or literal")
    return triples[0].object


def parse_assignment(text: str) -> tuple[str, str]:
    """Split a ``name=value`` command-line parameter."""
    name, sep, value = text.partition("=")
    name = name.strip().lstrip("?$")
    if not sep or not _NAME_RE.match(name):
        raise QueryError(f"--param expects name=value, got {text!r}")
    return name, value


def _shown(term: Value) -> str:
    """A term as a message shows it: a prefixed name, or a literal with its type."""
    if isinstance(term, ox.Literal) and not term.language and term.datatype.value != XSD_STRING:
        return f'"{term.value}"^^{compact_iri(term.datatype.value)}'
    return compact_iri(term.value) if isinstance(term, ox.NamedNode) else str(term)


def _checked(value: Value, default: Value | None) -> Value:
    """``value`` if it has the kind of ``default`` (IRI, or literal of its datatype)
    and, for the usual XML Schema datatypes, a valid lexical form."""
    if isinstance(default, ox.NamedNode) and not isinstance(value, ox.NamedNode):
        raise QueryError(
            f"expects an IRI (<…>, prefix:name or https://…) such as {_shown(default)}; "
            f"got {_shown(value)}"
        )
    if isinstance(default, ox.Literal):
        want = default.datatype.value
        got = value.datatype.value if isinstance(value, ox.Literal) else ""
        if want != got and not (want in _STRINGS and got in _STRINGS):
            kind = "a string" if want in _STRINGS else f"a value of type {compact_iri(want)}"
            raise QueryError(f"expects {kind} such as {_shown(default)}; got {_shown(value)}")
    if isinstance(value, ox.Literal):
        pattern = _LEXICAL.get(value.datatype.value)
        valid = pattern is None or pattern.match(value.value) is not None
        if valid and value.datatype.value == _XSD + "date":
            try:  # a real day: no 2019-02-30
                date.fromisoformat(value.value.lstrip("-")[:10])
            except ValueError:
                valid = False
        if not valid:
            raise QueryError(
                f"{value.value!r} is not a valid {compact_iri(value.datatype.value)}"
                + (" (write YYYY-MM-DD)" if value.datatype.value == _XSD + "date" else "")
            )
    return value


def parse_value(
    raw: str, default: Value | None, prefixes: Mapping[str, str] | None = None
) -> Value:
    """A parameter's value from its text, typed by the parameter's ``default``.

    A literal parameter takes a bare lexical form in the default's datatype (or
    language); an IRI parameter a bare absolute IRI; one without a default a bare
    day as an ``xsd:date``. Anything else is read as a Turtle term and must be of
    the default's kind.
    """
    text = raw.strip()
    bare = not text.startswith(("<", '"', "'"))
    if bare and isinstance(default, ox.Literal) and text:
        if default.language:
            return _checked(ox.Literal(text, language=default.language), default)
        return _checked(ox.Literal(text, datatype=default.datatype), default)
    if bare and _BARE_IRI_RE.match(text) and not isinstance(default, ox.Literal):
        try:
            return ox.NamedNode(text)
        except ValueError:
            pass  # not an IRI after all: reported below as any unreadable value
    if bare and default is None and _DAY_RE.match(text):
        return _checked(ox.Literal(text, datatype=ox.NamedNode(_XSD + "date")), None)
    return _checked(parse_term(text, prefixes), default)


def resolve_bindings(
    query: LoadedQuery, overrides: Mapping[str, str] | None = None
) -> dict[str, Value]:
    """Declared defaults, replaced by ``overrides`` (name -> value as text).

    Raises:
        QueryError: an unknown parameter, a value that cannot be read or is not of
            the parameter's type (naming ``--param NAME``), or a missing value.
    """
    bindings: dict[str, Value] = {
        name: p.default for name, p in query.params.items() if p.default is not None
    }
    for name, raw in (overrides or {}).items():
        if name not in query.params and not mentions_variable(query.text, name):
            declared = ", ".join(sorted(query.params)) or "none"
            raise QueryError(
                f"unknown parameter {name!r}: the query has no ?{name} "
                f"(declared parameters: {declared})",
                file=query.origin if query.is_file else None,
            )
        param = query.params.get(name)
        try:
            bindings[name] = parse_value(raw, param.default if param else None, query.prefixes)
        except QueryError as e:
            raise QueryError(e.message, field=f"--param {name}") from None
    missing = [
        n
        for n, p in query.params.items()
        if p.default is None and p.clause is None and n not in bindings
    ]
    if missing:
        raise QueryError(
            "missing value for parameter(s) " + ", ".join(missing) + "; use --param name=value",
            file=query.origin if query.is_file else None,
        )
    return bindings


def set_parameters(text: str, values: Mapping[str, Value | None]) -> str:
    """``text`` with the marked ``VALUES`` clauses of ``values`` holding them (None:
    ``UNDEF``); clauses of other variables are left as they are."""
    out, last = [], 0
    for clause in _clauses(text):
        if clause.name not in values:
            continue
        value = values[clause.name]
        written = "UNDEF" if value is None else str(value)
        out += [text[last : clause.start], f"VALUES ?{clause.name} {{ {written} }}"]
        last = clause.end
    return "".join(out) + text[last:]


def runnable_text(query: LoadedQuery, overrides: Mapping[str, str] | None = None) -> str:
    """The query as any SPARQL client runs it, with the parameters' values (the
    defaults, replaced by ``overrides``) in its marked ``VALUES`` clauses; a
    parameter declared in a header comment gets a ``VALUES`` clause at the start
    of the WHERE group (of a SELECT query)."""
    bindings = resolve_bindings(query, overrides)
    # a value left as it was stays as written (prefixed names and all)
    text = set_parameters(
        query.text,
        {
            n: bindings.get(n)
            for n, p in query.params.items()
            if p.clause and bindings.get(n) != p.default
        },
    )
    header = {n: v for n, v in bindings.items() if n in query.params and not query.params[n].clause}
    return (with_values_clause(text, header) or text) if header else text


# ---------------------------------------------------------------------- execution


def split_sparql_error(message: str) -> tuple[str, int | None, int | None]:
    """Split pyoxigraph's ``error at LINE:COLUMN: message`` into its parts."""
    match = _QUERY_POSITION_RE.match(message)
    if not match:
        return message, None, None
    return message[match.end() :], int(match[1]), int(match[2])


def _query_error(e: Exception, query: LoadedQuery) -> QueryError:
    message, line, column = split_sparql_error(str(e))
    return QueryError(
        f"invalid SPARQL: {message}" if isinstance(e, SyntaxError) else message,
        file=query.origin,
        line=line,
        column=column,
    )


def _skip_string(text: str, i: int) -> int:
    quote = text[i]
    if text.startswith(quote * 3, i):
        end = text.find(quote * 3, i + 3)
        while end != -1 and text[end - 1] == "\\":  # escaped quote inside
            end = text.find(quote * 3, end + 1)
        return len(text) if end == -1 else end + 3
    i += 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == quote or text[i] == "\n":
            return i + 1
        i += 1
    return i


def sparql_tokens(text: str) -> Iterator[tuple[int, str]]:
    """Yield ``(index, token)`` for the words (keywords, prefixed names), variables
    and single punctuation characters of SPARQL ``text``, skipping whitespace,
    comments, strings and IRIs. Good enough to find keywords and braces."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "#":
            end = text.find("\n", i)
            i = n if end == -1 else end + 1
        elif c in "\"'":
            i = _skip_string(text, i)
        elif c == "<" and (m := _IRIREF_RE.match(text, i)):
            i = m.end()
        elif c in "?$" or c.isalpha():
            start = i
            i += 1
            while i < n and (text[i].isalnum() or text[i] in "_:-."):
                i += 1
            yield start, text[start:i]
        else:
            yield i, c
            i += 1


def query_keywords(text: str) -> set[str]:
    """The upper-cased words of a query outside comments, strings and IRIs."""
    return {tok.upper() for _, tok in sparql_tokens(text) if tok[0].isalpha()}


def select_where_brace(text: str) -> int | None:
    """Index of the ``{`` opening the top-level group of a SELECT query, or None.

    Skips comments, strings and IRIs, and braces inside projection expressions.
    """
    parens = 0
    seen_select = False
    for index, token in sparql_tokens(text):
        if token == "(":
            parens += 1
        elif token == ")":
            parens -= 1
        elif token.upper() == "SELECT" and parens == 0:
            seen_select = True
        elif token == "{" and parens == 0:
            return index if seen_select else None
    return None


def with_values_clause(text: str, bindings: Mapping[str, Term]) -> str | None:
    """``text`` with ``VALUES`` for ``bindings`` at the start of its top-level group."""
    brace = select_where_brace(text)
    if brace is None or not bindings:
        return None
    names = " ".join(f"?{n}" for n in bindings)
    values = " ".join(str(v) for v in bindings.values())
    clause = f" VALUES ({names}) {{ ({values}) }} "
    return text[: brace + 1] + clause + text[brace + 1 :]


def _where_group(text: str) -> tuple[int, int, bool] | None:
    """Start and end index of the braces of the query's WHERE group, and whether it
    is a ``CONSTRUCT WHERE`` short form (None: no group)."""
    depth = 0
    seen_where = False
    template = False
    form: str | None = None
    opened: int | None = None
    for kind, start, end in tokens(text):
        value = text[start:end]
        if kind == "word":
            upper = value.upper()
            if form is None and upper in ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK"):
                form = upper
            elif upper == "WHERE" and depth == 0:
                seen_where = True
        elif kind == "punct" and value == "{":
            if depth == 0 and opened is None:
                if seen_where or form in ("ASK", "SELECT"):
                    opened = start
                elif form == "CONSTRUCT":
                    template = True
            depth += 1
        elif kind == "punct" and value == "}":
            depth -= 1
            if depth == 0 and opened is not None:
                return opened, start, form == "CONSTRUCT" and not template
    return None


def bind_values(text: str, bindings: Mapping[str, ox.NamedNode | ox.Literal | ox.BlankNode]) -> str:
    """``text`` with the variables of ``bindings`` bound, as pyoxigraph's
    ``substitutions`` do (SEP-0007): inside the WHERE group every occurrence of the
    variable becomes the value, and a ``VALUES`` clause at the start of the group
    keeps the variable bound for the projection and the CONSTRUCT template. Without
    a WHERE group (``DESCRIBE <x>``) a trailing ``VALUES`` clause binds them."""
    if not bindings:
        return text
    # a marked parameter clause takes the value too, so that it never contradicts it
    text = set_parameters(text, bindings)
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(str(value) for value in bindings.values())
    clause = f" VALUES ({names}) {{ ({values}) }} "
    group = _where_group(text)
    if group is None:
        return text.rstrip() + "\n" + clause
    opened, closed, short_construct = group
    body = text[opened + 1 : closed]
    out, last = [], 0
    # where a variable must stay a variable: a subquery's projection, GROUP BY and
    # ORDER BY, a VALUES variable list, and after AS
    keep = False
    previous = ""
    for kind, start, end in tokens(body):
        value = body[start:end]
        upper = value.upper() if kind == "word" else value
        if (
            kind == "word"
            and upper in ("SELECT", "VALUES")
            or kind == "word"
            and upper == "BY"
            and previous in ("GROUP", "ORDER")
        ):
            keep = True
        elif (kind == "word" and upper in ("WHERE", "FROM", "LIMIT", "OFFSET", "HAVING")) or (
            kind == "punct" and value in "{}"
        ):
            keep = False
        elif kind == "var" and value[1:] in bindings and not keep and previous != "AS":
            out.append(body[last:start])
            out.append(str(bindings[value[1:]]))
            last = end
        previous = upper
    out.append(body[last:])
    head = "" if short_construct else clause  # a short form holds triples only
    return text[: opened + 1] + head + "".join(out) + text[closed:]


def run_query(
    store: ox.Store,
    query: LoadedQuery,
    overrides: Mapping[str, str] | None = None,
) -> QueryResult:
    """Run ``query`` on the store's default graph (each distinct triple of the named
    graphs once, :mod:`kg.dataset`) and read the whole result."""
    bindings = resolve_bindings(query, overrides)
    text = bind_values(query.text, bindings)
    try:
        check_shape(text)  # chains the engine cannot parse would crash this process
    except EndpointError as e:
        raise QueryError(e.message, file=query.origin) from None
    try:
        raw = store.query(text)
        return _read_result(raw)
    except (SyntaxError, RuntimeError, OSError, ValueError) as e:
        raise _query_error(e, query) from None


def _read_result(raw: object) -> QueryResult:
    if isinstance(raw, ox.QueryBoolean):
        return QueryResult(form="ask", boolean=bool(raw))
    if isinstance(raw, ox.QuerySolutions):
        variables = list(raw.variables)
        rows = [tuple(solution[v] for v in variables) for solution in raw]
        return QueryResult(form="select", variables=[v.value for v in variables], rows=rows)
    if isinstance(raw, ox.QueryTriples):
        triples = list(raw)
        return QueryResult(
            form="graph",
            variables=["subject", "predicate", "object"],
            rows=[(t.subject, t.predicate, t.object) for t in triples],
            triples=triples,
        )
    raise TypeError(f"unexpected query result type {type(raw).__name__}")


# --------------------------------------------------------------------- formatting


def format_result(result: QueryResult, fmt: str = "table") -> str:
    """Render a result as ``table``, W3C SPARQL ``csv`` or ``json``, or, for
    CONSTRUCT/DESCRIBE results, ``turtle`` or ``ntriples``."""
    if fmt == "table":
        return format_table(result)
    if fmt == "csv":
        return format_csv(result)
    if fmt == "json":
        return format_json(result)
    if fmt in ("turtle", "ntriples"):
        if result.form != "graph":
            raise QueryError(f"--format {fmt} needs a CONSTRUCT or DESCRIBE query")
        rdf_format = ox.RdfFormat.TURTLE if fmt == "turtle" else ox.RdfFormat.N_TRIPLES
        prefixes = dict(PREFIXES) if fmt == "turtle" else None
        return ox.serialize(result.triples, format=rdf_format, prefixes=prefixes).decode("utf-8")
    raise QueryError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _one_line(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n").replace("\t", " ")


def format_table(result: QueryResult) -> str:
    """A plain-text table with compact terms; ASK prints ``true`` or ``false``."""
    if result.form == "ask":
        return "true\n" if result.boolean else "false\n"
    header = list(result.variables)
    cells = [[_one_line(compact(term)) for term in row] for row in result.rows]
    widths = [len(h) for h in header]
    for row in cells:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))

    def line(values: Sequence[str]) -> str:
        return " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    out = [line(header), "-+-".join("-" * w for w in widths)]
    out += [line(row) for row in cells]
    n = len(result.rows)
    out.append(f"({n} row{'s' if n != 1 else ''})")
    return "\n".join(out) + "\n"


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def format_csv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results CSV (CRLF line ends; IRIs and lexical forms)."""
    if result.form == "ask":
        return "true" if result.boolean else "false"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_csv_value(t) for t in row])
    return buffer.getvalue()


def term_to_json(term: Term) -> dict[str, object]:
    """One RDF term in the SPARQL 1.1 Query Results JSON format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value not in (XSD_STRING, RDF_LANG_STRING):
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": term_to_json(term.subject),
                "predicate": term_to_json(term.predicate),
                "object": term_to_json(term.object),
            },
        }
    raise TypeError(f"not an RDF term: {term!r}")


def result_to_json(result: QueryResult) -> dict[str, object]:
    if result.form == "ask":
        return {"head": {}, "boolean": bool(result.boolean)}
    bindings = [
        {
            var: term_to_json(t)
            for var, t in zip(result.variables, row, strict=True)
            if t is not None
        }
        for row in result.rows
    ]
    return {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}


def format_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON."""
    return json.dumps(result_to_json(result), ensure_ascii=False, indent=2) + "\n"
