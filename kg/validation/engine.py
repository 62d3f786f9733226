"""Run compiled shapes over a pyoxigraph store.

The data graph is the union of the store's graphs (ontology, reference data, the
configuration and the validation context), so class membership follows
``rdfs:subClassOf`` in the ontology, as SHACL requires. SHACL-SPARQL constraints run
once per focus node with ``$this`` pre-bound (pyoxigraph ``substitutions``, which
follows the pre-binding of SHACL); the query text is parsed by Oxigraph in
microseconds, which is what makes this fast where stock pyshacl re-parses the text
with rdflib for every focus node.

``scope``, when given, limits focus nodes to the nodes the configuration describes,
so that the reference data is not reported on (the build checks it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pyoxigraph as ox

from kg.validation.namespaces import SH, XSD
from kg.validation.shapes import Shape, Shapes, SparqlConstraint

Term = ox.NamedNode | ox.BlankNode | ox.Literal

_DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(Z|[+-]\d{2}:\d{2})?$")
_INTEGER_RE = re.compile(r"^[+-]?\d+$")
_PLACEHOLDER_RE = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")
_THIS = ox.Variable("this")
#: Run a batchable SPARQL constraint once for all focus nodes only when there are more
#: than this many: with few focus nodes, pre-binding ``$this`` gives the query planner
#: a better start (measured: an LSCB check over 8 boards took 0.18 s in one batch and
#: 0.05 s one board at a time; a check over 150 role assignments the other way round).
BATCH_THRESHOLD = 20


@dataclass(frozen=True)
class Result:
    """One validation result, as in a SHACL validation report."""

    shape: Shape
    focus: Term
    component: str
    path: Term | None
    value: Term | None
    message: str
    fix: str
    #: provision IRIs bound by the query (``?provision``), beside the shape's own
    provisions: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return (
            str(self.shape.node),
            str(self.focus),
            self.component,
            str(self.path),
            str(self.value),
        )


def well_formed(literal: ox.Literal, datatype: ox.NamedNode) -> bool:
    """Is ``literal`` a valid literal of ``datatype`` (for the types the shapes use)?"""
    if literal.datatype != datatype:
        return False
    text = literal.value
    if datatype.value == XSD + "date":
        match = _DATE_RE.match(text)
        if not match:
            return False
        try:
            date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return False
        return True
    if datatype.value == XSD + "integer":
        return bool(_INTEGER_RE.match(text))
    if datatype.value == XSD + "boolean":
        return text in {"true", "false", "1", "0"}
    return True


def term_text(term: Term | None) -> str:
    """A term as plain text, for messages."""
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.NamedNode):
        from kg.validation.namespaces import compact

        return compact(term.value)
    return f"_:{term.value}"


def fill(template: str, bindings: dict[str, Term | None]) -> str:
    """Replace ``{?var}`` and ``{$var}`` with the bound values."""
    return _PLACEHOLDER_RE.sub(lambda m: term_text(bindings.get(m[1])), template)


class _Run:
    """The state of one validation run: caches of class members and targets."""

    def __init__(self, store: ox.Store, shapes: Shapes) -> None:
        self.store = store
        self.shapes = shapes
        self._instances: dict[str, set[Term]] = {}

    def query(self, text: str, **kwargs: object) -> ox.QuerySolutions:
        return self.store.query(text, use_default_graph_as_union=True, **kwargs)  # type: ignore[arg-type]

    def instances(self, cls: ox.NamedNode) -> set[Term]:
        cached = self._instances.get(cls.value)
        if cached is None:
            rows = self.query(
                "SELECT DISTINCT ?x WHERE { ?x <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
                f"/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <{cls.value}> }}"
            )
            cached = {row["x"] for row in rows}
            self._instances[cls.value] = cached
        return cached

    def focus_nodes(self, shape: Shape) -> set[Term]:
        nodes: set[Term] = set()
        for kind, term in shape.targets:
            if kind == "targetNode":
                nodes.add(term)
            elif kind == "targetClass" and isinstance(term, ox.NamedNode):
                nodes |= self.instances(term)
            elif kind == "targetSubjectsOf" and isinstance(term, ox.NamedNode):
                nodes |= {q.subject for q in self.store.quads_for_pattern(None, term, None)}
            elif kind == "targetObjectsOf" and isinstance(term, ox.NamedNode):
                nodes |= {q.object for q in self.store.quads_for_pattern(None, term, None)}
        return nodes

    def values(self, focus: Term, shape: Shape) -> list[Term]:
        path_term = shape.path_term
        if isinstance(path_term, ox.NamedNode):
            seen: dict[Term, None] = {}
            for q in self.store.quads_for_pattern(focus, path_term, None):
                seen[q.object] = None
            return list(seen)
        rows = self.query(
            f"SELECT DISTINCT ?this ?v WHERE {{ ?this {shape.path} ?v }}",
            substitutions={_THIS: focus},
        )
        return [row["v"] for row in rows]

    # -- evaluation --------------------------------------------------------------

    def validate_shape(self, shape: Shape, focus_nodes: Iterable[Term]) -> list[Result]:
        results: list[Result] = []
        if shape.deactivated:
            return results
        focus_list = list(focus_nodes)
        for focus in focus_list:
            if shape.path is not None:
                results.extend(self._value_constraints(shape, focus, self.values(focus, shape)))
            else:
                results.extend(self._value_constraints(shape, focus, [focus]))
            for prop in shape.properties:
                results.extend(self.validate_shape(prop, [focus]))
        for constraint in shape.sparql:
            if constraint.batch and len(focus_list) > BATCH_THRESHOLD:
                results.extend(self._sparql_batch(shape, constraint, set(focus_list)))
            else:
                for focus in focus_list:
                    results.extend(self._sparql(shape, constraint, focus))
        return results

    def _result(
        self,
        shape: Shape,
        focus: Term,
        component: str,
        value: Term | None,
        default_message: str,
        bindings: dict[str, Term | None] | None = None,
        messages: list[str] | None = None,
        provisions: tuple[str, ...] = (),
    ) -> Result:
        bindings = dict(bindings or {})
        bindings.setdefault("this", focus)
        bindings.setdefault("value", value)
        templates = messages or shape.messages
        message = fill(templates[0], bindings) if templates else default_message
        return Result(
            shape=shape,
            focus=focus,
            component=SH + component,
            path=shape.path_term,
            value=value,
            message=message,
            fix=fill(shape.info.fix, bindings),
            provisions=provisions,
        )

    def _value_constraints(self, shape: Shape, focus: Term, values: list[Term]) -> list[Result]:
        out: list[Result] = []
        path = term_text(shape.path_term) if shape.path_term is not None else "the node"
        if shape.min_count is not None and len(values) < shape.min_count:
            out.append(
                self._result(
                    shape,
                    focus,
                    "MinCountConstraintComponent",
                    None,
                    f"Expected at least {shape.min_count} value(s) of {path}, found {len(values)}.",
                )
            )
        if shape.max_count is not None and len(values) > shape.max_count:
            out.append(
                self._result(
                    shape,
                    focus,
                    "MaxCountConstraintComponent",
                    None,
                    f"Expected at most {shape.max_count} value(s) of {path}, found {len(values)}.",
                )
            )
        for value in values:
            for cls in shape.classes:
                if value not in self.instances(cls):
                    out.append(
                        self._result(
                            shape,
                            focus,
                            "ClassConstraintComponent",
                            value,
                            f"{term_text(value)} is not a {term_text(cls)}.",
                        )
                    )
            if shape.datatype is not None and not (
                isinstance(value, ox.Literal) and well_formed(value, shape.datatype)
            ):
                out.append(
                    self._result(
                        shape,
                        focus,
                        "DatatypeConstraintComponent",
                        value,
                        f"{term_text(value)} is not a valid {term_text(shape.datatype)}.",
                    )
                )
            if shape.node_kind is not None and not _node_kind_ok(value, shape.node_kind):
                out.append(
                    self._result(
                        shape,
                        focus,
                        "NodeKindConstraintComponent",
                        value,
                        f"{term_text(value)} is not of node kind {term_text(shape.node_kind)}.",
                    )
                )
            if shape.in_values is not None and value not in shape.in_values:
                out.append(
                    self._result(
                        shape,
                        focus,
                        "InConstraintComponent",
                        value,
                        f"{term_text(value)} is not one of the allowed values.",
                    )
                )
            for nested in shape.nodes:
                if self.validate_shape(self.shapes.shape(nested), [value]):
                    out.append(
                        self._result(
                            shape,
                            focus,
                            "NodeConstraintComponent",
                            value,
                            f"{term_text(value)} does not conform to {term_text(nested)}.",
                        )
                    )
        for expected in shape.has_value:
            if expected not in values:
                out.append(
                    self._result(
                        shape,
                        focus,
                        "HasValueConstraintComponent",
                        None,
                        f"Missing the value {term_text(expected)} of {path}.",
                    )
                )
        return out

    def _sparql_batch(
        self, shape: Shape, constraint: SparqlConstraint, focus_nodes: set[Term]
    ) -> list[Result]:
        rows = self.query(constraint.query)
        return self._rows(shape, constraint, rows, None, focus_nodes)

    def _sparql(self, shape: Shape, constraint: SparqlConstraint, focus: Term) -> list[Result]:
        rows = self.query(constraint.query, substitutions={_THIS: focus})
        return self._rows(shape, constraint, rows, focus, None)

    def _rows(
        self,
        shape: Shape,
        constraint: SparqlConstraint,
        rows: ox.QuerySolutions,
        bound: Term | None,
        focus_nodes: set[Term] | None,
    ) -> list[Result]:
        out = []
        variables = [v.value for v in rows.variables]
        for row in rows:
            focus = bound if bound is not None else row["this"]
            if focus_nodes is not None and focus not in focus_nodes:
                continue
            bindings: dict[str, Term | None] = {name: row[name] for name in variables}
            value = bindings.get("value") or (focus if shape.path is None else None)
            provision = bindings.get("provision")
            provisions = (provision.value,) if isinstance(provision, ox.NamedNode) else ()
            message_term = bindings.get("message")
            messages = [message_term.value] if isinstance(message_term, ox.Literal) else None
            result = self._result(
                shape,
                focus,
                "SPARQLConstraintComponent",
                value,
                "The SPARQL constraint found a problem.",
                bindings=bindings,
                messages=messages or constraint.messages or shape.messages,
                provisions=provisions,
            )
            out.append(result)
        return out


def _node_kind_ok(value: Term, kind: ox.NamedNode) -> bool:
    name = kind.value[len(SH) :] if kind.value.startswith(SH) else ""
    is_iri = isinstance(value, ox.NamedNode)
    is_blank = isinstance(value, ox.BlankNode)
    is_literal = isinstance(value, ox.Literal)
    allowed = {
        "IRI": is_iri,
        "BlankNode": is_blank,
        "Literal": is_literal,
        "BlankNodeOrIRI": is_blank or is_iri,
        "BlankNodeOrLiteral": is_blank or is_literal,
        "IRIOrLiteral": is_iri or is_literal,
    }
    return allowed.get(name, False)


def run_shapes(store: ox.Store, shapes: Shapes, scope: set[Term] | None = None) -> list[Result]:
    """Validate the union graph of ``store`` against ``shapes``.

    Returns the results in a stable order, without duplicates (a SPARQL constraint
    may find the same problem through several solutions).
    """
    run = _Run(store, shapes)
    results: dict[tuple[str, str, str, str, str], Result] = {}
    for shape in shapes.targeted:
        focus = run.focus_nodes(shape)
        if scope is not None:
            focus &= scope
        for result in run.validate_shape(shape, sorted(focus, key=str)):
            results.setdefault(result.key, result)
    return list(results.values())
