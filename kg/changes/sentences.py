"""Each change in a plain-English sentence, dates written as people write them.

"On 29 September 2019 the last Local Safeguarding Children Boards ceased, with the
repeal of Children Act 2004 s.13 by ...; they were succeeded by local safeguarding
partnerships ... under Children Act 2004 s.16E, in force from 29 June 2018."

A change known to fall in the window but not to the day says so ("In August
2017 ..."); one that only possibly falls in it says "possibly" and why.
"""

from __future__ import annotations

import re

from kg.browse.catalog import Catalog
from kg.browse.pages import duty_kind, p, period
from kg.changes.facts import Fact
from kg.changes.instruments import Attribution
from kg.changes.window import Certainty, Change, Occurrence
from kg.config import SG
from kg.dates import long_date

_CUT = re.compile(r" \(| of | for | under | providing | exercising | in relation to ")
#: Kinds that are one national body, not one per area: "the UK Border Agency".
_SINGLE = re.compile(
    r"^(National |UK |NHS Commissioning|HM |Welsh |Secretary of State|Ministry |British "
    r"|Learning and Skills|Children and Family Court|Jobcentre|Probation Service)"
)


def sentence(cat: Catalog, fact: Fact, occ: Occurrence, attr: Attribution) -> str:
    """One change, in a sentence ending with a full stop."""
    subject = _subject(cat, fact, occ.change)
    verb = _verb(fact, occ.change)
    how = _instrument(cat, fact, attr)
    after = _successor(cat, fact, occ.change)
    if occ.certainty is Certainty.CERTAIN:
        when = occ.bound.describe()
        text = f"{when} {subject} {verb}{how}{after}"
    elif occ.certainty is Certainty.POSSIBLY:
        possibly = f"was possibly {verb[4:]}" if verb.startswith("was ") else f"possibly {verb}"
        text = f"{subject} {possibly} in this period: {occ.reason}{how}{after}"
    else:
        text = (
            f"{subject} may have {_perfect(verb)} in this period, or outside it: {occ.reason}{how}"
        )
    return _capital(text) + "."


# ---------------------------------------------------------------------- subjects


def _subject(cat: Catalog, fact: Fact, change: Change) -> str:
    label = cat.label(fact.iri)
    if fact.what in ("kind of body", "kind of board"):
        if is_single(label):
            return f"the {label}"
        return ("the last " if change is Change.ENDED else "") + plural(label)
    if fact.what == "role":
        return f"the role “{label}”"
    if fact.what in ("body", "board"):
        return label
    if fact.what == "document":
        return f"the {_document_kind(cat, fact.iri)} “{label}”"
    bearers = [cat.label(b) for b in cat.iris(fact.iri, p("bearer"))]
    of = f" of {_and(sorted(bearers, key=str.lower))}" if bearers else ""
    return f"the {fact.what} “{label}”{of}"


def _verb(fact: Fact, change: Change) -> str:
    if fact.what == "document":
        return "was issued" if change is Change.BEGAN else "ceased to apply"
    if fact.what in ("body", "board"):
        return "was established" if change is Change.BEGAN else "ceased"
    if fact.what in ("kind of body", "kind of board"):
        return "began" if change is Change.BEGAN else "ceased"
    return "began" if change is Change.BEGAN else "ended"


def _perfect(verb: str) -> str:
    return {
        "began": "begun",
        "was issued": "been issued",
        "was established": "been established",
    }.get(verb, verb)


def _document_kind(cat: Catalog, x: str) -> str:
    if cat.is_a(x, SG + "LocalProtocol"):
        return "local protocol"
    if cat.is_a(x, SG + "Report"):
        return "report"
    return "guidance"


# ------------------------------------------------------------------- instruments


