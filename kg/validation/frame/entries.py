"""The configuration's side of the comparison: its memberships and its parties.

Read from the validation data graph with ``queries/validation/frame-entries.rq``,
after the validator has added what the build's rules add (kinds along
``skos:broader``, types along ``rdfs:subClassOf``) and the bounds of every date.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import pyoxigraph as ox

from kg.dates import Bound, Period
from kg.validation.frame.source import QUERIES, bind

_QUERY = (QUERIES / "frame-entries.rq").read_text(encoding="utf-8")


@dataclass
class Party:
    """A body, board or responsible authority the configuration describes."""

    iri: str
    label: str = ""
    areas: set[str] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)
    same_as: set[str] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)
    period: Period = Period()

    @property
    def names(self) -> set[str]:
        """Every IRI that names it: its own and those it is ``owl:sameAs``."""
        return {self.iri} | self.same_as


@dataclass(frozen=True)
class Membership:
    """A role assignment the configuration describes: ``holder`` holds ``role`` in
    ``context``."""

    iri: str
    role: str
    holder: str
    context: str
    period: Period


@dataclass
class Entries:
    """What the configuration describes, for the comparison. Nodes are keyed by their
    IRI, or ``_:id`` for a blank node (``terms`` gives back the node itself)."""

    parties: dict[str, Party]
    memberships: list[Membership]
    terms: dict[str, ox.NamedNode | ox.BlankNode] = field(default_factory=dict)

    def party(self, iri: str) -> Party:
        return self.parties.get(iri) or Party(iri)

    def of_class(self, cls: str) -> list[Party]:
        return [p for p in self.parties.values() if cls in p.classes]

    def members(self, role: str, contexts: set[str], on: date) -> list[tuple[Membership, Party]]:
        """The holders of ``role`` in any of ``contexts`` that are not certainly out of
        force on ``on`` (as the shapes judge presence: only what is certainly not in
        force is absent)."""
        out = []
        for m in self.memberships:
            if m.role != role or m.context not in contexts:
                continue
            holder = self.party(m.holder)
            if present(m.period, on) and present(holder.period, on):
                out.append((m, holder))
        return out


def present(period: Period, on: date) -> bool:
    return not period.status(on).not_in_force


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def read_entries(store: ox.Store, graph: ox.NamedNode) -> Entries:
    """The parties and memberships the configuration (graph ``graph``) describes."""
    facts: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    terms: dict[str, ox.NamedNode | ox.BlankNode] = {}
    text = bind(_QUERY, "graph", graph)
    for row in store.query(text, use_default_graph_as_union=True):  # type: ignore[union-attr]
        subject, what, value = row["subject"], row["what"], row["value"]
        if value is None or what is None or not isinstance(subject, ox.NamedNode | ox.BlankNode):
            continue
        terms[_key(subject)] = subject
        facts[_key(subject)][what.value].append(_key(value))

    def first(values: list[str]) -> str | None:
        return values[0] if values else None

    def period(f: dict[str, list[str]]) -> Period:
        return Period(
            Bound(
                _day(min(f["earliestStart"], default=None)),
                _day(max(f["latestStart"], default=None)),
            ),
            Bound(
                _day(min(f["earliestEnd"], default=None)), _day(max(f["latestEnd"], default=None))
            ),
        )

    parties: dict[str, Party] = {}
    memberships: list[Membership] = []
    for subject, f in facts.items():
        if f["role"] and f["holder"] and f["context"]:
            memberships.extend(
                Membership(subject, f["role"][0], holder, context, period(f))
                for holder in f["holder"]
                for context in f["context"]
            )
            continue
        parties[subject] = Party(
            iri=subject,
            label=first(sorted(f["label"])) or "",
            areas=set(f["area"]),
            kinds=set(f["kind"]),
            same_as=set(f["sameAs"]),
            classes=set(f["class"]),
            period=period(f),
        )
    return Entries(parties=parties, memberships=memberships, terms=terms)


def _key(term: object) -> str:
    """An IRI or literal's value; ``_:id`` for a blank node (never taken for an IRI)."""
    if isinstance(term, ox.BlankNode):
        return str(term)
    return str(getattr(term, "value", term))
