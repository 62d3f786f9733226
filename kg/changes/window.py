"""Whether a start or an end falls in a window of days, and how sure that is.

A thing *began* in the window when its first day falls in it, and *ended* in it
when its last day (``sg:validTo``, the day the data says it ended) does. A day
known only within bounds (docs/modelling.md, "Dates") gives one of three answers:

* **certain**: every day the bounds allow is in the window (the day itself may
  still be unknown: "in August 2017");
* **possibly**: some of those days are in the window and some are not;
* **open**: only one side is known ("began by 31 August 2017", "confirmed as at
  1 August 2017") and that side lies outside the window, so the change may fall
  in it or long before or after it. These are counted apart, never listed as
  changes: a body known only to exist by 2017 would otherwise "possibly begin"
  in every year before.

The same rules are written in SPARQL in ``queries/changes/changed-between.rq``;
tests check that both agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kg.dates import Bound, long_date


class Certainty(StrEnum):
    CERTAIN = "certain"
    POSSIBLY = "possibly"
    OPEN = "open"


class Change(StrEnum):
    BEGAN = "began"
    ENDED = "ended"


@dataclass(frozen=True)
class Window:
    """The days from ``start`` to ``end``, both included."""

    start: date
    end: date

    def describe(self) -> str:
        if self.start == self.end:
            return f"on {long_date(self.start)}"
        return f"between {long_date(self.start)} and {long_date(self.end)}"


@dataclass(frozen=True)
class Occurrence:
    """A start or an end that falls (or may fall) in the window, and why."""

    change: Change
    bound: Bound
    certainty: Certainty
    reason: str | None  # why it is only possibly (or openly) in the window; None if certain

    @property
    def day_known(self) -> bool:
        return self.bound.exact is not None


def occurrence(bound: Bound, change: Change, window: Window) -> Occurrence | None:
    """Where ``bound`` (a start or an end) falls against ``window``, or None if outside."""
    e, lt = bound.earliest, bound.latest
    f, t = window.start, window.end
    verb = change.value
    if e is None and lt is None:
        return None
    if e is not None and lt is not None:
        if lt < f or e > t:
            return None
        if f <= e and lt <= t:
            return Occurrence(change, bound, Certainty.CERTAIN, None)
        return Occurrence(
            change,
            bound,
            Certainty.POSSIBLY,
            f"it {verb} {bound.describe()}, partly outside this period (the day is not recorded)",
        )
    # one side only
    if lt is not None:  # began by / ended by ``lt``: on any day up to it
        if lt < f:
            return None
        certainty = Certainty.POSSIBLY if lt <= t else Certainty.OPEN
        return Occurrence(
            change, bound, certainty, f"it {verb} by {long_date(lt)}; the day is not recorded"
        )
    assert e is not None  # on or after ``e``, or (an end) not confirmed after ``e``
    if e > t:
        return None
    if change is Change.ENDED:
        why = (
            f"the sources confirm it until {long_date(e)}; nothing read says whether"
            " or when it ended after that"
        )
    else:
        why = f"it began on or after {long_date(e)}; the day is not recorded"
    certainty = Certainty.POSSIBLY if e >= f else Certainty.OPEN
    return Occurrence(change, bound, certainty, why)