def _instrument(cat: Catalog, fact: Fact, a: Attribution) -> str:
    instr = _and([cat.label(i) for i in a.instruments])
    prov = cat.label(a.provision) if a.provision else None
    if a.kind == "local document":
        return "" if a.provision == fact.iri else f", as {instr} records"
    if a.kind == "guidance":
        return "" if fact.iri in a.instruments else f", under {instr}"
    if a.kind == "order":
        return f", by {instr}"
    if a.kind == "insertion":
        commenced = _and([cat.label(i) for i in a.commenced_by])
        return f", under {prov}, inserted by {instr}" + (
            f" and brought into force by {commenced}" if commenced else ""
        )
    if a.kind == "amendment":
        return f", when {prov} was amended by {instr}"
    if a.kind == "commencement":
        if instr and prov:
            return f", when {prov} was brought into force by {instr}"
        if instr:
            return f", when {instr} came into force"
        return f", when {prov} came into force (the commencing instrument is not recorded)"
    if a.kind == "repeal":
        if instr:
            return f", with the repeal of {prov} by {instr}"
        return f", when {prov} ceased to have effect (the repealing instrument is not recorded)"
    if a.kind == "derived":
        return (
            " (derived for the area: its dates are the overlap of the dates of what it was"
            " derived from)"
        )
    # not recorded
    if prov is None:
        return " (the instrument that made this change is not recorded)"
    maybe = ""
    if a.candidates:
        names = _and([cat.label(c) for c in a.candidates])
        maybe = f"; {prov} was amended by {names}, on days the data does not record"
    return f", under {prov} (the instrument that made this change is not recorded{maybe})"


def _successor(cat: Catalog, fact: Fact, change: Change) -> str:
    if change is not Change.ENDED:
        return ""
    successors = cat.iris(fact.iri, p("replacedBy"))
    if not successors:
        return ""
    parts = []
    for s in successors:
        label = cat.label(s)
        if cat.is_a(s, SG + "BodyKind"):
            name = f"the {label}" if is_single(label) else plural(label)
        elif cat.is_a(s, SG + "RoleAssignment"):
            name = f"the role “{label}”"
        elif cat.is_a(s, SG + "DutyOrPower"):
            name = f"the {duty_kind(cat, s)} “{label}”"
        else:
            name = label
        sources = [
            cat.label(x)
            for x in cat.iris(s, p("source")) + cat.iris(s, p("legalBasis"))
            if cat.is_a(x, SG + "Provision")
        ]
        under = f" under {sources[0]}" if sources else ""
        start = period(cat, s).start
        since = ""
        if start.exact:
            since = f", in force from {long_date(start.exact)}"
        elif start.known:
            since = f", in force from a day {start.describe()}"
        parts.append(f"{name}{under}{since}")
    who = "they were" if fact.what in ("kind of body", "kind of board") else "it was"
    return f"; {who} succeeded by {_and(parts)}"


# ------------------------------------------------------------------------ words


def is_single(label: str) -> bool:
    """A kind that is one national body ("National Probation Service")."""
    head = _CUT.split(label, maxsplit=1)[0]
    return bool(_SINGLE.match(label)) or head.endswith(("s", "Service", "Agency"))


def plural(label: str) -> str:
    """``youth offending team`` -> ``youth offending teams``; the noun before any
    qualifier is made plural (``governors or directors of a prison``)."""
    if label.startswith("any "):
        return label
    m = _CUT.search(label)
    head, rest = (label[: m.start()], label[m.start() :]) if m else (label, "")
    words = [_plural_word(w) for w in head.split(" or ")]
    return " or ".join(words) + rest


def _plural_word(phrase: str) -> str:
    if phrase.endswith("s"):
        return phrase
    if phrase.endswith("y") and not phrase.endswith(("ay", "ey", "oy", "uy")):
        return phrase[:-1] + "ies"
    if phrase.endswith(("ch", "sh", "x")):
        return phrase + "es"
    return phrase + "s"


def _and(items: list[str]) -> str:
    if len(items) > 4:
        items = [*items[:3], f"{len(items) - 3} others"]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
