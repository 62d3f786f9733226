"""Which instrument made a change: a commencement, an insertion, an amendment, a
repeal, an order, guidance, or a local document.

The data records these on provisions (``sg:commencedBy``, ``sg:insertedBy``,
``sg:amendedBy``, ``sg:repealedBy``), not on the duties and roles they create, so a
change is traced from the thing through its legal basis (``sg:legalBasis``; for a
body or kind of body, its ``sg:source`` and its kinds' sources) up the provisions it
is part of (``sg:partOf``) and the Acts that regulations were made under
(``sg:enablingProvision``), nearest first. A provision whose own start (or end)
can fall on the day of the change explains it; one that began before the change,
or outlived it, explains it only through an amendment whose date fits. Nothing
is guessed: where no instrument is recorded, the attribution says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from kg.browse.catalog import Catalog
from kg.browse.pages import closure, p, period
from kg.changes.facts import Fact, by_iri
from kg.changes.window import Change
from kg.config import SG
from kg.dates import Bound

#: The kinds of instrument, in the order the pages list them, with their headings.
KINDS: dict[str, str] = {
    "commencement": "Commencement",
    "insertion": "Insertion",
    "amendment": "Amendment",
    "repeal": "Repeal",
    "order": "Order",
    "guidance": "Guidance",
    "local document": "Local document",
    "derived": "Derived for each area",
    "not recorded": "Instrument not recorded",
}

_SI = SG + "StatutoryInstrument"
_LEGISLATION = SG + "Legislation"
_GUIDANCE = SG + "Guidance"
_EVIDENCE = SG + "EvidenceDocument"


@dataclass(frozen=True)
class Attribution:
    """The instrument behind one change, and the provision (or document) it acted on."""

    kind: str
    instruments: tuple[str, ...] = ()
    provision: str | None = None
    commenced_by: tuple[str, ...] = ()  # an insertion's commencement
    successor: str | None = None  # a kind that ended when this successor began
    #: amendments of the provision that the data does not date: they may explain the
    #: change, but nothing says so (only when no instrument is recorded)
    candidates: tuple[str, ...] = ()


def attribute(
    cat: Catalog, fact: Fact, change: Change, bound: Bound, depth: int = 0
) -> Attribution:
    """The instrument that made ``fact`` begin or end (at ``bound``)."""
    if fact.document is not None:
        return Attribution("local document", (fact.document,), fact.document)
    if cat.is_a(fact.iri, _GUIDANCE):
        return Attribution("guidance", (fact.iri,))
    if fact.derived and depth < 4:  # (derived from derived: a short chain, never a loop)
        return _derived(cat, fact, change, bound, depth)
    return _traced(cat, fact, change, bound)


def _derived(cat: Catalog, fact: Fact, change: Change, bound: Bound, depth: int) -> Attribution:
    """A derived fact changed when the input whose date it took changed; failing
    that, when its legal basis did. Its dates are otherwise an overlap of its
    inputs' (docs/modelling.md, "Derived arrangements"), made by no one instrument."""
    facts_by_iri = by_iri(cat)
    for source in cat.iris(fact.iri, p("derivedFrom")):
        side = period(cat, source).start if change is Change.BEGAN else period(cat, source).end
        if side != bound:
            continue
        found = facts_by_iri.get(source)
        if found is not None:
            took = attribute(cat, found, change, bound, depth + 1)
        else:
            bases = [(source, True)]
            took = _start(cat, bases, bound) if change is Change.BEGAN else _end(cat, bases, bound)
        if took.instruments:
            return took
    traced = _traced(cat, fact, change, bound)
    if traced.instruments:
        return traced
    return Attribution("derived", (), None)


def _traced(cat: Catalog, fact: Fact, change: Change, bound: Bound) -> Attribution:
    bases = _bases(cat, fact.iri)
    found = _start(cat, bases, bound) if change is Change.BEGAN else _end(cat, bases, bound)
    if found.kind == "not recorded" and change is Change.ENDED:
        for successor in cat.iris(fact.iri, p("replacedBy")):
            after = period(cat, successor).start
            if after.known and bound.known and _overlaps(after, _next_day(bound)):
                # it ended the day before its successor began: what began that did it
                begun = _start(cat, _bases(cat, successor), after)
                if begun.instruments:
                    return Attribution(
                        begun.kind,
                        begun.instruments,
                        begun.provision,
                        begun.commenced_by,
                        successor,
                    )
    return found


def instrument_bound(cat: Catalog, instrument: str) -> Bound:
    """When an instrument took effect, or at least not before it was made."""
    when = period(cat, instrument).start
    if when.known:
        return when
    for x in closure(instrument, lambda y: cat.iris(y, p("partOf"))):
        made = cat.date(x, p("royalAssent")) or cat.date(x, p("madeDate"))
        if made is not None:
            return Bound(made, None)
    return Bound()


# ----------------------------------------------------------------------- tracing


