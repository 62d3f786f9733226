"""The build's inferences, applied to a configuration before it is validated.

``kg build`` materialises, with the rules in ``queries/rules/``:

* ``subclass-types.rq``: a member of a class is a member of its superclasses;
* ``kind-broader.rq``: a body of a kind is also of every broader kind (``skos:broader``);
* ``kind-from-class.rq``: a member of a board or authority class is of the kind the
  class names with ``sg:correspondingKind``; ``class-from-kind.rq``: and a body of that
  kind is a member of the class.

The validator adds the same triples for the configuration's nodes (and, once, for the
reference data), so the shapes can ask ``?body sg:ofKind ?kind`` and ``?x a sg:Board``
directly. Doing it in Python from precomputed tables takes a few milliseconds, where
re-running the rule queries over the whole data graph for every validation would not.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from kg.validation.namespaces import RDF_TYPE, RDFS, SG, SKOS

_SUBCLASS = ox.NamedNode(RDFS + "subClassOf")
_BROADER = ox.NamedNode(SKOS + "broader")
_CORRESPONDING = ox.NamedNode(SG + "correspondingKind")
_OF_KIND = ox.NamedNode(SG + "ofKind")
_TABLE_PREDICATES = {_SUBCLASS, _BROADER, _CORRESPONDING}


def _transitive(
    edges: dict[ox.NamedNode, set[ox.NamedNode]],
) -> dict[ox.NamedNode, set[ox.NamedNode]]:
    out: dict[ox.NamedNode, set[ox.NamedNode]] = {}
    for start in edges:
        seen: set[ox.NamedNode] = set()
        todo = list(edges[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(edges.get(node, ()))
        out[start] = seen
    return out


@dataclass
class Tables:
    """Superclasses, broader kinds and class kinds, each closed transitively, and the
    classes whose members a kind's bodies are."""

    superclasses: dict[ox.NamedNode, set[ox.NamedNode]]
    broader: dict[ox.NamedNode, set[ox.NamedNode]]
    class_kinds: dict[ox.NamedNode, set[ox.NamedNode]]
    kind_classes: dict[ox.NamedNode, set[ox.NamedNode]]

    @classmethod
    def from_triples(cls, triples: Iterable[ox.Triple]) -> Tables:
        sub: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
        broader: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
        corresponding: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
        for t in triples:
            if not (isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode)):
                continue
            if t.predicate == _SUBCLASS:
                sub[t.subject].add(t.object)
            elif t.predicate == _BROADER:
                broader[t.subject].add(t.object)
            elif t.predicate == _CORRESPONDING:
                corresponding[t.subject].add(t.object)
        superclasses = _transitive(sub)
        broader_closed = _transitive(broader)
        class_kinds: dict[ox.NamedNode, set[ox.NamedNode]] = {}
        for c in set(sub) | set(corresponding):
            kinds: set[ox.NamedNode] = set()
            for k in {c} | superclasses.get(c, set()):
                kinds |= corresponding.get(k, set())
            if kinds:
                class_kinds[c] = kinds
        kind_classes: dict[ox.NamedNode, set[ox.NamedNode]] = defaultdict(set)
        for c, direct_kinds in corresponding.items():
            for k in direct_kinds:
                kind_classes[k].add(c)
        return cls(superclasses, broader_closed, class_kinds, dict(kind_classes))

    def infer(self, triples: Iterable[ox.Triple]) -> list[ox.Triple]:
        """The triples the rules add for the subjects of ``triples``."""
        types: dict[object, set[ox.NamedNode]] = defaultdict(set)
        kinds: dict[object, set[ox.NamedNode]] = defaultdict(set)
        stated: dict[object, set[ox.NamedNode]] = defaultdict(set)
        for t in triples:
            if t.predicate == RDF_TYPE and isinstance(t.object, ox.NamedNode):
                types[t.subject].add(t.object)
            elif t.predicate == _OF_KIND and isinstance(t.object, ox.NamedNode):
                kinds[t.subject].add(t.object)
                stated[t.subject].add(t.object)
        out: list[ox.Triple] = []
        for subject, stated_kinds in stated.items():
            # a body of a kind that a class corresponds to is a member of the class
            given = set().union(*(self.kind_classes.get(k, set()) for k in stated_kinds))
            given -= types[subject]
            out.extend(ox.Triple(subject, RDF_TYPE, c) for c in sorted(given, key=str))  # type: ignore[arg-type]
            types[subject] |= given
        for subject, direct in types.items():
            all_types = set(direct)
            for c in direct:
                all_types |= self.superclasses.get(c, set())
            for c in all_types - direct:
                out.append(ox.Triple(subject, RDF_TYPE, c))  # type: ignore[arg-type]
            for c in direct:
                kinds[subject] |= self.class_kinds.get(c, set())
        for subject, direct in kinds.items():
            all_kinds = set(direct)
            for k in direct:
                all_kinds |= self.broader.get(k, set())
            out.extend(
                ox.Triple(subject, _OF_KIND, k)  # type: ignore[arg-type]
                for k in sorted(all_kinds - stated[subject], key=str)
            )
        return out

    def needs_rebuild(self, triples: Iterable[ox.Triple]) -> bool:
        """Does a configuration add to the class or kind hierarchy itself?"""
        return any(t.predicate in _TABLE_PREDICATES for t in triples)
