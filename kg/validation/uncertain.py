"""Findings that rest on an uncertain date.

The shapes treat as absent only what is *certainly* not in force on the date
(its earliest possible start after it, or its latest possible end before it).
A date known only within bounds can still decide a finding: under the other
reading of the same bounds (everything uncertain taken as not in force) a
finding may appear or vanish. Such a finding rests on the uncertainty, so it is
reported as a warning that names it, never as a violation (docs/validation.md).

:func:`pessimistic_store` builds that other reading: each start known only
within bounds moves to its latest day, each end to its earliest. The validator
runs the shapes on both and compares the results by their key.
"""

from __future__ import annotations

from datetime import date

import pyoxigraph as ox

from kg.dates import Bound, long_date
from kg.validation.namespaces import RDFS_LABEL, XSD_DATE, sg

EARLIEST_START = sg("earliestStart")
LATEST_START = sg("latestStart")
EARLIEST_END = sg("earliestEnd")
LATEST_END = sg("latestEnd")


def _day(term: object) -> date | None:
    if isinstance(term, ox.Literal) and term.datatype == XSD_DATE:
        try:
            return date.fromisoformat(term.value)
        except ValueError:
            return None
    return None


def _days(store: ox.Store, s: object, p: ox.NamedNode) -> list[date]:
    out = []
    for q in store.quads_for_pattern(s, p, None):  # type: ignore[arg-type]
        d = _day(q.object)
        if d is not None:
            out.append(d)
    return out


def uncertain_on(store: ox.Store, as_at: date) -> dict[object, str]:
    """Resources whose start or end is uncertain on ``as_at``, each with why, in words."""
    out: dict[object, str] = {}
    for q in store.quads_for_pattern(None, LATEST_START, None):
        latest = _day(q.object)
        earliest = min(_days(store, q.subject, EARLIEST_START), default=None)
        if latest is not None and (earliest is None or earliest <= as_at) and as_at < latest:
            out[q.subject] = f"began {Bound(earliest, latest).describe()}"
    for q in store.quads_for_pattern(None, EARLIEST_END, None):
        earliest = _day(q.object)
        latest = max(_days(store, q.subject, LATEST_END), default=None)
        if earliest is None or as_at <= earliest or (latest is not None and as_at > latest):
            continue
        if latest is None:
            why = f"confirmed only as at {long_date(earliest)}"
        else:
            why = f"ended {Bound(earliest, latest).describe()}"
        out.setdefault(q.subject, why)
    return out


def pessimistic_store(store: ox.Store, uncertain: dict[object, str]) -> ox.Store:
    """A copy of ``store`` in which every uncertain resource lives only within its
    certain days: its earliest start moved to its latest start, its latest end to
    its earliest end."""
    copy = ox.Store()
    copy.extend(store.quads_for_pattern(None, None, None))
    for s in uncertain:
        starts = _days(copy, s, LATEST_START)
        ends = _days(copy, s, EARLIEST_END)
        for p, days in ((EARLIEST_START, starts), (LATEST_END, ends)):
            if not days:
                continue
            for q in list(copy.quads_for_pattern(s, p, None)):  # type: ignore[arg-type]
                copy.remove(q)
            graph = sg("uncertain")
            day = max(days) if p == EARLIEST_START else min(days)
            copy.add(ox.Quad(s, p, ox.Literal(day.isoformat(), datatype=XSD_DATE), graph))  # type: ignore[arg-type]
    return copy


def label(store: ox.Store, term: object) -> str:
    for q in store.quads_for_pattern(term, RDFS_LABEL, None):  # type: ignore[arg-type]
        return q.object.value  # type: ignore[union-attr]
    return str(getattr(term, "value", term))


def explain(store: ox.Store, uncertain: dict[object, str], related: list[object]) -> str:
    """The sentence added to a finding that rests on uncertain dates."""
    named = [t for t in related if t in uncertain] or list(uncertain)
    parts = [f"{label(store, t)} {uncertain[t]}" for t in named[:3]]
    more = f" and {len(named) - 3} more" if len(named) > 3 else ""
    return (
        " This rests on a date not yet confirmed ("
        + "; ".join(parts)
        + more
        + "), so it is a warning: check the dates before acting on it."
    )
