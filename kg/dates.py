"""Dates that say what is known: exact days or bounds, and three-valued "as at".

A start or an end is either an exact day or an interval of possible days
(docs/modelling.md, "Dates"). On a given day a thing is *in force*, *not in
force* or *possibly in force*; :meth:`Period.status` says which, and why, in the
words the pages show. The same rule is written in SPARQL in the shipped
queries; tests check that both agree.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Status(StrEnum):
    """Whether something is in force on a day."""

    IN_FORCE = "in force"
    POSSIBLY = "possibly in force"
    NOT_IN_FORCE = "not in force"


def long_date(d: date) -> str:
    """``1 August 2017``: how GOV.UK writes a date."""
    return f"{d.day} {calendar.month_name[d.month]} {d.year}"


@dataclass(frozen=True)
class Bound:
    """A start or an end: the earliest and latest days it may fall on.

    ``earliest`` is None when nothing bounds it from below; ``latest`` None
    when nothing bounds it from above (an end that may not have come yet).
    """

    earliest: date | None = None
    latest: date | None = None

    @property
    def known(self) -> bool:
        return self.earliest is not None or self.latest is not None

    @property
    def exact(self) -> date | None:
        """The day, when the bounds agree."""
        if self.earliest is not None and self.earliest == self.latest:
            return self.earliest
        return None

    @property
    def precision(self) -> str | None:
        """``day``, ``month``, ``year``, ``interval``, or None when open above."""
        e, lt = self.earliest, self.latest
        if e is None or lt is None:
            return None
        if e == lt:
            return "day"
        if e.year == lt.year and (e.month, e.day) == (1, 1) and (lt.month, lt.day) == (12, 31):
            return "year"
        last = calendar.monthrange(lt.year, lt.month)[1]
        if (e.year, e.month) == (lt.year, lt.month) and e.day == 1 and lt.day == last:
            return "month"
        return "interval"

    def describe(self) -> str:
        """In words: ``on 5 April 2004``, ``in 2009``, ``between 12 November 2009 and
        1 April 2010``, ``after 1 August 2017``, ``by 1 April 2013``."""
        e, lt = self.earliest, self.latest
        precision = self.precision
        if precision == "day" and e is not None:
            return f"on {long_date(e)}"
        if precision == "year" and e is not None:
            return f"in {e.year}"
        if precision == "month" and e is not None:
            return f"in {calendar.month_name[e.month]} {e.year}"
        if e is not None and lt is not None:
            return f"between {long_date(e)} and {long_date(lt)}"
        if e is not None:
            return f"not before {long_date(e)}"
        if lt is not None:
            return f"by {long_date(lt)}"
        return "on a date not known"

    def iso(self) -> dict[str, str | None]:
        return {
            "earliest": self.earliest.isoformat() if self.earliest else None,
            "latest": self.latest.isoformat() if self.latest else None,
            "precision": self.precision,
        }


@dataclass(frozen=True)
class Verdict:
    status: Status
    reason: str

    @property
    def in_force(self) -> bool:
        return self.status is Status.IN_FORCE

    @property
    def possibly(self) -> bool:
        return self.status is Status.POSSIBLY

    @property
    def not_in_force(self) -> bool:
        return self.status is Status.NOT_IN_FORCE


@dataclass(frozen=True)
class Period:
    """When a thing was in force or existed.

    ``start`` unknown below means it may have begun at any time before its
    latest start; ``end`` with no latest bound means it may still be in force
    (after ``end.earliest``, the last day the sources confirm it, only
    possibly). A period with no end at all is in force for good.
    """

    start: Bound = Bound()
    end: Bound = Bound()

    # -------------------------------------------------------------- verdicts

    def status(self, day: date) -> Verdict:
        """In force, possibly in force or not in force on ``day``, with the reason.

        A period with no start at all is taken as begun (timeless vocabulary);
        one with no end at all as still in force.
        """
        s, e = self.start, self.end
        if s.earliest is not None and day < s.earliest:
            return Verdict(Status.NOT_IN_FORCE, f"begins {s.describe()}")
        if e.latest is not None and e.latest < day:
            return Verdict(Status.NOT_IN_FORCE, f"ended {e.describe()}")
        if s.known and (s.latest is None or day < s.latest):
            return Verdict(Status.POSSIBLY, f"began {s.describe()} (date not yet confirmed)")
        if e.known and (e.earliest is None or e.earliest < day):
            if e.latest is None and e.earliest is not None:
                why = (
                    f"still in existence as at {long_date(e.earliest)}, "
                    "the last date the sources confirm"
                )
            else:
                why = f"ended {e.describe()} (date not yet confirmed)"
            return Verdict(Status.POSSIBLY, why)
        since = self._since() if s.known else "no start date recorded"
        if not e.known:
            return Verdict(Status.IN_FORCE, since)
        if e.latest is None and e.earliest is not None:
            return Verdict(Status.IN_FORCE, f"{since}; confirmed as at {long_date(e.earliest)}")
        return Verdict(Status.IN_FORCE, f"{since}; {self._until()}")

    def _since(self) -> str:
        s = self.start
        return f"since {long_date(s.exact)}" if s.exact else f"began {s.describe()}"

    def _until(self) -> str:
        e = self.end
        return f"until {long_date(e.exact)}" if e.exact else f"ends {e.describe()}"

    def overlap(self, other: Period) -> Period | None:
        """The period in which both may be in force, or None when they cannot meet.

        Starts take the later bounds and ends the earlier ones; a missing bound
        is no constraint, except a missing latest start, which may be any day.
        """
        start = Bound(
            _max(self.start.earliest, other.start.earliest),
            None
            if (self.start.known and self.start.latest is None)
            or (other.start.known and other.start.latest is None)
            else _max(self.start.latest, other.start.latest),
        )
        end = Bound(
            _min(self.end.earliest, other.end.earliest),
            _min(self.end.latest, other.end.latest),
        )
        if start.earliest and end.latest and end.latest < start.earliest:
            return None
        return Period(start, end)

    # --------------------------------------------------------------- display

    def describe(self) -> str:
        """``from 5 April 2004``, ``from between ... to 29 September 2019`` ..."""
        parts = []
        if self.start.known:
            if self.start.exact:
                parts.append(f"from {long_date(self.start.exact)}")
            else:
                parts.append(f"began {self.start.describe()}")
        if self.end.known:
            if self.end.latest is None and self.end.earliest is not None:
                parts.append(f"confirmed as at {long_date(self.end.earliest)}")
            elif self.end.exact:
                parts.append(f"to {long_date(self.end.exact)}")
            else:
                parts.append(f"ended {self.end.describe()}")
        return ", ".join(parts)

    def as_json(self) -> dict[str, object]:
        return {
            "start": self.start.iso(),
            "end": self.end.iso(),
            "open_end_confirmed_until": (
                self.end.earliest.isoformat()
                if self.end.latest is None and self.end.earliest is not None
                else None
            ),
            "uncertain": self.uncertain,
            "text": self.describe(),
        }

    @property
    def uncertain(self) -> bool:
        """True when a start or end is known only within bounds."""
        starts = self.start.known and self.start.exact is None
        ends = self.end.known and self.end.exact is None
        return starts or ends


def _max(a: date | None, b: date | None) -> date | None:
    return max(a, b) if a is not None and b is not None else (a or b)


def _min(a: date | None, b: date | None) -> date | None:
    return min(a, b) if a is not None and b is not None else (a or b)
