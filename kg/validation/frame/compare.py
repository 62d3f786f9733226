"""Compare a configuration with the statutory frame of its area, as at a date.

Each expectation of the frame (:mod:`.source`) that is in force, or possibly in
force, on the date and that no entry of the configuration fills (:mod:`.match`) is a
*gap*: one per expected body and role, naming the functions it lacks, the provisions
and a fix. The rules and their severities (docs/validation.md, "The statutory
frame"):

* FR-1, a member of the responsible authority (s.325(1), s.67): a violation, as RA-1;
* FR-2, a duty-to-co-operate body (s.325(6)) the geography names: a warning, since the
  duty binds the body whether or not a local document lists it; one the frame knows
  only by kind: a note, as DTC-4;
* FR-3 and FR-4, the LSCB (s.13(1)) or safeguarding partnership (s.16E) of a
  children's services authority: a warning (the configuration may describe only part
  of its area's boards; SP-1 makes it a violation for a council it records);
* FR-5, a safeguarding partner (s.16E(3)) of a partnership the configuration records:
  a violation, as SP-2;
* FR-0, a part of the frame not compared, because the configuration records no
  responsible authority, or no LSCB or partnership at all: a note.

An expectation only *possibly* in force on the date (its dates known within bounds)
is at most a warning, and says which date is uncertain. A gap that a shape already
reports (RA-1, DTC-4, SP-1, SP-2 name the same role and kind, or board and area, with
at least the same severity) is left out, so that one gap is reported once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from kg.dates import Status, long_date
from kg.validation.frame.entries import Entries, Party, present
from kg.validation.frame.match import Matcher, words
from kg.validation.frame.source import BOARD, MAPPA, PARTNERSHIP, Expectation, Frame
from kg.validation.namespaces import SG, SGD, compact

RA_MEMBER = SG + "responsibleAuthorityMember"
DTC = SG + "dutyToCooperateBody"
PARTNER = SG + "safeguardingPartner"
LSCB = SG + "LocalSafeguardingChildrenBoard"
SAFEGUARDING_PARTNERSHIP = SG + "SafeguardingPartnership"
RESPONSIBLE_AUTHORITY = SG + "ResponsibleAuthority"

SEVERITY_RANK = {"violation": 2, "warning": 1, "info": 0}

#: Rule id, title and severity of each kind of gap (by-kind gaps where they differ).
RULES: dict[str, tuple[str, str]] = {
    "FR-0": ("Parts of the statutory frame not compared", "info"),
    "FR-1": (
        "The responsible authority has each member the statute names for the area",
        "violation",
    ),
    "FR-2": (
        "The duty-to-co-operate list names each body the statute names for the area",
        "warning",
    ),
    "FR-3": ("Each children's services authority of the area has its LSCB", "warning"),
    "FR-4": (
        "Each children's services authority of the area has its safeguarding partnership",
        "warning",
    ),
    "FR-5": ("Each safeguarding partnership has the partners the statute names", "violation"),
}
_BY_KIND_SEVERITY = {"FR-2": "info"}

#: The shapes that report the same gaps at the level of kinds (docs/validation.md).
SAME_GAP_RULES = {
    "RA-1": RA_MEMBER,
    "DTC-4": DTC,
    "SP-2": PARTNER,
    "SP-1": SAFEGUARDING_PARTNERSHIP,
}


@dataclass
class Gap:
    """One expectation of the frame that the configuration does not fill."""

    rule: str
    severity: str
    message: str
    fix: str
    focus: str
    value: str | None
    value_label: str | None
    provisions: list[tuple[str, str]] = field(default_factory=list)
    #: what a shape reporting the same gap would name: (role or board class, kind, area)
    key: tuple[str, str | None, str | None] | None = None


@dataclass(frozen=True)
class ShapeGap:
    """A gap a shape already reported: its severity and what it names."""

    severity: str
    key: tuple[str, str | None, str | None]


@dataclass
class Comparison:
    """What the comparison needs besides the frame and the entries."""

    frame: Frame
    entries: Entries
    as_at: date
    configuration: str
    area_label: Callable[[str], str]
    kind_label: Callable[[str], str]
    where: Callable[[str], str | None]
    matcher: Matcher = field(init=False)
    area_name: str = field(init=False)
    _members: dict[tuple[str, frozenset[str]], list[tuple[object, Party]]] = field(
        init=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        expected = frozenset(
            e.holder
            for e in self.frame.expectations
            if not e.by_kind and not e.period.status(self.as_at).not_in_force
        )
        self.matcher = Matcher(self.frame, self.frame.area, self.area_label, expected)
        self.area_name = self.area_label(self.frame.area)

    # ------------------------------------------------------------------ the parts

    def gaps(self, reported: Iterable[ShapeGap] = ()) -> list[Gap]:
        found = self._mappa() + self._boards() + self._partners() + self._unknown_same_as()
        reported = list(reported)
        return [g for g in found if not _already_reported(g, reported)]

    def _live(self, part: str) -> list[tuple[Expectation, Status, str]]:
        out = []
        for e in self.frame.expectations:
            if e.part != part:
                continue
            verdict = e.period.status(self.as_at)
            if not verdict.not_in_force:
                out.append((e, verdict.status, verdict.reason))
        return out

    def _holders(self, role: str, contexts: set[str]) -> list[tuple[object, Party]]:
        """The configuration's holders of ``role`` in ``contexts`` on the date (kept: every
        expectation of a role asks for the same list)."""
        key = (role, frozenset(contexts))
        if key not in self._members:
            self._members[key] = self.entries.members(role, contexts, self.as_at)
        return self._members[key]

    def _present(self, cls: str) -> list[Party]:
        return [p for p in self.entries.of_class(cls) if present(p.period, self.as_at)]

    def _mappa(self) -> list[Gap]:
        live = self._live(MAPPA)
        ras = self._present(RESPONSIBLE_AUTHORITY)
        if not live:
            return []
        if not ras:
            bodies = sorted({e.holder_label for e, _, _ in live})
            return [
                self._not_compared(
                    "no responsible authority",
                    f"the {len(bodies)} bodies the statute expects in its MAPPA arrangements",
                    "Describe the responsible authority (responsible_authority, with its "
                    "members and duty_to_cooperate list) to compare it.",
                )
            ]
        contexts = {ra.iri for ra in ras}
        focus = min(contexts)
        unfilled = [
            (e, status, reason)
            for e, status, reason in live
            if not self._filled(e, self._holders(e.role, contexts))
        ]
        return [self._gap(focus, group) for group in _by_holder(unfilled)]

    def _boards(self) -> list[Gap]:
        live = self._live(BOARD)
        if not live:
            return []
        recorded = self.entries.of_class(LSCB) + self.entries.of_class(SAFEGUARDING_PARTNERSHIP)
        if not recorded:
            boards = sorted({e.holder_label for e, _, _ in live})
            more = f" and {len(boards) - 3} more" if len(boards) > 3 else ""
            return [
                self._not_compared(
                    "no LSCB or safeguarding partnership",
                    f"the {len(boards)} the statute expects ({', '.join(boards[:3])}{more})",
                    "Describe the area's boards (boards: type lscb or safeguarding-partnership, "
                    "with their area) to compare them.",
                )
            ]
        gaps = []
        for e, status, reason in live:
            if not self._boards_for(e):
                gaps.append(self._gap(self.configuration, [(e, status, reason)]))
        return gaps

    def _partners(self) -> list[Gap]:
        gaps = []
        for e, status, reason in self._live(PARTNERSHIP):
            expected = next(
                (x for x in self.frame.expectations if x.part == BOARD and x.item == e.context),
                None,
            )
            partnerships = self._boards_for(expected) if expected else []
            if not partnerships:
                continue  # FR-4 names the missing partnership
            contexts = {p.iri for p in partnerships}
            if not self._filled(e, self._holders(PARTNER, contexts)):
                gaps.append(self._gap(min(contexts), [(e, status, reason)]))
        return gaps

    def _unknown_same_as(self) -> list[Gap]:
        """A ``same_as`` into the statute data that names nothing of this area's frame
        (a mistyped IRI would otherwise match nothing, silently)."""
        known = set(self.frame.bodies) | {
            iri
            for e in self.frame.expectations
            for iri in (e.item, e.holder, e.context)
            if iri is not None
        }
        gaps = []
        for party in sorted(self.entries.parties.values(), key=lambda p: p.iri):
            for iri in sorted(party.same_as):
                if iri.startswith(SGD) and iri not in known:
                    gaps.append(
                        Gap(
                            rule="FR-0",
                            severity="info",
                            message=(
                                f"{party.label or party.iri} is the same as {compact(iri)}, which "
                                f"is no body or board of the statutory frame of {self.area_name}, "
                                "so it was compared by its kind, area and name instead."
                            ),
                            fix=(
                                "Check the IRI: the frame's councils are sgd:council-<area>, its "
                                "police forces sgd:police-force-<police area>."
                            ),
                            focus=party.iri,
                            value=iri,
                            value_label=compact(iri),
                        )
                    )
        return gaps

    # ---------------------------------------------------------------- matching

    def _filled(self, e: Expectation, holders: list[tuple[object, Party]]) -> bool:
        if e.by_kind:
            return any(e.function in party.kinds for _, party in holders)
        body = self.frame.bodies.get(e.holder)
        if body is None:
            return False
        return any(self.matcher.satisfies(party, body, e.function) for _, party in holders)

    def _boards_for(self, e: Expectation) -> list[Party]:
        """The configuration's boards that are the expected board (same class; same IRI,
        area, or a wider area, or its area's name in theirs)."""
        body = self.frame.bodies.get(e.item)
        out = []
        for party in self._present(e.function):
            same = e.item in party.names or bool(e.la and e.la in party.areas)
            wider = body is not None and bool(party.areas & body.within)
            # a board that gives no area is recognised by its area's name ("Cumbria LSCB")
            wanted = words(e.la_label or "")
            named = not party.areas and bool(wanted) and wanted <= words(party.label)
            if same or wider or named:
                out.append(party)
        return out

    def _near_misses(self, e: Expectation, role_contexts: set[str]) -> list[Party]:
        body = self.frame.bodies.get(e.holder)
        if body is None:
            return []
        holders = self._holders(e.role, role_contexts)
        return [p for _, p in holders if self.matcher.near_miss(p, body)]

    # ----------------------------------------------------------------- wording

    def _not_compared(self, what: str, expected: str, fix: str) -> Gap:
        return Gap(
            rule="FR-0",
            severity="info",
            message=(
                f"{self.area_name}: the configuration records {what}, so {expected} on "
                f"{long_date(self.as_at)} were not compared with it."
            ),
            fix=fix,
            focus=self.configuration,
            value=None,
            value_label=None,
        )

    def _gap(self, focus: str, group: list[tuple[Expectation, Status, str]]) -> Gap:
        first = group[0][0]
        rule = {
            (MAPPA, RA_MEMBER): "FR-1",
            (MAPPA, DTC): "FR-2",
            (BOARD, LSCB): "FR-3",
            (BOARD, SAFEGUARDING_PARTNERSHIP): "FR-4",
        }.get((first.part, first.role if first.part == MAPPA else first.function), "FR-5")
        severity = RULES[rule][1]
        if first.by_kind:
            severity = _BY_KIND_SEVERITY.get(rule, severity)
        uncertain = [(e, reason) for e, status, reason in group if status is Status.POSSIBLY]
        if uncertain:
            severity = "warning" if severity == "violation" else severity
        functions = _join(sorted({e.function_label for e, _, _ in group}))
        provisions = sorted({(e.basis, e.basis_label) for e, _, _ in group})
        citations = _join([label for _, label in provisions])
        on = long_date(self.as_at)
        holder = first.holder_label
        fix_kind = _join(sorted({_slug(e.function) for e, _, _ in group}))
        if rule == "FR-1":
            what = (
                f"no member of kind '{functions}'"
                if first.by_kind
                else f"no member for {holder} (as {functions})"
            )
            message = (
                f"{self.area_name}: the responsible authority has {what}, which {citations} "
                f"names on {on}."
            )
            fix = f"Add {self._describe(first, fix_kind)} to the responsible authority's members."
        elif rule == "FR-2":
            whom = f"any {functions}" if first.by_kind else f"{holder} as {functions}"
            message = (
                f"{self.area_name}: the configuration has no duty-to-co-operate entry for "
                f"{whom} ({citations}), which the statute expects on {on}."
            )
            fix = (
                f"Add {self._describe(first, fix_kind)} to the responsible authority's "
                "duty_to_cooperate list."
            )
        elif rule == "FR-3":
            by = (
                f", to be established by {first.established_by_label}"
                if first.established_by_label
                else ""
            )
            message = (
                f"{self.area_name}: the configuration has no Local Safeguarding Children Board "
                f"for {first.la_label}{by}, which {citations} requires on {on}."
            )
            fix = (
                f"Add it to boards (type: lscb, area: {_slug(first.la)}, established_by: "
                "the council's id), or give the LSCB that serves it that area."
            )
        elif rule == "FR-4":
            message = (
                f"{self.area_name}: the configuration has no safeguarding partnership for "
                f"{first.la_label}, whose safeguarding partners must make arrangements under "
                f"{citations} on {on}."
            )
            fix = (
                f"Add it to boards (type: safeguarding-partnership, area: {_slug(first.la)}) with "
                "the safeguarding partners as members, or give the partnership that serves it "
                "that area."
            )
        else:
            what = f"of kind '{functions}'" if first.by_kind else f"{holder} (as {functions})"
            message = (
                f"{first.la_label}: the safeguarding partnership has no partner {what}, which "
                f"{citations} names on {on}."
            )
            fix = f"Add {self._describe(first, fix_kind)} to the partnership's members."
        if first.part != BOARD and not first.by_kind:
            contexts = (
                {focus}
                if first.part == PARTNERSHIP
                else {ra.iri for ra in self._present(RESPONSIBLE_AUTHORITY)}
            )
            for party in self._near_misses(first, contexts):
                where = self.where(party.iri)
                kinds = _join(sorted(self.kind_label(k) for k in party.kinds)) or "no kind"
                body = self.frame.bodies[first.holder]
                its = _join(sorted(self.kind_label(k) for k in body.kinds))
                fix += (
                    f" {party.label}{f' ({where})' if where else ''} is in the list with the "
                    f"area or name of {holder}, but is recorded as {kinds}, and {holder} is "
                    f"{its}: if they are the same body, correct its kind."
                )
        if uncertain:
            reasons = "; ".join(f"{e.holder_label}: {reason}" for e, reason in uncertain[:3])
            so = "so this is a warning: check" if severity == "warning" else "so check"
            message += (
                f" The statute expects it only possibly on that date ({reasons}), {so} the "
                "dates before acting on it."
            )
        key_area = first.la if first.part != MAPPA else None
        key = (
            (first.function, None, key_area)
            if first.part == BOARD
            else (first.role, first.function, key_area)
        )
        return Gap(
            rule=rule,
            severity=severity,
            message=message,
            fix=fix,
            focus=focus,
            value=first.holder,
            value_label=first.holder_label if not first.by_kind else first.function_label,
            provisions=provisions,
            key=key,
        )

    def _describe(self, e: Expectation, kind: str) -> str:
        """How to describe the expected body so that it is recognised (see match.py)."""
        of = f"kinds {kind}" if " and " in kind else f"kind {kind}"
        if e.by_kind:
            return f"a body of {of}"
        body = self.frame.bodies.get(e.holder)
        described = sorted(
            (p for p in self.entries.parties.values() if body and self.matcher.is_body(p, body)),
            key=lambda p: p.iri,
        )
        if described:  # described, but not in this role
            where = self.where(described[0].iri)
            return (
                f"{described[0].label}{f' ({where})' if where else ''}, the configuration's "
                f"body for {e.holder_label},"
            )
        area = f", area: {_slug(body.area)}" if body is not None and body.area else ""
        return f"{e.holder_label} (a body of {of}{area}, or with same_as: {compact(e.holder)})"


def _by_holder(
    items: list[tuple[Expectation, Status, str]],
) -> list[list[tuple[Expectation, Status, str]]]:
    """One group per expected holder and role (its functions together), certain apart
    from uncertain."""
    groups: dict[tuple[str, str, bool], list[tuple[Expectation, Status, str]]] = {}
    for item in items:
        e, status, _ = item
        groups.setdefault((e.role, e.holder, status is Status.POSSIBLY), []).append(item)
    return list(groups.values())


def _already_reported(gap: Gap, reported: list[ShapeGap]) -> bool:
    if gap.key is None:
        return False
    role, kind, area = gap.key
    for shape in reported:
        s_role, s_kind, s_area = shape.key
        if s_role != role or SEVERITY_RANK[shape.severity] < SEVERITY_RANK[gap.severity]:
            continue
        if (kind is None or s_kind == kind) and (area is None or s_area == area):
            return True
    return False


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _slug(iri: str | None) -> str:
    if not iri:
        return ""
    local = iri[len(SGD) :] if iri.startswith(SGD) else iri
    for prefix in ("kind-", "la-area-", "mappa-area-"):
        if local.startswith(prefix):
            return local[len(prefix) :]
    return local
