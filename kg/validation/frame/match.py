"""Which of a configuration's bodies is which body of the statutory frame.

A configuration names its bodies in its own words and, usually, with its own IRIs;
the frame names the councils and police forces of the geography
(``sgd:council-carlisle``, "Carlisle council"). A configuration's body C *is* a
frame body B when

1. C's IRI, or one it is ``owl:sameAs``, is B's (YAML: the body's ``same_as``, or a
   ``base`` that makes its id B's IRI); or
2. C *designates* B and is of a kind B is (after ``skos:broader`` and succession):
   C designates B when both have the same area (a local authority or police area;
   in a MAPPA area, only a body of B's kind, since the MAPPA area is where a
   configuration puts the bodies that serve all of it), or when every word of the
   name of B's area is in C's name ("Carlisle City Council" designates the council
   of Carlisle; "City of London Police" the force of the City of London police area,
   "London, City of"), unless those words are all in the name of an area C gives that
   contains B's ("Dyfed-Powys councils", area dyfed-powys, names its own area, not
   Powys).

A configuration's body C *stands for* every frame body of a kind K within its area
when it is of kind K, its area contains theirs, and it is no single frame body: not
by IRI, not by name, and not by having the very area of a council or police force
(a body with the area of Cumbria county is taken to be the county's, so to stand for
the six Cumbrian district councils a body gives the MAPPA area, ``area: cumbria``).
"Local education authorities of the London boroughs" (area: london) stands for the
33 councils as education authorities, but "Metropolitan Police Service" (area:
london) is the Metropolitan Police's force, and does not stand for the City of
London's. A body that designates B but is not of any of B's kinds is a *near miss*:
the finding names it and says which kind it lacks.

Where the frame expects a kind (no concrete body known), any body of that kind
satisfies it. Only the words of names are compared: case, punctuation and the
words "the", "of" and "and" are ignored, "&" is "and", "saint" and "st." are "st".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from kg.validation.frame.entries import Party
from kg.validation.frame.source import Frame, FrameBody

_IGNORED_WORDS = frozenset({"the", "of", "and"})
_WORD_RE = re.compile(r"[a-z0-9]+")


@functools.lru_cache(maxsize=4096)
def words(name: str) -> frozenset[str]:
    """The words of a name, as compared: lower case, no punctuation or filler."""
    text = name.lower().replace("&", " and ")
    out = set()
    for word in _WORD_RE.findall(text):
        if word == "saint":
            word = "st"
        if word not in _IGNORED_WORDS:
            out.add(word)
    return frozenset(out)


@dataclass
class Matcher:
    """Identity between a configuration's parties and the frame's bodies."""

    frame: Frame
    mappa_area: str
    area_label: Callable[[str], str]
    #: the frame bodies expected on the date (a body that is not cannot be the one meant)
    expected: frozenset[str] = frozenset()
    _single: dict[str, bool] = field(default_factory=dict)

    def designates(self, party: Party, body: FrameBody) -> bool:
        """Does the party's area or name point at this frame body?"""
        if body.area and body.area in party.areas:
            if body.area != self.mappa_area:
                return True
            # a body for the whole MAPPA area: the one body of its kind there
            return bool(party.kinds & body.kinds)
        if not body.area_label:
            return False
        wanted = words(body.area_label)
        if not wanted or not wanted <= words(party.label):
            return False
        # the words name the party's own, wider area ("Cumbria councils", area: cumbria)
        return not any(
            a in body.within and wanted <= words(self.area_label(a)) for a in party.areas
        )

    def is_body(self, party: Party, body: FrameBody) -> bool:
        """Is the party this frame body (same IRI, or designates it and shares a kind)?"""
        if body.iri in party.names:
            return True
        return self.designates(party, body) and bool(party.kinds & body.kinds)

    def single(self, party: Party) -> bool:
        """Is the party one body of the frame (by IRI, by name, or by its very area)?"""
        if party.iri not in self._single:
            self._single[party.iri] = self._is_single(party)
        return self._single[party.iri]

    def _is_single(self, party: Party) -> bool:
        for body in self.frame.bodies.values():
            if body.board or body.iri not in self.expected:
                continue
            if body.iri in party.names:
                return True
            if body.area and body.area in party.areas and self.designates(party, body):
                return True
            if self.is_body(party, body):
                return True
        return False

    def stands_for(self, party: Party, body: FrameBody, function: str) -> bool:
        """Does the party stand for every body of kind ``function`` in its wider area?"""
        if function not in party.kinds or not (party.areas & body.within):
            return False
        return not self.single(party)

    def satisfies(self, party: Party, body: FrameBody, function: str) -> bool:
        """Does the party fill the frame's expectation of ``body`` as ``function``?"""
        return self.is_body(party, body) or self.stands_for(party, body, function)

    def near_miss(self, party: Party, body: FrameBody) -> bool:
        return not self.is_body(party, body) and self.designates(party, body)
