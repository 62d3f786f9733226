"""What changed between two dates, as plain JSON-able data (the page and its twin).

Changes are grouped by the instrument that made them (:mod:`kg.changes.instruments`)
and said in sentences (:mod:`kg.changes.sentences`). Per-area facts (derived by the
build, and the geography's councils and police forces) are counted, not listed,
unless an area is asked for; changes known only on one side ("began by ...") are
listed apart from those that certainly or possibly fall in the window.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import date
from typing import Any

from kg.browse.catalog import Catalog
from kg.browse.pages import iso, p, ref, refs
from kg.changes.facts import Fact, facts
from kg.changes.filters import FIELDS, ChangeQuery
from kg.changes.instruments import KINDS, Attribution, attribute
from kg.changes.select import provision_test, selector
from kg.changes.sentences import plural, sentence
from kg.changes.window import Certainty, Change, Occurrence, occurrence
from kg.config import SG
from kg.dates import Bound, long_date

Json = dict[str, Any]

#: Results kept per catalog: the same question is asked again and again (the page,
#: then its JSON twin, then a filter changed back).
CACHE_SIZE = 64

#: The most specific classes, for naming what a per-area count counts.
_NAMED_CLASSES = (
    "LocalSafeguardingChildrenBoard",
    "SafeguardingPartnership",
    "AreaChildProtectionCommittee",
    "RegionalChildProtectionCommittee",
    "ResponsibleAuthority",
    "StrategicManagementBoard",
    "SubGroup",
)


def changes(cat: Catalog, q: ChangeQuery) -> Json:
    """The changes between ``q.window``'s two dates that ``q``'s filters keep."""
    cache: OrderedDict[ChangeQuery, Json] = cat.__dict__.setdefault(
        "_change_results", OrderedDict()
    )
    if q in cache:
        cache.move_to_end(q)
        return dict(cache[q])
    result = _compute(cat, q)
    cache[q] = result
    if len(cache) > CACHE_SIZE:
        cache.popitem(last=False)
    return dict(result)


def _compute(cat: Catalog, q: ChangeQuery) -> Json:
    keep = selector(cat, q)
    # one area, body or board has few per-area facts: list them; a kind has one per area
    per_area_listed = not q.count_per_area and bool(
        q.area or any(x and not cat.is_a(x, SG + "BodyKind") for x in (q.body, q.board))
    )
    on_provision = provision_test(cat, q.provision) if q.provision else None
    listed: list[Json] = []
    open_: list[Json] = []
    counted: dict[tuple[str, ...], Json] = {}
    for fact in facts(cat):
        if not keep(fact):
            continue
        for change, bound in ((Change.BEGAN, fact.period.start), (Change.ENDED, fact.period.end)):
            occ = occurrence(bound, change, q.window)
            if occ is None:
                continue
            summarise = fact.scope == "per-area" and not per_area_listed
            attr = None
            if on_provision is not None or not summarise:
                attr = _attribution(cat, fact, change, bound)
                if on_provision is not None and not on_provision(fact, attr):
                    continue
            if summarise:
                _count(cat, counted, fact, occ)
            else:
                assert attr is not None
                row = _event(cat, fact, occ, attr)
                (open_ if occ.certainty is Certainty.OPEN else listed).append(row)
    groups = _group(cat, listed)
    summary = [_finish(row) for row in counted.values()]
    summary.sort(key=lambda r: (r["first"] or "", r["what"], r["change"]))
    return {
        "title": "What changed",
        "from": q.window.start.isoformat(),
        "to": q.window.end.isoformat(),
        "from_text": long_date(q.window.start),
        "to_text": long_date(q.window.end),
        "window_text": q.window.describe(),
        "filters": {f: (ref(cat, v) if (v := getattr(q, f)) else None) for f in FIELDS},
        "counts": {
            "listed": len(listed),
            "certain": sum(1 for e in listed if e["certainty"] == "certain"),
            "possibly": sum(1 for e in listed if e["certainty"] == "possibly"),
            "began": sum(1 for e in listed if e["change"] == "began"),
            "ended": sum(1 for e in listed if e["change"] == "ended"),
            "groups": len(groups),
            "open": len(open_),
            "per_area": sum(r["count"] for r in summary),
        },
        "groups": groups,
        "open": sorted(open_, key=_event_key),
        "per_area": {
            "listed": per_area_listed,
            "total": sum(r["count"] for r in summary),
            "summary": summary,
        },
    }


def _attribution(cat: Catalog, fact: Fact, change: Change, bound: Bound) -> Attribution:
    cache: dict[tuple[str, Change], Attribution] = cat.__dict__.setdefault("_change_attr", {})
    key = (fact.iri, change)
    if key not in cache:
        cache[key] = attribute(cat, fact, change, bound)
    return cache[key]


# ------------------------------------------------------------------------ events


def _event(cat: Catalog, fact: Fact, occ: Occurrence, attr: Attribution) -> Json:
    """:func:`event_json`, once per catalog: an occurrence depends only on the fact,
    the change and how sure it is, not on the rest of the window (read-only rows)."""
    cache: dict[tuple[str, Change, Certainty], Json] = cat.__dict__.setdefault("_change_events", {})
    key = (fact.iri, occ.change, occ.certainty)
    if key not in cache:
        cache[key] = event_json(cat, fact, occ, attr)
    return cache[key]


def event_json(cat: Catalog, fact: Fact, occ: Occurrence, attr: Attribution) -> Json:
    """One change, as the page, its JSON twin and ``kg changes`` show it."""
    x = fact.iri
    modality = cat.iri(x, p("modality"))
    return {
        "item": ref(cat, x),
        "what": fact.what,
        "scope": fact.scope,
        "derived": fact.derived,
        "rule": fact.rule,
        "change": occ.change.value,
        "certainty": occ.certainty.value,
        "possibly": occ.certainty is not Certainty.CERTAIN,
        "day_known": occ.day_known,
        "date": iso(occ.bound.exact),
        "when": occ.bound.iso(),
        "when_text": occ.bound.describe(),
        "reason": occ.reason,
        "sentence": sentence(cat, fact, occ, attr),
        "instrument": instrument_json(cat, attr),
        "legal_basis": refs(cat, cat.iris(x, p("legalBasis"))),
        "bearers": refs(cat, cat.iris(x, p("bearer"))),
        "modality": cat.label(modality) if modality else None,
        "areas": refs(cat, fact.areas) if fact.scope != "national" else [],
        "date_note": cat.text(x, p("dateNote")),
        "verification": (
            v.rsplit("#", 1)[-1] if (v := cat.iri(x, p("verificationStatus"))) else None
        ),
    }


def instrument_json(cat: Catalog, a: Attribution) -> Json:
    return {
        "kind": a.kind,
        "kind_label": KINDS[a.kind],
        "instruments": refs(cat, a.instruments, sort=False),
        "provision": ref(cat, a.provision) if a.provision else None,
        "commenced_by": refs(cat, a.commenced_by, sort=False),
        "successor": ref(cat, a.successor) if a.successor else None,
        "candidates": refs(cat, a.candidates, sort=False),
    }


def _event_key(e: Json) -> tuple[str, int, str]:
    w = e["when"]
    return (
        w["earliest"] or w["latest"] or "",
        0 if e["change"] == "ended" else 1,
        e["item"]["label"],
    )


def _group(cat: Catalog, events: list[Json]) -> list[Json]:
    """Events by the instrument that made them, earliest group first."""
    groups: dict[tuple[str, ...], Json] = {}
    for e in sorted(events, key=_event_key):
        instr = e["instrument"]
        names = tuple(i["iri"] for i in instr["instruments"])
        act = None
        if not names and instr["provision"]:
            act = _act_of(cat, instr["provision"]["iri"])
        key = (instr["kind"], *names) if names else (instr["kind"], act or "")
        group = groups.get(key)
        if group is None:
            group = groups[key] = {
                "kind": instr["kind"],
                "kind_label": instr["kind_label"],
                "instruments": instr["instruments"],
                "act": ref(cat, act) if act else None,
                "heading": _heading(cat, instr, act),
                "first": e["when"]["earliest"] or e["when"]["latest"],
                "events": [],
            }
        group["events"].append(e)
    order = list(KINDS)
    out = sorted(groups.values(), key=lambda g: (g["first"] or "", order.index(g["kind"])))
    for g in out:
        g["counts"] = {
            "certain": sum(1 for e in g["events"] if e["certainty"] == "certain"),
            "possibly": sum(1 for e in g["events"] if e["certainty"] != "certain"),
        }
    return out


def _act_of(cat: Catalog, x: str) -> str:
    top = x
    for _ in range(20):
        up = cat.iri(top, p("partOf"))
        if up is None:
            break
        top = up
    return top


def _heading(cat: Catalog, instr: Json, act: str | None) -> str:
    names = [i["label"] for i in instr["instruments"]]
    if names:
        return f"{instr['kind_label']}: " + "; ".join(names)
    if act:
        return f"{instr['kind_label']}: {cat.label(act)} (the instrument is not recorded)"
    return instr["kind_label"]


# ----------------------------------------------------------- per-area summaries


def _count(cat: Catalog, counted: dict[tuple[str, ...], Json], fact: Fact,
           occ: Occurrence) -> None:  # fmt: skip
    what = _summary_what(cat, fact)
    origin = "derived per area" if fact.derived else "in the geography"
    b = occ.bound
    side = "both" if b.earliest and b.latest else ("latest" if b.latest else "earliest")
    key = (what, occ.change.value, occ.certainty.value, origin, side)
    row = counted.get(key)
    if row is None:
        row = counted[key] = {
            "what": what,
            "item_type": fact.what,
            "origin": origin,
            "rules": [],
            "change": occ.change.value,
            "certainty": occ.certainty.value,
            "known_side": side,
            "count": 0,
            "first": None,  # dates while counting, ISO in the answer (_finish)
            "last": None,
            "examples": [],
        }
    row["count"] += 1
    if fact.rule and fact.rule not in row["rules"]:
        row["rules"].append(fact.rule)
    first = b.earliest or b.latest
    last = b.latest or b.earliest
    if first and (row["first"] is None or first < row["first"]):
        row["first"] = first
    if last and (row["last"] is None or last > row["last"]):
        row["last"] = last
    if len(row["examples"]) < 3:
        row["examples"].append(ref(cat, fact.iri))


def _finish(row: Json) -> Json:
    row["first"] = iso(row["first"])
    row["last"] = iso(row["last"])
    row["sentence"] = _count_sentence(row)
    return row


def _summary_what(cat: Catalog, fact: Fact) -> str:
    cache: dict[str, str] = cat.__dict__.setdefault("_change_what", {})
    if fact.iri not in cache:
        cache[fact.iri] = _name_what(cat, fact)
    return cache[fact.iri]


def _name_what(cat: Catalog, fact: Fact) -> str:
    if fact.what == "role":
        role = cat.iri(fact.iri, p("role"))
        return f"role assignment “{cat.label(role)}”" if role else "role assignment"
    types = cat.types(fact.iri)
    for name in _NAMED_CLASSES:
        if SG + name in types:
            return cat.label(SG + name)
    kinds = cat.iris(fact.iri, p("ofKind"))
    asserted = [k for k in kinds if cat.is_asserted(fact.iri, p("ofKind"), k)]
    if asserted or kinds:
        return cat.label((asserted or kinds)[0])
    return fact.what


def _count_sentence(row: Json) -> str:
    n = row["count"]
    head, quote, rest = row["what"].partition(" “")
    what = row["what"] if n == 1 else plural(head) + quote + rest
    verb = "began" if row["change"] == "began" else "ended"
    first = date.fromisoformat(row["first"]) if row["first"] else None
    last = date.fromisoformat(row["last"]) if row["last"] else None
    span = Bound(first, last).describe() if first and last else ""
    who = f"{n} {what} ({row['origin']})"
    if row["certainty"] == "certain":
        return f"{who} {verb}, {span}."
    # one of them is "it", with "its" date
    they, them, dated = (
        ("they", "them", "their dates are") if n != 1 else ("it", "it", "its date is")
    )
    if row["certainty"] == "possibly" and row["known_side"] == "both":
        return f"{who} possibly {verb} in this period: {dated} known only {span}."
    day = span.removeprefix("on ").replace("between", "a day between", 1)
    if row["known_side"] == "latest":
        known = f"{they} {verb} by {day}"
    elif verb == "ended":
        known = f"the sources confirm {them} only until {day}"
    else:
        known = f"{they} began on or after {day}"
    if row["certainty"] == "possibly":
        return f"{who} possibly {verb} in this period: {known}."
    done = "begun" if verb == "began" else "ended"
    return f"{who} may have {done} in this period, or outside it: {known}."
