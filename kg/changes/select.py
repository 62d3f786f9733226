"""Which facts a changes request's filters keep.

* **area**: what is recorded in the area or the areas within it (its own
  ``sg:area``, or its holder's, context's, bearers' or document's), and the
  national changes whose law extends there (``sg:extent``);
* **kind** of body: the kind, its narrower kinds, the kinds it replaced or that
  replaced it (``sg:replacedBy``, so "LSCBs" brings their successors and
  predecessors), the bodies of those kinds, their role assignments, the duties they
  bear, and the duties of the roles they hold (or of the bodies they are members of)
  while they hold them;
* **body** or **board**: the same for that body and its kinds, except that
  per-area facts must concern the body itself (not every area's body of its kind);
  a kind of board is taken as a kind;
* **provision**: what rests on the provision or a part of it, and what an
  instrument in it made (:func:`provision_test`).
"""

from __future__ import annotations

from collections.abc import Callable

from kg.browse.catalog import SKOS, Catalog
from kg.browse.pages import MEMBERSHIP_ROLES, closure, p, period, selves
from kg.changes.facts import Fact
from kg.changes.filters import ChangeQuery
from kg.changes.instruments import Attribution
from kg.config import SG, SGD

_COUNTRIES = {SGD + "england": "England", SGD + "wales": "Wales"}


def selector(cat: Catalog, q: ChangeQuery) -> Callable[[Fact], bool]:
    """A test that a fact passes every filter but ``provision``."""
    tests: list[Callable[[Fact], bool]] = []
    if q.area:
        tests.append(_area_test(cat, q.area))
    if q.kind:
        tests.append(_in(_kind_items(cat, q.kind)))
    for party in (q.body, q.board):
        if party is None:
            continue
        if cat.is_a(party, SG + "BodyKind"):
            tests.append(_in(_kind_items(cat, party)))
        else:
            tests.append(_party_test(cat, party))
    return lambda fact: all(t(fact) for t in tests)


def provision_test(cat: Catalog, provision: str) -> Callable[[Fact, Attribution], bool]:
    """Rests on the provision (or a part of it), or was changed by an instrument in it."""
    scope = set(closure(provision, lambda x: cat.subjects(p("partOf"), x)))
    resting = {
        item
        for x in scope
        for prop in ("legalBasis", "source")
        for item in cat.subjects(p(prop), x)
    }

    def test(fact: Fact, attr: Attribution) -> bool:
        if fact.iri in resting:
            return True
        touched = {*attr.instruments, *attr.commenced_by}
        if attr.provision:
            touched.add(attr.provision)
        return bool(touched & scope)

    return test


# ------------------------------------------------------------------------- areas


def _area_test(cat: Catalog, area: str) -> Callable[[Fact], bool]:
    scope = set(closure(area, lambda x: cat.subjects(p("within"), x)))
    country = next(
        (
            _COUNTRIES[a]
            for a in closure(area, lambda x: cat.iris(x, p("within")))
            if a in _COUNTRIES
        ),
        None,
    )

    def test(fact: Fact) -> bool:
        if fact.areas & scope:
            return True
        return fact.scope == "national" and applies_in(cat, fact.iri, country)

    return test


def applies_in(cat: Catalog, item: str, country: str | None) -> bool:
    """False when the item, its legal basis or source, or an Act they are part of,
    extends only to the other country (``sg:extent``)."""
    if country is None:
        return True
    bases = closure(
        item,
        lambda x: (
            cat.iris(x, p("legalBasis")) + cat.iris(x, p("partOf")) + cat.iris(x, p("source"))
        ),
    )
    for x in bases:
        extent = cat.text(x, p("extent"))
        if extent in _COUNTRIES.values() and extent != country:
            return False
    return True


# ------------------------------------------------------------- kinds and bodies


def _in(items: set[str]) -> Callable[[Fact], bool]:
    return lambda fact: fact.iri in items


def _kind_items(cat: Catalog, kind: str) -> set[str]:
    key = ("kind", kind)
    cache: dict[tuple[str, str], set[str]] = cat.__dict__.setdefault("_change_scopes", {})
    if key not in cache:
        kinds = closure(kind, lambda x: cat.subjects(SKOS + "broader", x))
        related = list(kinds)
        for k in kinds:
            related += cat.iris(k, p("replacedBy")) + cat.subjects(p("replacedBy"), k)
        parties = list(dict.fromkeys(related))
        for k in list(parties):
            parties += cat.subjects(p("ofKind"), k)
        cache[key] = party_items(cat, parties)
    return cache[key]


def _party_test(cat: Catalog, party: str) -> Callable[[Fact], bool]:
    own = party_items(cat, [party])
    through_kinds = party_items(cat, selves(cat, party)[1:])

    def test(fact: Fact) -> bool:
        return fact.iri in own or (fact.iri in through_kinds and fact.scope != "per-area")

    return test


def party_items(cat: Catalog, parties: list[str]) -> set[str]:
    """The parties, their role assignments (as holder, context or on whose behalf),
    the documents they are party to, the duties they bear, and the duties of the
    roles they hold and of the bodies they are members of, while they hold them."""
    items: set[str] = set()
    held: list[str] = []
    for s in dict.fromkeys(parties):
        items.add(s)
        held += cat.subjects(p("holder"), s)
        for prop in ("holder", "context", "onBehalfOf", "bearer", "party"):
            items.update(cat.subjects(p(prop), s))
    for ra in dict.fromkeys(held):
        role = cat.iri(ra, p("role"))
        context = cat.iri(ra, p("context"))
        through = [role] if role else []
        if role in MEMBERSHIP_ROLES and context:
            through.append(context)
        for via in through:
            for duty in cat.subjects(p("bearer"), via):
                if period(cat, duty).overlap(period(cat, ra)) is not None:
                    items.add(duty)
    return items
