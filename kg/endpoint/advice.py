"""What to tell the sender of a query stopped at the time limit.

"Narrow it down" does not help with the shapes Oxigraph evaluates slowly whatever
their size (measured: docs/endpoint.md, "Writing queries Oxigraph evaluates
well"). So when a query is stopped, its parsed algebra (rdflib's, as the guard's
tests use) is searched for those shapes, and the message names each one found
with the rewrite that helps:

* ``FILTER NOT EXISTS`` over a group of patterns: the group is evaluated again for
  every row, without the row's bindings; ``MINUS`` (a keyed anti-join) is 90-700x
  faster;
* a ``*``/``+`` property path towards a fixed object: estimated the largest
  pattern, so planned last, after every other join; begin at the object;
* a resource found by its label and fanned out from: measured 15x slower than on
  Virtuoso (issue 14) when the default graph was the union of the named graphs and a
  label stated in 300 graphs matched 300 times; the default graph now holds each
  triple once (docs/endpoint.md, set semantics), and finding the resource once, or
  by its IRI, still gives the planner the smallest start;
* ``rdfs:subClassOf*``: the build already types every instance with all its
  superclasses.

rdflib's parser takes 17-80 ms a query, too slow for every request but nothing
next to a query that ran to the time limit; it is only run then, on queries of a
bounded size, and any failure of it just leaves the general advice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kg.endpoint.rewrite import PATH_FIRST, Rewritten

log = logging.getLogger("kg.endpoint")

#: rdflib's parser is not linear on every input: larger queries get the general advice
MAX_ANALYSED_CHARS = 16384
GENERAL_ADVICE = "narrow it down (more specific patterns, LIMIT) and try again"
DOCS = 'docs/endpoint.md, "Writing queries Oxigraph evaluates well"'

RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDFS_SUBCLASS_OF = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
LABELS = frozenset(
    {
        RDFS_LABEL,
        "http://www.w3.org/2004/02/skos/core#prefLabel",
        "http://www.w3.org/2004/02/skos/core#altLabel",
        "http://purl.org/dc/terms/title",
    }
)


@dataclass(frozen=True)
class SlowShape:
    """A shape of query Oxigraph evaluates slowly: what was found, what helps."""

    name: str
    found: str
    rewrite: str

    def __str__(self) -> str:
        return f"{self.found}: {self.rewrite}"


NOT_EXISTS = "not-exists-group"
PATH_TO_BOUND_OBJECT = "path-to-bound-object"
LABEL_FAN_OUT = "label-fan-out"
SUBCLASS_CLOSURE = "subclass-closure"


# ------------------------------------------------------------ the algebra tree


def _children(node: Any) -> Iterator[Any]:
    if isinstance(node, dict):  # rdflib's CompValue is an OrderedDict
        for key, value in node.items():
            if key != "_vars":
                yield value
    elif isinstance(node, list | tuple | set):
        yield from node


def _walk(node: Any) -> Iterator[Any]:
    stack = [node]
    while stack:  # not recursive: nesting is bounded by the guard, but keep it flat
        current = stack.pop()
        yield current
        stack.extend(_children(current))


def _name(node: Any) -> str | None:
    return getattr(node, "name", None) if isinstance(node, dict) else None


def _triples(node: Any) -> list[tuple[Any, Any, Any]]:
    """Every triple pattern under ``node``: BGPs, and the triples blocks of the
    ``EXISTS`` groups rdflib leaves untranslated."""
    found = []
    for n in _walk(node):
        name = _name(n)
        if name in ("BGP", "TriplesBlock") and n.get("triples"):
            found += [tuple(t) for t in n["triples"] if len(t) == 3]
    return found


def _paths(path: Any) -> Iterator[Any]:
    """``path`` and every path inside it."""
    from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, SequencePath

    stack = [path]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, SequencePath | AlternativePath):
            stack.extend(current.args)
        elif isinstance(current, MulPath):
            stack.append(current.path)
        elif isinstance(current, InvPath):
            stack.append(current.arg)
        elif isinstance(current, NegatedPath):
            stack.extend(current.args)


def _closures(path: Any) -> list[Any]:
    """The ``*`` and ``+`` paths in ``path``."""
    from rdflib.paths import MulPath

    return [p for p in _paths(path) if isinstance(p, MulPath) and p.mod in ("*", "+")]


def _show(term: Any) -> str:
    """A term as the message shows it: prefixed names where the project has them."""
    from rdflib.term import Literal, URIRef, Variable

    from kg.terms import compact_iri

    if isinstance(term, Variable):
        return f"?{term}"
    if isinstance(term, URIRef):
        return compact_iri(str(term))
    if isinstance(term, Literal):
        return term.n3()
    return str(term)


def _show_path(path: Any) -> str:
    from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath, SequencePath

    def grouped(inner: Any) -> str:
        text = _show_path(inner)
        return f"({text})" if isinstance(inner, SequencePath | AlternativePath) else text

    if isinstance(path, MulPath):
        return grouped(path.path) + path.mod
    if isinstance(path, InvPath):
        return "^" + grouped(path.arg)
    if isinstance(path, SequencePath):
        return "/".join(grouped(p) for p in path.args)
    if isinstance(path, AlternativePath):
        return "|".join(_show_path(p) for p in path.args)
    if isinstance(path, NegatedPath):
        return "!(" + "|".join(_show_path(p) for p in path.args) + ")"
    return _show(path)


# -------------------------------------------------------------------- shapes


def _not_exists(algebra: Any) -> list[SlowShape]:
    found = []
    for node in _walk(algebra):
        if _name(node) != "Builtin_NOTEXISTS":
            continue
        group = node.get("graph")
        patterns = len(_triples(group))
        # more than one pattern, or anything besides triples (OPTIONAL, UNION, FILTER)
        parts = [
            p
            for p in _walk(group)
            if _name(p) not in (None, "BGP", "TriplesBlock", "GroupGraphPatternSub")
        ]
        if patterns > 1 or parts:
            what = f"{patterns} patterns" if patterns > 1 else "a group of patterns"
            found.append(
                SlowShape(
                    NOT_EXISTS,
                    f"FILTER NOT EXISTS over {what} (evaluated again for every row)",
                    "write MINUS { ... } with the same patterns instead, a keyed anti-join "
                    "(the same answer when they share a variable with the rows they "
                    "remove and use no other variable of those rows)",
                )
            )
    return found


def _values_variables(algebra: Any) -> set[Any]:
    """Variables bound by a VALUES clause (joined from outside, like a constant)."""
    found = set()
    for node in _walk(algebra):
        if _name(node) == "values":
            for row in node.get("res") or []:
                found.update(row)
    return found


def _paths_to_bound_objects(algebra: Any) -> list[SlowShape]:
    from rdflib.term import Variable

    bound = _values_variables(algebra)
    found = []
    for s, p, o in _triples(algebra):
        closures = [c for c in _closures(p) if str(c.path) != RDFS_SUBCLASS_OF]
        if not closures or not isinstance(s, Variable) or s in bound:
            continue  # no closure, or it begins at a bound end
        if isinstance(o, Variable) and o not in bound:
            continue
        found.append(
            SlowShape(
                PATH_TO_BOUND_OBJECT,
                f"the path {_show(s)} {_show_path(p)} {_show(o)} towards a fixed object "
                "(planned last, after every other pattern)",
                f"begin at the object: BIND({_show(o)} AS ?root) first in the group, then "
                f"{_show(s)} {_show_path(p)} ?root",
            )
        )
    return found


def _label_fan_out(algebra: Any) -> list[SlowShape]:
    from rdflib.term import Literal, Variable

    triples = _triples(algebra)
    found = []
    for s, p, o in triples:
        if not (isinstance(s, Variable) and str(p) in LABELS and isinstance(o, Literal)):
            continue
        others = [t for t in triples if t != (s, p, o) and s in (t[0], t[2])]
        if others:
            found.append(
                SlowShape(
                    LABEL_FAN_OUT,
                    f"{_show(s)} found by its label {_show(o)} and joined on "
                    "(a lookup by a literal value, then every join from each match)",
                    f"find it once, {{ SELECT DISTINCT {_show(s)} WHERE {{ {_show(s)} "
                    f"{_show(p)} {_show(o)} }} }}, or use its IRI, then join from it",
                )
            )
    return found


def _subclass_closures(algebra: Any) -> list[SlowShape]:
    found = []
    for s, p, o in _triples(algebra):
        if any(str(c.path) == RDFS_SUBCLASS_OF for c in _closures(p)):
            found.append(
                SlowShape(
                    SUBCLASS_CLOSURE,
                    f"the closure {_show(s)} {_show_path(p)} {_show(o)}",
                    "leave out rdfs:subClassOf*: the build already types every instance "
                    "with all its superclasses, so ?x a <Class> finds the instances of "
                    "every subclass",
                )
            )
    return found


def slow_shapes(query: str) -> list[SlowShape]:
    """The shapes of ``query`` known to be slow on Oxigraph (empty if none, or if the
    query cannot be analysed)."""
    if len(query) > MAX_ANALYSED_CHARS:
        return []
    try:
        from rdflib.plugins.sparql.algebra import translateQuery
        from rdflib.plugins.sparql.parser import parseQuery

        from kg.config import PREFIXES

        algebra = translateQuery(parseQuery(query), initNs=dict(PREFIXES)).algebra
        shapes = [
            *_not_exists(algebra),
            *_paths_to_bound_objects(algebra),
            *_label_fan_out(algebra),
            *_subclass_closures(algebra),
        ]
    except Exception:  # noqa: BLE001 - advice is best effort; the 503 stands anyway
        log.debug("no advice: rdflib could not analyse the query", exc_info=True)
        return []
    unique: dict[str, SlowShape] = {}
    for shape in shapes:
        unique.setdefault(str(shape), shape)
    return list(unique.values())


def timeout_advice(query: str, rewritten: Rewritten | None = None) -> str:
    """What helps a query stopped at the time limit: the rewrites of its slow
    shapes, or the general advice when it has none known.

    ``query`` is the text that ran; ``rewritten`` what the rewriter
    (:mod:`kg.endpoint.rewrite`) did to it: the message says which rewrites were
    applied, so that the sender is not told to write what already ran, and why a
    slow shape could not be rewritten, naming the variable to change.
    """
    shapes = slow_shapes(query)
    if rewritten is not None and dict(rewritten.applied).get(PATH_FIRST):
        # the rewriter already put such paths first: not the sender's to do
        shapes = [s for s in shapes if s.name != PATH_TO_BOUND_OBJECT]
    notes = ""
    if rewritten is not None and rewritten.applied:
        notes += f" Rewritten automatically before it ran: {rewritten.header()}."
    if rewritten is not None and rewritten.declined:
        notes += " Not rewritten: " + "; ".join(rewritten.declined) + "."
    if not shapes:
        return GENERAL_ADVICE + notes
    listed = "; ".join(f"({i}) {shape}" for i, shape in enumerate(shapes, start=1))
    return f"it has shapes Oxigraph evaluates slowly: {listed} (see {DOCS}).{notes}"
