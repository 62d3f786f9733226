"""Load the SHACL shapes (``shapes/*.ttl``) and compile them for the engine.

The engine (:mod:`kg.validation.engine`) implements the part of SHACL the shapes
use: the four target kinds, property shapes with any SHACL path, ``sh:minCount``,
``sh:maxCount``, ``sh:class``, ``sh:datatype``, ``sh:nodeKind``, ``sh:hasValue``,
``sh:in`` and ``sh:node``, and SHACL-SPARQL ``sh:sparql`` SELECT constraints. A
shape that uses anything else is refused when the shapes are loaded, so that no
constraint is ever skipped in silence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError
from kg.validation.namespaces import RDF, RDF_FIRST, RDF_NIL, RDF_REST, RDFS, SGV, SH
from kg.validation.report import SEVERITY_IRIS

Term = ox.NamedNode | ox.BlankNode | ox.Literal


class ShapesError(InputError):
    """The shapes cannot be loaded (syntax error or an unsupported SHACL feature)."""


#: Predicates allowed on a shape; anything else in the ``sh:`` namespace is refused.
_SHAPE_PREDICATES = {
    RDF + "type",
    RDFS + "label",
    RDFS + "comment",
    SH + "targetClass",
    SH + "targetNode",
    SH + "targetSubjectsOf",
    SH + "targetObjectsOf",
    SH + "property",
    SH + "sparql",
    SH + "severity",
    SH + "message",
    SH + "deactivated",
    SH + "name",
    SH + "description",
    SH + "order",
    SH + "group",
    SH + "path",
    SH + "minCount",
    SH + "maxCount",
    SH + "class",
    SH + "datatype",
    SH + "nodeKind",
    SH + "hasValue",
    SH + "in",
    SH + "node",
    SGV + "ruleId",
    SGV + "fix",
    SGV + "citation",
    SGV + "enforces",
}
_SPARQL_PREDICATES = {
    RDF + "type",
    SH + "select",
    SH + "prefixes",
    SH + "message",
    SH + "deactivated",
}
_BATCHABLE_RE = re.compile(r"WHERE\s*\{\s*\$this\s", re.IGNORECASE)
_SEVERITIES = {iri: name for name, iri in SEVERITY_IRIS.items()}


@dataclass(frozen=True)
class RuleInfo:
    """What a shape tells the user: the rule, its severity and where it comes from."""

    rule_id: str
    title: str
    severity: str  # "violation", "warning" or "info"
    fix: str
    citation: str
    enforces: tuple[str, ...]


@dataclass
class SparqlConstraint:
    node: Term
    query: str
    messages: list[str]
    #: True when the WHERE clause starts with a triple pattern on ``$this`` and has no
    #: subquery or MINUS: then joining on ``$this`` after the fact gives the same
    #: solutions as pre-binding it, so the engine may run the query once for all
    #: focus nodes instead of once per focus node.
    batch: bool = False


@dataclass
class Shape:
    """A node shape or a property shape (``path`` set)."""

    node: Term
    info: RuleInfo
    messages: list[str]
    path: str | None = None  # SPARQL property path
    path_term: Term | None = None  # the sh:path value
    targets: list[tuple[str, Term]] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    sparql: list[SparqlConstraint] = field(default_factory=list)
    min_count: int | None = None
    max_count: int | None = None
    classes: list[ox.NamedNode] = field(default_factory=list)
    datatype: ox.NamedNode | None = None
    node_kind: ox.NamedNode | None = None
    has_value: list[Term] = field(default_factory=list)
    in_values: list[Term] | None = None
    nodes: list[Term] = field(default_factory=list)
    deactivated: bool = False


@dataclass
class Shapes:
    """The compiled shapes: the shapes with targets, and every shape by node."""

    targeted: list[Shape]
    by_node: dict[Term, Shape]
    graph: list[ox.Triple]
    files: list[str]

    def shape(self, node: Term) -> Shape:
        return self.by_node[node]


def default_shapes_dir() -> Path:
    from kg.config import find_home

    return find_home() / "shapes"


def load_shapes(files: Iterable[Path] | None = None) -> Shapes:
    """Parse and compile the shapes files (default: every ``shapes/*.ttl``)."""
    paths = sorted(default_shapes_dir().glob("*.ttl")) if files is None else list(files)
    if not paths:
        raise ShapesError("no shapes files found", file=str(default_shapes_dir()))
    triples: list[ox.Triple] = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as e:
            raise ShapesError(
                f"cannot read shapes file: {e.strerror or e}", file=str(path)
            ) from None
        try:
            triples.extend(
                q.triple
                for q in ox.parse(data, format=ox.RdfFormat.TURTLE, rename_blank_nodes=True)
            )
        except SyntaxError as e:
            raise ShapesError(str(e.msg), file=str(path), line=e.lineno, column=e.offset) from None
    return compile_shapes(triples, [str(p) for p in paths])


class _Graph:
    def __init__(self, triples: list[ox.Triple]) -> None:
        self.store = ox.Store()
        self.store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)

    def objects(self, s: Term, p: str) -> list[Term]:
        return [q.object for q in self.store.quads_for_pattern(s, ox.NamedNode(p), None)]

    def one(self, s: Term, p: str) -> Term | None:
        values = self.objects(s, p)
        if len(values) > 1:
            raise ShapesError(f"shape {_show(s)} has more than one {_show(ox.NamedNode(p))}")
        return values[0] if values else None

    def subjects(self, p: str, o: Term | None = None) -> list[Term]:
        return [q.subject for q in self.store.quads_for_pattern(None, ox.NamedNode(p), o)]

    def predicates(self, s: Term) -> set[str]:
        return {q.predicate.value for q in self.store.quads_for_pattern(s, None, None)}

    def rdf_list(self, head: Term) -> list[Term]:
        items: list[Term] = []
        node = head
        while node != RDF_NIL:
            first = [q.object for q in self.store.quads_for_pattern(node, RDF_FIRST, None)]
            rest = [q.object for q in self.store.quads_for_pattern(node, RDF_REST, None)]
            if len(first) != 1 or len(rest) != 1 or len(items) > 10_000:
                raise ShapesError(f"malformed RDF list at {_show(head)}")
            items.append(first[0])
            node = rest[0]
        return items


def _show(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        from kg.validation.namespaces import compact

        return compact(term.value)
    return str(term)


def compile_shapes(triples: list[ox.Triple], files: list[str] | None = None) -> Shapes:
    g = _Graph(triples)
    shape_nodes: set[Term] = set()
    shape_nodes.update(g.subjects(RDF + "type", ox.NamedNode(SH + "NodeShape")))
    shape_nodes.update(g.subjects(RDF + "type", ox.NamedNode(SH + "PropertyShape")))
    for p in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf"):
        shape_nodes.update(g.subjects(SH + p))
    for p in ("property", "node"):
        for s in g.subjects(SH + p):
            shape_nodes.update(g.objects(s, SH + p))
    prefixes = _prefix_header(g)
    by_node: dict[Term, Shape] = {}
    for node in shape_nodes:
        by_node[node] = _compile_shape(g, node, prefixes)
    for shape in by_node.values():
        for prop in g.objects(shape.node, SH + "property"):
            shape.properties.append(by_node[prop])
    for shape in by_node.values():
        for prop in shape.properties:
            _inherit_info(prop, [shape.info])
    targeted = sorted(
        (s for s in by_node.values() if s.targets and not s.deactivated),
        key=lambda s: str(s.node),
    )
    return Shapes(targeted=targeted, by_node=by_node, graph=triples, files=files or [])


def _inherit_info(shape: Shape, parents: list[RuleInfo]) -> None:
    """A property shape without its own rule id takes the display fields of its parent."""
    parent = parents[0]
    info = shape.info
    shape.info = RuleInfo(
        rule_id=info.rule_id or parent.rule_id,
        title=info.title or parent.title,
        severity=info.severity,
        fix=info.fix or parent.fix,
        citation=info.citation or parent.citation,
        enforces=info.enforces or parent.enforces,
    )


def _literal(term: Term | None) -> str:
    if term is None:
        return ""
    return term.value if isinstance(term, ox.Literal | ox.NamedNode) else str(term)


def _compile_shape(g: _Graph, node: Term, prefixes: str) -> Shape:
    unsupported = {p for p in g.predicates(node) if p.startswith(SH)} - _SHAPE_PREDICATES
    if unsupported:
        names = ", ".join(sorted(_show(ox.NamedNode(p)) for p in unsupported))
        raise ShapesError(f"shape {_show(node)} uses {names}, which the validator does not support")
    severity_term = g.one(node, SH + "severity")
    severity = "violation"
    if severity_term is not None:
        if not isinstance(severity_term, ox.NamedNode) or severity_term.value not in _SEVERITIES:
            raise ShapesError(f"shape {_show(node)} has an unknown severity")
        severity = _SEVERITIES[severity_term.value]
    info = RuleInfo(
        rule_id=_literal(g.one(node, SGV + "ruleId")),
        title=_literal(g.one(node, RDFS + "label")),
        severity=severity,
        fix=_literal(g.one(node, SGV + "fix")),
        citation=_literal(g.one(node, SGV + "citation")),
        enforces=tuple(sorted(_literal(t) for t in g.objects(node, SGV + "enforces"))),
    )
    shape = Shape(
        node=node,
        info=info,
        messages=[_literal(m) for m in g.objects(node, SH + "message")],
        deactivated=_literal(g.one(node, SH + "deactivated")) == "true",
    )
    path_term = g.one(node, SH + "path")
    if path_term is not None:
        shape.path_term = path_term
        shape.path = _path(g, path_term, depth=0)
    for p in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf"):
        shape.targets.extend((p, t) for t in g.objects(node, SH + p))
    for p, attr in (("minCount", "min_count"), ("maxCount", "max_count")):
        value = g.one(node, SH + p)
        if value is not None:
            if not isinstance(value, ox.Literal) or not re.fullmatch(r"\d+", value.value):
                raise ShapesError(f"shape {_show(node)}: sh:{p} must be a non-negative integer")
            setattr(shape, attr, int(value.value))
    shape.classes = [c for c in g.objects(node, SH + "class") if isinstance(c, ox.NamedNode)]
    datatype = g.one(node, SH + "datatype")
    shape.datatype = datatype if isinstance(datatype, ox.NamedNode) else None
    node_kind = g.one(node, SH + "nodeKind")
    shape.node_kind = node_kind if isinstance(node_kind, ox.NamedNode) else None
    shape.has_value = list(g.objects(node, SH + "hasValue"))
    in_list = g.one(node, SH + "in")
    shape.in_values = g.rdf_list(in_list) if in_list is not None else None
    shape.nodes = list(g.objects(node, SH + "node"))
    for constraint in g.objects(node, SH + "sparql"):
        shape.sparql.append(_compile_sparql(g, node, constraint, prefixes))
    return shape


def _compile_sparql(g: _Graph, shape: Term, node: Term, prefixes: str) -> SparqlConstraint:
    unsupported = {p for p in g.predicates(node) if p.startswith(SH)} - _SPARQL_PREDICATES
    if unsupported:
        names = ", ".join(sorted(_show(ox.NamedNode(p)) for p in unsupported))
        raise ShapesError(f"SPARQL constraint of {_show(shape)} uses {names} (not supported)")
    select = g.one(node, SH + "select")
    if not isinstance(select, ox.Literal):
        raise ShapesError(f"SPARQL constraint of {_show(shape)} has no sh:select")
    query = prefixes + select.value
    probe = ox.Store()
    try:
        list(probe.query(query, substitutions={ox.Variable("this"): ox.NamedNode("urn:x:probe")}))
    except SyntaxError as e:
        raise ShapesError(f"SPARQL constraint of {_show(shape)}: {e}") from None
    except RuntimeError as e:  # $this not projected
        raise ShapesError(
            f"SPARQL constraint of {_show(shape)} must project $this (SELECT $this ...): {e}"
        ) from None
    upper = select.value.upper()
    batch = (
        bool(_BATCHABLE_RE.search(select.value))
        and upper.count("SELECT") == 1
        and "MINUS" not in upper
    )
    return SparqlConstraint(
        node=node,
        query=query,
        messages=[_literal(m) for m in g.objects(node, SH + "message")],
        batch=batch,
    )


def _prefix_header(g: _Graph) -> str:
    """All ``sh:declare`` prefixes in the shapes graph, as a SPARQL prologue.

    Every SPARQL constraint in ``shapes/`` uses the one declaration ``sgs:prefixes``,
    so the union is what each of them declares.
    """
    lines = []
    seen: dict[str, str] = {}
    for decl in g.subjects(SH + "prefix"):
        prefix = _literal(g.one(decl, SH + "prefix"))
        namespace = _literal(g.one(decl, SH + "namespace"))
        if prefix in seen and seen[prefix] != namespace:
            raise ShapesError(f"prefix {prefix!r} is declared with two namespaces")
        seen[prefix] = namespace
    for prefix, namespace in sorted(seen.items()):
        lines.append(f"PREFIX {prefix}: <{namespace}>\n")
    return "".join(lines)


def _path(g: _Graph, term: Term, depth: int) -> str:
    """A SHACL property path as a SPARQL property path."""
    if depth > 20:
        raise ShapesError("property path nested too deeply")
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        raise ShapesError(f"a literal is not a property path: {term}")
    if g.objects(term, RDF + "first"):
        items = g.rdf_list(term)
        return "(" + "/".join(_path(g, i, depth + 1) for i in items) + ")"
    for predicate, template in (
        ("inversePath", "^({})"),
        ("zeroOrMorePath", "({})*"),
        ("oneOrMorePath", "({})+"),
        ("zeroOrOnePath", "({})?"),
    ):
        inner = g.one(term, SH + predicate)
        if inner is not None:
            return template.format(_path(g, inner, depth + 1))
    alternatives = g.one(term, SH + "alternativePath")
    if alternatives is not None:
        return "(" + "|".join(_path(g, i, depth + 1) for i in g.rdf_list(alternatives)) + ")"
    raise ShapesError("unsupported property path")
