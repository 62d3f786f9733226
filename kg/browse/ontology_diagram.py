"""A diagram of the ontology's core: what a duty and a role assignment relate to.

Drawn from the ontology itself: the classes are the domains of the relations whose domain
is sg:DutyOrPower or sg:RoleAssignment, and those relations' named ranges; each box lists
the class's direct subclasses; each arrow carries the labels of the relations it stands
for. Laid out in two columns (the statements on the left, what they point to on the
right), as SVG coordinates for the template.
"""

from __future__ import annotations

from typing import Any

from kg.browse.catalog import RDF_TYPE, RDFS, Catalog
from kg.config import SG

Json = dict[str, Any]

OWL = "http://www.w3.org/2002/07/owl#"
CORE = (SG + "DutyOrPower", SG + "RoleAssignment")
BOX_WIDTH = 250
LINE = 18
GAP = 26
LEFT_X = 10
RIGHT_X = 520
WIDTH = RIGHT_X + BOX_WIDTH + 10


def _subclasses(cat: Catalog, cls: str) -> list[str]:
    return sorted(
        (s for s in cat.vocab if s.startswith(SG) and cls in cat.iris(s, RDFS + "subClassOf")),
        key=lambda s: cat.label(s).lower(),
    )


def _box(cat: Catalog, cls: str, x: int, y: int) -> Json:
    subs = [cat.label(s) for s in _subclasses(cat, cls)]
    height = LINE * (2 + len(subs)) + 6
    return {
        "iri": cls,
        "anchor": cls[len(SG) :],
        "label": cat.label(cls),
        "subclasses": subs,
        "x": x,
        "y": y,
        "width": BOX_WIDTH,
        "height": height,
    }


def core_diagram(cat: Catalog) -> Json:
    """Boxes and labelled arrows for the core classes, with the SVG's size."""
    relations: dict[tuple[str, str], list[str]] = {}
    for p in sorted(cat.vocab):
        if not p.startswith(SG) or OWL + "ObjectProperty" not in cat.iris(p, RDF_TYPE):
            continue
        ranges = [r for r in cat.iris(p, RDFS + "range") if r.startswith(SG)]
        for domain in cat.iris(p, RDFS + "domain"):
            if domain in CORE:
                for r in ranges:
                    relations.setdefault((domain, r), []).append(cat.label(p))
    targets = sorted({r for _, r in relations} - set(CORE), key=lambda c: cat.label(c).lower())
    boxes: dict[str, Json] = {}
    y = 10
    for cls in CORE:
        boxes[cls] = _box(cat, cls, LEFT_X, y)
        y += boxes[cls]["height"] + GAP * 3
    left_height = y
    y = 10
    for cls in targets:
        boxes[cls] = _box(cat, cls, RIGHT_X, y)
        y += boxes[cls]["height"] + GAP
    arrows = []
    for (domain, target), labels in sorted(relations.items()):
        a, b = boxes[domain], boxes[target]
        same = domain == target or target in CORE
        x1 = a["x"] + a["width"]
        y1 = a["y"] + a["height"] // 2
        x2 = b["x"] if not same else b["x"] + b["width"]
        # arrows from the two statements enter a box apart, each label on its own side
        first = CORE.index(domain) == 0
        y2 = b["y"] + b["height"] // 2 + (-8 if first else 8)
        arrows.append(
            {
                "from": a["label"],
                "from_anchor": a["anchor"],
                "to": b["label"],
                "to_anchor": b["anchor"],
                "labels": sorted(set(labels)),
                "x1": x1,
                "y1": y1,
                "x2": x2,
                "y2": y2,
                "label_y": y2 - 5 if first else y2 + 14,
            }
        )
    return {
        "boxes": list(boxes.values()),
        "arrows": arrows,
        "width": WIDTH,
        "height": max(left_height, y) + 10,
    }
