"""The statutory frame of a MAPPA area, read from the built store.

The build derives, per MAPPA area and per local authority area, what the statute
expects there (``queries/rules/derive-*.rq``, graph ``inferred``). This module reads
it back with ``queries/validation/frame.rq`` and ``frame-bodies.rq``: nothing about
the statute is decided here, only read. The store is opened read-only, once per
published version, and each area's frame is kept (a build publishes a new version
and the next validation reads it).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from kg.dates import Bound, Period

SGD = "https://w3id.org/safeguarding-kg/id/"
QUERIES = Path(__file__).resolve().parents[3] / "queries" / "validation"

#: The three parts of the frame (the ``?part`` of frame.rq).
MAPPA, BOARD, PARTNERSHIP = "mappa", "board", "partnership"


def bind(text: str, name: str, value: ox.NamedNode) -> str:
    """The query ``text`` with ``?name`` bound to ``value`` by a ``VALUES`` clause at the
    start of its WHERE group, where Oxigraph plans from it (pyoxigraph's
    ``substitutions`` join it in at the end: three times slower here). kg.query's
    binder does the same but costs 80 ms to import, a fifth of a validation."""
    head, sep, rest = text.partition("WHERE {")
    if not sep:
        raise ValueError("the query has no WHERE group")
    return f"{head}{sep}\n  VALUES ?{name} {{ {value} }}{rest}"


def _day(term: object) -> date | None:
    if isinstance(term, ox.Literal):
        try:
            return date.fromisoformat(term.value)
        except ValueError:
            return None
    return None


def _text(term: object) -> str | None:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else None


@dataclass(frozen=True)
class Expectation:
    """One thing the statute expects in the area, as the build derived it.

    ``part`` says what: a role in the responsible authority (``mappa``), a board of a
    local authority area (``board``), or a safeguarding partner of one (``partnership``).
    ``holder`` is the body expected (or, ``by_kind``, the kind standing for bodies the
    geography does not name); ``function`` the kind of body the statute names (the
    holder of the statutory assignment; for a board, its class).
    """

    part: str
    item: str
    role: str
    holder: str
    function: str
    by_kind: bool
    period: Period
    basis: str
    basis_label: str
    holder_label: str
    function_label: str
    context: str | None = None
    la: str | None = None
    la_label: str | None = None
    established_by_label: str | None = None
    rule: str = ""


@dataclass(frozen=True)
class FrameBody:
    """A concrete body (or board) of the frame, and what identifies it."""

    iri: str
    kinds: frozenset[str]
    area: str | None
    area_label: str | None
    within: frozenset[str]
    #: an LSCB or partnership (its ``kinds`` are then its classes)
    board: bool = False


@dataclass
class Frame:
    """The statutory frame of one MAPPA area."""

    area: str
    expectations: list[Expectation] = field(default_factory=list)
    bodies: dict[str, FrameBody] = field(default_factory=dict)


class FrameUnavailableError(Exception):
    """The frame cannot be read (no built store, or it cannot be opened)."""


class FrameSource:
    """Where the validator gets the frame of an area from."""

    def frame(self, area: str) -> Frame:
        """The frame of the MAPPA area ``area`` (an IRI).

        Raises:
            FrameUnavailableError: with a sentence saying why, for the report.
        """
        raise NotImplementedError


class StoreFrame(FrameSource):
    """The frame as a built store holds it (``kg build``)."""

    def __init__(self, store_dir: str | Path) -> None:
        self.store_dir = Path(store_dir)
        self._lock = threading.Lock()
        self._version: str | None = None
        self._store: ox.Store | None = None
        self._frames: dict[str, Frame] = {}
        self._queries = {
            name: (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
            for name in ("frame", "frame-bodies")
        }

    def _open(self) -> ox.Store:
        db = self.store_dir / "db"
        if not db.is_dir():
            raise FrameUnavailableError(f"there is no built store at {self.store_dir}")
        version = os.path.realpath(self.store_dir)
        if self._store is None or version != self._version:
            try:
                self._store = ox.Store.read_only(str(db))
            except (OSError, RuntimeError) as e:
                raise FrameUnavailableError(
                    f"the built store at {self.store_dir} cannot be opened ({e})"
                ) from None
            self._version = version
            self._frames = {}
        return self._store

    def frame(self, area: str) -> Frame:
        with self._lock:
            store = self._open()
            cached = self._frames.get(area)
            if cached is None:
                try:
                    cached = self._read(store, area)
                except (OSError, RuntimeError, ValueError) as e:  # a damaged store
                    raise FrameUnavailableError(
                        f"the built store at {self.store_dir} cannot be read ({e})"
                    ) from None
                self._frames[area] = cached
            return cached

    def _query(self, store: ox.Store, name: str, area: str) -> list[ox.QuerySolution]:
        text = bind(self._queries[name], "area", ox.NamedNode(area))
        # the built store's default graph: each distinct triple once (kg.dataset)
        return list(store.query(text))  # type: ignore[arg-type]

    def _read(self, store: ox.Store, area: str) -> Frame:
        frame = Frame(area=area)
        for row in self._query(store, "frame", area):
            holder = _text(row["holder"]) or ""
            function = _text(row["function"]) or ""
            frame.expectations.append(
                Expectation(
                    part=_text(row["part"]) or "",
                    item=_text(row["item"]) or "",
                    role=_text(row["role"]) or "",
                    holder=holder,
                    function=function,
                    by_kind=holder == function,
                    period=Period(
                        Bound(_day(row["es"]), _day(row["ls"])),
                        Bound(_day(row["ee"]), _day(row["le"])),
                    ),
                    basis=_text(row["basis"]) or "",
                    basis_label=_text(row["basisLabel"]) or _text(row["basis"]) or "",
                    holder_label=_text(row["holderLabel"]) or holder,
                    function_label=_text(row["functionLabel"]) or function,
                    context=_text(row["context"]),
                    la=_text(row["la"]),
                    la_label=_text(row["laLabel"]),
                    established_by_label=_text(row["byWhomLabel"]),
                    rule=_text(row["rule"]) or "",
                )
            )
        kinds: dict[str, set[str]] = {}
        areas: dict[str, tuple[str | None, str | None]] = {}
        within: dict[str, set[str]] = {}
        for row in self._query(store, "frame-bodies", area):
            body = _text(row["body"]) or ""
            kinds.setdefault(body, set()).add(_text(row["kind"]) or "")
            areas.setdefault(body, (_text(row["bodyArea"]), _text(row["bodyAreaLabel"])))
            wider = _text(row["wider"])
            within.setdefault(body, set()).update([wider] if wider else [])
        for body, its_kinds in kinds.items():
            frame.bodies[body] = FrameBody(
                iri=body,
                kinds=frozenset(its_kinds),
                area=areas[body][0],
                area_label=areas[body][1],
                within=frozenset(within.get(body, ())),
                board=any(not k.startswith(SGD) for k in its_kinds),
            )
        return frame
