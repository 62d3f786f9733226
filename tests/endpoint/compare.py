"""Compare query results from two engines, up to what SPARQL leaves open.

Normalised: row order (results are multisets), blank node labels, numeric
datatypes (``xsd:integer`` vs ``xsd:int`` vs ``xsd:decimal``: compared by value),
booleans written as ``0``/``1`` (Virtuoso) or ``false``/``true``, the order of the
values in a ``GROUP_CONCAT`` (split on its separator and sorted), and a
``GROUP_CONCAT`` over nothing (pyoxigraph leaves it unbound, Virtuoso gives "").
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pyoxigraph as ox

from kg.query import QueryResult

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {
    XSD + name
    for name in [
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "decimal",
        "double",
        "float",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    ]
}
_GROUP_CONCAT_RE = re.compile(
    r"GROUP_CONCAT\s*\(.*?separator\s*=\s*(\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')\s*\)\s*AS\s*[?$](\w+)",
    re.IGNORECASE | re.DOTALL,
)


def group_concat_separators(query: str) -> dict[str, str]:
    """Variables bound by ``GROUP_CONCAT(... ; separator="x") AS ?v``."""
    found = {}
    for match in _GROUP_CONCAT_RE.finditer(query):
        literal = match.group(1)[1:-1]
        found[match.group(2)] = literal.encode().decode("unicode_escape")
    return found


def term_key(term: Any) -> tuple:
    if term is None:
        return ("unbound",)
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value)
    if isinstance(term, ox.BlankNode):
        return ("bnode",)
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if term.language:
            return ("lang", term.value, term.language.lower())
        if datatype == XSD + "boolean":
            return ("num", 1.0 if term.value in ("true", "1") else 0.0)
        if datatype in NUMERIC:
            try:
                return ("num", float(term.value))
            except ValueError:
                return ("lit", term.value, datatype)
        if datatype == XSD + "string":
            return ("str", term.value)
        return ("lit", term.value, datatype)
    return ("other", str(term))


def normalise(result: QueryResult, query: str) -> Any:
    """A comparable form of ``result`` (a Counter of rows, or the ASK boolean)."""
    if result.form == "ask":
        return bool(result.boolean)
    separators = group_concat_separators(query)
    rows: Counter = Counter()
    for row in result.rows:
        keys = []
        for variable, term in zip(result.variables, row, strict=True):
            key = term_key(term)
            if variable in separators:
                text = key[1] if key[0] in ("str", "lang") else ""
                key = ("concat", tuple(sorted(text.split(separators[variable]))) if text else ())
            keys.append((variable, key))
        rows[tuple(sorted(keys))] += 1
    return rows


def describe_difference(a: Any, b: Any, limit: int = 3) -> str:
    if isinstance(a, bool) or isinstance(b, bool):
        return f"ASK: {a} vs {b}"
    only_a, only_b = a - b, b - a
    lines = [f"{sum(a.values())} rows vs {sum(b.values())} rows"]
    lines += [f"  only in the first: {dict(r)}" for r in list(only_a)[:limit]]
    lines += [f"  only in the second: {dict(r)}" for r in list(only_b)[:limit]]
    return "\n".join(lines)