def _bases(cat: Catalog, x: str) -> list[tuple[str, bool]]:
    """(basis, direct): the legal bases and sources of ``x``, then its kinds' sources."""
    out: dict[str, bool] = {}
    for b in cat.iris(x, p("legalBasis")):
        out.setdefault(b, True)
    for b in cat.iris(x, p("source")):
        if not cat.is_a(b, _EVIDENCE):
            out.setdefault(b, True)
    for kind in cat.iris(x, p("ofKind")):
        for b in cat.iris(kind, p("source")):
            out.setdefault(b, False)
    return list(out.items())


def _up(cat: Catalog, x: str) -> list[str]:
    return cat.iris(x, p("partOf")) + cat.iris(x, p("enablingProvision"))


def _is_order(cat: Catalog, basis: str, direct: bool) -> bool:
    """A statutory instrument named as the source itself (a structural change order)."""
    return direct and cat.is_a(basis, _SI) and not cat.is_a(basis, SG + "Provision")


def _start(cat: Catalog, bases: list[tuple[str, bool]], bound: Bound) -> Attribution:
    fallback: Attribution | None = None
    maybe: tuple[str, ...] = ()
    for basis, direct in bases:
        if _is_order(cat, basis, direct) and _fits(instrument_bound(cat, basis), bound):
            return Attribution("order", (basis,))
        for node in closure(basis, lambda y: _up(cat, y)):
            if cat.is_a(node, _GUIDANCE):
                if _fits(period(cat, node).start, bound):
                    return Attribution("guidance", (node,))
                continue
            start = period(cat, node).start
            if not start.known:
                continue
            if _overlaps(start, bound):
                # it began with the provision: the provision's coming into force did it
                inserted = tuple(cat.iris(node, p("insertedBy")))
                commenced = tuple(cat.iris(node, p("commencedBy")))
                if inserted:
                    return Attribution("insertion", inserted, node, commenced)
                if commenced:
                    return Attribution("commencement", commenced, node)
                if cat.is_a(node, _LEGISLATION):  # regulations that came into force
                    return Attribution("commencement", (node,))
                fallback = fallback or Attribution("commencement", (), node)
            elif _before(start, bound):
                # the provision is older than the change: only an amendment explains it
                amended, undated = _amenders(cat, node, bound)
                if amended:
                    return Attribution("amendment", amended, node)
                if direct:  # a kind's provision rarely explains one body's change
                    maybe = maybe or undated
    return fallback or _not_recorded(bases, maybe)


def _end(cat: Catalog, bases: list[tuple[str, bool]], bound: Bound) -> Attribution:
    fallback: Attribution | None = None
    maybe: tuple[str, ...] = ()
    for basis, direct in bases:
        if _is_order(cat, basis, direct) and _fits(instrument_bound(cat, basis), bound):
            return Attribution("order", (basis,))
        for node in closure(basis, lambda y: _up(cat, y)):
            if cat.is_a(node, _GUIDANCE):
                continue
            end = period(cat, node).end
            if end.known and _overlaps(end, bound):
                # it ended with the provision
                repealed = tuple(cat.iris(node, p("repealedBy")))
                if repealed:
                    return Attribution("repeal", repealed, node)
                fallback = fallback or Attribution("repeal", (), node)
            elif not end.known or _before(bound, end):
                # the provision outlived the thing: only an amendment explains its end
                amended, undated = _amenders(cat, node, bound)
                if amended:
                    return Attribution("amendment", amended, node)
                if direct:  # a kind's provision rarely explains one body's change
                    maybe = maybe or undated
    return fallback or _not_recorded(bases, maybe)


def _not_recorded(bases: list[tuple[str, bool]], maybe: tuple[str, ...]) -> Attribution:
    own = [basis for basis, direct in bases if direct]
    return Attribution("not recorded", (), own[0] if own else None, candidates=maybe)


def _amenders(cat: Catalog, node: str, bound: Bound) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(dated, undated): the instruments that amended ``node`` and whose dates (both
    bounds known) fit ``bound``, and those that may fit but are not dated so: only
    made by a day (Royal Assent), or not dated at all. An Act amends many things
    after its Royal Assent; that date alone never says it made this change."""
    dated, undated = [], []
    for a in cat.iris(node, p("amendedBy")):
        when = instrument_bound(cat, a)
        if not _overlaps(when, bound):
            continue
        (dated if when.earliest and when.latest else undated).append(a)
    return tuple(dated), tuple(undated)


# -------------------------------------------------------------------- comparing


def _overlaps(a: Bound, b: Bound) -> bool:
    """Some day is allowed by both bounds (a missing side is no limit)."""
    if a.latest is not None and b.earliest is not None and a.latest < b.earliest:
        return False
    return not (b.latest is not None and a.earliest is not None and b.latest < a.earliest)


def _fits(a: Bound, b: Bound) -> bool:
    """Unknown, or overlapping."""
    return not a.known or _overlaps(a, b)


def _before(a: Bound, b: Bound) -> bool:
    """Every day ``a`` allows is before every day ``b`` allows."""
    return a.latest is not None and b.earliest is not None and a.latest < b.earliest


def _next_day(b: Bound) -> Bound:
    one = timedelta(days=1)
    return Bound(
        b.earliest + one if b.earliest else None,
        b.latest + one if b.latest else None,
    )
