"""The dated things a change can happen to, read once per catalog.

Duties, powers, commitments, role assignments, bodies, boards, kinds of body and
documents, each with its period (:func:`kg.browse.pages.period`), what it is in
words, and its scope:

* ``national``: the statute, national guidance and national bodies;
* ``local``: a local document (protocol, report) and what it states or names;
* ``per-area``: what the build derives for every area (``sg:derivationRule``) and
  the councils and police forces of the geography: thousands of rows, counted
  rather than listed unless an area is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kg.browse.catalog import Catalog
from kg.browse.pages import (
    BOARD_KINDS,
    DOCUMENT_CLASSES,
    document_of,
    duty_kind,
    is_board,
    p,
    period,
)
from kg.config import SG
from kg.dates import Bound, Period

Scope = Literal["national", "local", "per-area"]

#: The classes whose members can begin, end or change.
CLASSES = (
    SG + "DutyOrPower",
    SG + "RoleAssignment",
    SG + "Body",
    SG + "BodyKind",
    SG + "LocalProtocol",
    SG + "Report",
    SG + "Guidance",
)


@dataclass(frozen=True)
class Fact:
    """A dated thing, as the changes pages see it."""

    iri: str
    what: str  # "duty", "power", "role", "body", "board", "kind of body", "document" ...
    scope: Scope
    period: Period
    rule: str | None  # the derivation rule, for derived facts
    document: str | None  # the local document it belongs to
    areas: frozenset[str]  # its own sg:area, and those of its holder, context or bearers

    @property
    def derived(self) -> bool:
        return self.rule is not None


def facts(cat: Catalog) -> list[Fact]:
    """Every dated thing of :data:`CLASSES`, computed once per catalog."""
    cached: list[Fact] | None = cat.__dict__.get("_change_facts")
    if cached is None:
        cached = cat.__dict__["_change_facts"] = _read(cat)
    return cached


def by_iri(cat: Catalog) -> dict[str, Fact]:
    cached: dict[str, Fact] | None = cat.__dict__.get("_change_facts_by_iri")
    if cached is None:
        cached = cat.__dict__["_change_facts_by_iri"] = {f.iri: f for f in facts(cat)}
    return cached


def _read(cat: Catalog) -> list[Fact]:
    seen: dict[str, None] = {}
    for cls in CLASSES:
        for x in cat.instances(cls):
            seen.setdefault(x, None)
    rules = {x: cat.text(x, p("derivationRule")) for x in seen}
    # (what the build derives belongs to no document: no need to look)
    documents = {x: None if rules[x] else _local_document(cat, x) for x in seen}
    # what a local document names or states, and the parties to it: a role held in
    # (or a duty borne by) one of these is local too (the Merseyside SMB's members)
    named = {x for x, d in documents.items() if d is not None} | {
        party
        for doc in cat.instances(SG + "LocalProtocol") + cat.instances(SG + "Report")
        for party in cat.iris(doc, p("party"))
    }
    out = []
    for x in seen:
        when = _possible(period(cat, x))
        if not (when.start.known or when.end.known):
            continue
        rule = rules[x]
        document = documents[x]
        areas = _areas(cat, x, document)
        scope: Scope
        if rule is not None:
            scope = "per-area"
        elif document is not None or x in named or _tied(cat, x, named):
            scope = "local"
        elif areas:
            scope = "per-area"  # a council or police force of the geography
        else:
            scope = "national"
        out.append(Fact(x, what(cat, x), scope, when, rule, document, frozenset(areas)))
    return out


def _possible(when: Period) -> Period:
    """The bounds narrowed to what can be: nothing begins after its last day or ends
    before its first (derived overlaps can say otherwise: a role derived for a body
    known only by 2017 from one that ended in 2004)."""
    s, e = when.start, when.end
    latest_start = s.latest
    if s.latest is not None and e.latest is not None and e.latest < s.latest:
        latest_start = e.latest
    earliest_end = e.earliest
    if e.earliest is not None and s.earliest is not None and e.earliest < s.earliest:
        earliest_end = s.earliest
    if (latest_start, earliest_end) == (s.latest, e.earliest):
        return when
    return Period(Bound(s.earliest, latest_start), Bound(earliest_end, e.latest))


def what(cat: Catalog, x: str) -> str:
    """What a thing is, in a word or two."""
    types = cat.types(x)
    if SG + "DutyOrPower" in types:
        return duty_kind(cat, x)
    if SG + "RoleAssignment" in types:
        return "role"
    if SG + "BodyKind" in types:
        return "kind of board" if x in BOARD_KINDS else "kind of body"
    if types & set(DOCUMENT_CLASSES) or SG + "Guidance" in types:
        return "document"
    return "board" if is_board(cat, x) else "body"


def _local_document(cat: Catalog, x: str) -> str | None:
    if cat.types(x) & set(DOCUMENT_CLASSES):
        return x
    if cat.is_a(x, SG + "BodyKind"):
        return None  # a kind named in a protocol is still the statute's kind
    return document_of(cat, x)


def _tied(cat: Catalog, x: str, named: set[str]) -> bool:
    return any(y in named for prop in ("holder", "context", "bearer") for y in cat.iris(x, p(prop)))


def _areas(cat: Catalog, x: str, document: str | None) -> set[str]:
    areas = set(cat.iris(x, p("area")))
    for prop in ("holder", "context", "bearer"):
        for y in cat.iris(x, p(prop)):
            areas.update(cat.iris(y, p("area")))
    if document is not None:
        areas.update(cat.iris(document, p("area")))
    return areas
