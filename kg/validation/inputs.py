"""Read configuration files safely.

Every input is read as bytes (never handed to a parser as a path or URL, so nothing
is fetched and no other file is read), checked against size and depth limits, and
parsed with pyoxigraph:

* Turtle (``.ttl``), N-Triples (``.nt``);
* JSON-LD (``.jsonld``, ``.json``): the JSON is read and its depth checked first
  (deep nesting crashes the JSON-LD parser), a remote ``@context`` or
  ``@import`` is refused rather than fetched, and the term definitions of its
  contexts are counted and their chains through other terms measured (long
  chains crash the parser too);
* RDF/XML (``.rdf``, ``.owl``, ``.xml``): a ``DOCTYPE`` is refused, so there are no
  entities to expand;
* YAML (``.yaml``, ``.yml``): see :mod:`kg.validation.yaml_config`.

Then the triples are checked: no ``owl:imports`` (a configuration must be
self-contained), no statements about the statute's own resources, no validation
context, and every reference to a kind, role, area, body or person resolves.
Each problem raises :class:`ConfigurationError` (exit code 2) naming the file, the
line and the field.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from kg.validation.configuration import (
    ConfigurationError,
    Limits,
    Location,
    ParsedSource,
    Term,
)
from kg.validation.namespaces import (
    ORG,
    OWL_IMPORTS,
    RDF_TYPE,
    SG,
    SGD,
    SGV,
    compact,
    sg,
    sgv,
)
from kg.validation.reference import Reference
from kg.validation.yaml_config import convert as convert_yaml

FORMATS = {
    ".ttl": "turtle",
    ".nt": "ntriples",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".rdf": "rdfxml",
    ".owl": "rdfxml",
    ".xml": "rdfxml",
    ".yaml": "yaml",
    ".yml": "yaml",
}
_OX_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
_OX_POSITION_RE = re.compile(
    r"^Parser error (?:at line \d+ between columns \d+ and \d+|between .*?): "
)

#: Properties whose IRI values must name something the reference data or the
#: configuration defines.
REFERENCE_PROPERTIES = {
    SG + p
    for p in (
        "ofKind",
        "role",
        "holder",
        "context",
        "party",
        "markingScheme",
        "area",
        "establishedBy",
        "post",
        "issuedBy",
        "onBehalfOf",
        "appointedBy",
        "subGroupOf",
        "within",
    )
} | {ORG + "holds", ORG + "postIn", SGV + "createsRole"}


def read_bytes(path: Path, limits: Limits) -> bytes:
    name = str(path)
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise ConfigurationError(
                f"file is {size} bytes, larger than the limit of {limits.max_bytes} bytes",
                file=name,
            )
        with path.open("rb") as f:
            data = f.read(limits.max_bytes + 1)
    except OSError as e:
        raise ConfigurationError(f"cannot read file: {e.strerror or e}", file=name) from None
    if len(data) > limits.max_bytes:
        raise ConfigurationError(
            f"file is larger than the limit of {limits.max_bytes} bytes", file=name
        )
    return data


def decode_utf8(data: bytes, name: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        before = data[: e.start]
        line = before.count(b"\n") + 1
        column = e.start - (before.rfind(b"\n") + 1) + 1
        raise ConfigurationError(
            f"is not UTF-8 text (byte 0x{data[e.start]:02x}); save the file as UTF-8",
            file=name,
            line=line,
            column=column,
        ) from None
    return text.removeprefix("\ufeff")


def load_source(
    source: str | Path | tuple[str, bytes], reference: Reference, limits: Limits | None = None
) -> ParsedSource:
    """Read, parse and check one configuration (a path, or a ``(name, bytes)`` upload)."""
    limits = limits or Limits()
    if isinstance(source, tuple):
        name, data = source
        if not isinstance(data, bytes | bytearray):
            raise ConfigurationError("an upload must be given as bytes", file=name)
        if len(data) > limits.max_bytes:
            raise ConfigurationError(
                f"file is {len(data)} bytes, larger than the limit of {limits.max_bytes} bytes",
                file=name,
            )
        data = bytes(data)
    else:
        path = Path(source)
        name = str(source)
        data = read_bytes(path, limits)
    suffix = Path(name).suffix.lower()
    fmt = FORMATS.get(suffix)
    if fmt is None:
        raise ConfigurationError(
            f"unsupported file type {suffix or '(none)'!r}: use .yaml, .ttl, .jsonld or .rdf",
            file=name,
        )
    text = decode_utf8(data, name)
    if fmt == "yaml":
        parsed = convert_yaml(text, name, reference, limits)
    else:
        parsed = _parse_rdf(text, name, fmt, limits)
    check_triples(parsed, text, reference, limits)
    return parsed


def _parse_rdf(text: str, name: str, fmt: str, limits: Limits) -> ParsedSource:
    if fmt == "jsonld":
        _check_json(text, name, limits)
    if fmt == "rdfxml" and re.search(r"<!\s*(DOCTYPE|ENTITY)", text, re.IGNORECASE):
        line = (
            text[: re.search(r"<!\s*(DOCTYPE|ENTITY)", text, re.IGNORECASE).start()].count("\n") + 1
        )  # type: ignore[union-attr]
        raise ConfigurationError(
            "RDF/XML with a DOCTYPE or ENTITY declaration is refused "
            "(entities could read files or expand without bound); remove the declaration",
            file=name,
            line=line,
        )
    try:
        triples = []
        for quad in ox.parse(
            text.encode("utf-8"), format=_OX_FORMATS[fmt], rename_blank_nodes=True
        ):
            triples.append(quad.triple)
            if len(triples) > limits.max_triples:
                raise ConfigurationError(
                    f"more than {limits.max_triples} triples; split the configuration", file=name
                )
    except SyntaxError as e:
        message = _OX_POSITION_RE.sub("", str(e.msg or e), count=1)
        if "LoadDocumentCallback" in message:
            message = "a remote JSON-LD @context is not fetched; put the context in the file"
        raise ConfigurationError(
            f"invalid {fmt_name(fmt)}: {message}", file=name, line=e.lineno, column=e.offset
        ) from None
    parsed = ParsedSource(name=name, triples=triples)
    parsed.locations = _rdf_locations(text, name, {t.subject for t in triples})
    return parsed


def fmt_name(fmt: str) -> str:
    return {"turtle": "Turtle", "ntriples": "N-Triples", "jsonld": "JSON-LD", "rdfxml": "RDF/XML"}[
        fmt
    ]


def _check_json(text: str, name: str, limits: Limits) -> None:
    """Refuse deep nesting and remote contexts before the JSON-LD parser sees the text."""
    depth = 0
    max_depth = 0
    in_string = False
    escaped = False
    line = 1
    for ch in text:
        if ch == "\n":
            line += 1
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            max_depth = max(max_depth, depth)
            if depth > limits.max_json_depth:
                raise ConfigurationError(
                    f"JSON nested more than {limits.max_json_depth} levels deep",
                    file=name,
                    line=line,
                )
        elif ch in "]}":
            depth -= 1
    try:
        document = json.loads(text)
    except json.JSONDecodeError as e:
        raise ConfigurationError(
            f"invalid JSON: {e.msg}", file=name, line=e.lineno, column=e.colno
        ) from None
    terms = _check_contexts(document, name, text)
    _check_terms(terms, name, text, limits)


def _check_contexts(node: object, name: str, text: str) -> dict[str, set[str]]:
    """Refuse remote contexts; return every term definition of every context (all
    contexts as one, which can only overstate a chain): term -> the strings it maps to."""
    terms: dict[str, set[str]] = {}
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key == "@context":
                    for ctx in value if isinstance(value, list) else [value]:
                        if isinstance(ctx, dict):
                            for term, definition in ctx.items():
                                targets = terms.setdefault(term, set())
                                if isinstance(definition, str):
                                    targets.add(definition)
                                elif isinstance(definition, dict):
                                    targets.update(
                                        v
                                        for k in ("@id", "@type", "@reverse")
                                        if isinstance(v := definition.get(k), str)
                                    )
                if key in ("@context", "@import"):
                    for ctx in value if isinstance(value, list) else [value]:
                        if isinstance(ctx, str):
                            index = text.find(json.dumps(ctx)[1:-1])
                            line = text[:index].count("\n") + 1 if index >= 0 else None
                            raise ConfigurationError(
                                f"the remote JSON-LD context {ctx!r} is not fetched; "
                                "put the context object in the file",
                                file=name,
                                line=line,
                                field=key,
                            )
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return terms


def _check_terms(terms: dict[str, set[str]], name: str, text: str, limits: Limits) -> None:
    if len(terms) > limits.max_jsonld_terms:
        raise ConfigurationError(
            f"JSON-LD contexts define {len(terms)} terms; the limit is "
            f"{limits.max_jsonld_terms} (max_jsonld_terms)",
            file=name,
            field="@context",
        )

    def refers_to(target: str) -> list[str]:
        prefix = target.partition(":")[0]
        return [t for t in {target, prefix} if t in terms]

    # the longest chain of definitions through other terms, iteratively (the
    # chain may be as long as the context; cycles are the parser's error to report)
    longest: dict[str, int] = {}
    for start in terms:
        stack: list[tuple[str, bool]] = [(start, False)]
        on_path: set[str] = set()
        while stack:
            term, done = stack.pop()
            if done:
                on_path.discard(term)
                below = [longest.get(t, 0) for s in terms[term] for t in refers_to(s)]
                longest[term] = 1 + max(below, default=0)
                if longest[term] > limits.max_jsonld_chain:
                    index = text.find(json.dumps(term))
                    raise ConfigurationError(
                        f"the JSON-LD term {term!r} is defined through a chain of more than "
                        f"{limits.max_jsonld_chain} other terms (max_jsonld_chain); define it "
                        "with a full IRI",
                        file=name,
                        line=text[:index].count("\n") + 1 if index >= 0 else None,
                        field="@context",
                    )
                continue
            if term in longest or term in on_path:
                continue
            on_path.add(term)
            stack.append((term, True))
            stack.extend((t, False) for s in terms[term] for t in refers_to(s))


#: Declarations, in Turtle (``@prefix``/``@base``) and SPARQL (``PREFIX``/``BASE``) form.
_DECLARATION_RE = re.compile(
    r"(?:@?prefix\s+([A-Za-z][\w.-]*)?:|(@?base))\s*<([^<>\s\"]*)>", re.IGNORECASE
)
_IRI_TOKEN_RE = re.compile(r"<([^<>\s\"]*)>")
_STRING_TOKEN_RE = re.compile(r'"([^"\\\n]*)"')
_PNAME_TOKEN_RE = re.compile(r"(?<![\w:<.-])(?:[A-Za-z][\w.-]*)?:(?:[\w-](?:[\w.-]*[\w-])?)?")
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _rdf_locations(text: str, name: str, subjects: set[Term]) -> dict[Term, Location]:
    """The first line on which each subject IRI is written (full, relative or prefixed form).

    One pass over the text builds one index, from each IRI written to its first line:
    IRIs in angle brackets (relative ones resolved against the ``@base`` in force),
    prefixed names expanded with the prefixes declared so far, and quoted strings
    (JSON-LD ``@id``, RDF/XML ``rdf:about``). Each subject is then one lookup, so the
    cost grows with the size of the file, not with its subjects times its lines or
    its prefixes.
    """
    first: dict[str, int] = {}
    prefixes: dict[str, str] = {}
    base: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        for m in _DECLARATION_RE.finditer(line):
            iri = (
                m[3] if base is None or _SCHEME_RE.match(m[3]) else urllib.parse.urljoin(base, m[3])
            )
            if m[2]:
                base = iri
            else:
                prefixes[m[1] or ""] = iri
        for m in _IRI_TOKEN_RE.finditer(line):
            first.setdefault(m[1], number)
            if base is not None and m[1] and not _SCHEME_RE.match(m[1]):
                first.setdefault(urllib.parse.urljoin(base, m[1]), number)
        for m in _STRING_TOKEN_RE.finditer(line):
            first.setdefault(m[1], number)
        for m in _PNAME_TOKEN_RE.finditer(line):
            prefix, _, local = m[0].partition(":")
            namespace = prefixes.get(prefix)
            if namespace is not None and local:
                first.setdefault(namespace + local, number)
    return {
        subject: Location(name, first.get(subject.value))
        for subject in subjects
        if isinstance(subject, ox.NamedNode)
    }


def _mentions(line: str, form: str) -> bool:
    index = line.find(form)
    while index >= 0:
        end = index + len(form)
        before_ok = index == 0 or not (line[index - 1].isalnum() or line[index - 1] in "-_:")
        after_ok = end >= len(line) or not (line[end].isalnum() or line[end] in "-_")
        if before_ok and after_ok:
            return True
        index = line.find(form, index + 1)
    return False


def _line_of(
    parsed: ParsedSource, text: str, term: Term, fallback: Term | None = None
) -> int | None:
    location = parsed.locations.get(term) or (parsed.locations.get(fallback) if fallback else None)
    if location and location.line:
        return location.line
    if isinstance(term, ox.NamedNode):
        for number, line in enumerate(text.splitlines(), start=1):
            if term.value in line or compact(term.value) in line:
                return number
    return None


def check_triples(parsed: ParsedSource, text: str, reference: Reference, limits: Limits) -> None:
    """The checks every configuration must pass before it is validated."""
    name = parsed.name
    if len(parsed.triples) > limits.max_triples:
        raise ConfigurationError(f"more than {limits.max_triples} triples", file=name)
    subjects = {t.subject for t in parsed.triples}
    for t in parsed.triples:
        if t.predicate == OWL_IMPORTS:
            raise ConfigurationError(
                f"owl:imports {term_repr(t.object)} is not followed: a configuration must be "
                "self-contained (validate several files together instead)",
                file=name,
                line=_line_of(parsed, text, OWL_IMPORTS) or _find(text, "imports"),
                field="owl:imports",
            )
        if t.predicate == sgv("asAt") or t.object == sgv("ValidationContext"):
            raise ConfigurationError(
                "the validation date is set by the validator (--as-at), not by the configuration",
                file=name,
                line=_find(text, "asAt") or _find(text, "ValidationContext"),
                field="sgv:asAt",
            )
        if t.subject in reference.subjects:
            raise ConfigurationError(
                f"the configuration may not make statements about {term_repr(t.subject)}, "
                "which the statute data defines; describe your own bodies and refer to it",
                file=name,
                line=_line_of(parsed, text, t.subject),
                field=compact(t.predicate.value),
            )
    known = reference.subjects | subjects
    for t in parsed.triples:
        unresolved = (
            t.predicate.value in REFERENCE_PROPERTIES
            and isinstance(t.object, ox.NamedNode)
            and t.object not in known
        )
        if not unresolved:
            continue
        hint = ""
        if t.predicate == sg("ofKind") and t.object.value.startswith(SGD):
            matches = reference.suggest_kinds(t.object.value[len(SGD) :])
            if matches:
                hint = "; did you mean " + ", ".join(f"sgd:kind-{m}" for m in matches) + "?"
        raise ConfigurationError(
            f"{term_repr(t.object)} does not resolve: it is neither in the statute data "
            f"nor described in the configuration{hint}",
            file=name,
            line=_line_of(parsed, text, t.subject),
            field=compact(t.predicate.value),
        )
    if parsed.date is None:
        for t in parsed.triples:
            is_date = t.predicate == sg("documentDate") and isinstance(t.object, ox.Literal)
            if not is_date or not _is_configuration(parsed, t.subject):
                continue
            try:
                parsed.date = date.fromisoformat(t.object.value)
            except ValueError:
                raise ConfigurationError(
                    f"the configuration's date {t.object.value!r} is not a date (YYYY-MM-DD)",
                    file=name,
                    line=_line_of(parsed, text, t.subject),
                    field="sg:documentDate",
                ) from None


def _is_configuration(parsed: ParsedSource, subject: Term) -> bool:
    return any(
        t.subject == subject and t.predicate == RDF_TYPE and t.object == sgv("AreaConfiguration")
        for t in parsed.triples
    )


def _find(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return text[:index].count("\n") + 1 if index >= 0 else None


def term_repr(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    return str(term)


__all__ = [
    "FORMATS",
    "ConfigurationError",
    "Limits",
    "Location",
    "ParsedSource",
    "Term",
    "load_source",
]
