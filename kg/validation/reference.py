"""The reference data a configuration is judged against.

The ontology (every ``ontology/*.ttl``, for the class hierarchy) and the statute
graphs: the kinds of body and their dates (``vocabulary.ttl``), the areas, and the
statutory role assignments (``cjcsa-2000``, ``cja-2003``, ``ca-2004``,
``lscb-regs-2006``, ``cswa-2017``). The seed documents (the Merseyside protocol, the
London report, the discrepancies) are *not* reference data: they are examples of
local arrangements, shipped as configurations in ``examples/``.

A statute file that does not exist yet is recorded in :attr:`Reference.missing`
and reported with every validation, since the checks that need it cannot find
anything wrong without it.
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError
from kg.validation.closure import Tables
from kg.validation.namespaces import (
    OWL_IMPORTS,
    RDF_TYPE,
    RDFS_LABEL,
    SG,
    SGD,
    SKOS,
)

#: Data files (``data/<stem>.ttl``) that hold statute facts, in load order.
REFERENCE_DATA_STEMS = (
    "vocabulary",
    "areas",
    "cjcsa-2000",
    "cja-2003",
    "ca-2004",
    "lscb-regs-2006",
    "cswa-2017",
    "ca-2004-wales",
    "sswa-2014",
)
GRAPH_BASE = "https://w3id.org/safeguarding-kg/graph/"


@dataclass
class Reference:
    """Parsed reference quads plus the look-up tables the YAML reader needs."""

    quads: list[ox.Quad]
    files: list[str]
    missing: list[str] = field(default_factory=list)
    #: every subject the reference data describes (a configuration may not redefine them)
    subjects: set[ox.NamedNode | ox.BlankNode] = field(default_factory=set)
    kinds: dict[str, str] = field(default_factory=dict)  # IRI -> label
    kind_names: dict[str, str] = field(default_factory=dict)  # lower-case label/altLabel -> IRI
    areas: dict[str, str] = field(default_factory=dict)  # IRI -> label
    mappa_areas: set[str] = field(default_factory=set)
    schemes: dict[str, str] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    tables: Tables | None = None

    @classmethod
    def from_files(
        cls, ontology_files: Iterable[Path], data_files: Iterable[Path], missing: Iterable[str] = ()
    ) -> Reference:
        quads: list[ox.Quad] = []
        names: list[str] = []
        for path, graph in [(p, GRAPH_BASE + "ontology") for p in ontology_files] + [
            (p, GRAPH_BASE + p.stem) for p in data_files
        ]:
            try:
                data = path.read_bytes()
                parsed = ox.parse(data, format=ox.RdfFormat.TURTLE, rename_blank_nodes=True)
                g = ox.NamedNode(graph)
                quads.extend(
                    ox.Quad(q.subject, q.predicate, q.object, g)
                    for q in parsed
                    if q.predicate != OWL_IMPORTS
                )
            except OSError as e:
                raise InputError(
                    f"cannot read reference data: {e.strerror or e}", file=str(path)
                ) from None
            except SyntaxError as e:
                raise InputError(
                    f"reference data is not valid Turtle: {e.msg}",
                    file=str(path),
                    line=e.lineno,
                    column=e.offset,
                ) from None
            names.append(str(path))
        ref = cls(quads=quads, files=names, missing=list(missing))
        triples = [q.triple for q in quads]
        ref.tables = Tables.from_triples(triples)
        inferred = ox.NamedNode(GRAPH_BASE + "validation-inferred-reference")
        existing = set(triples)
        ref.quads.extend(
            ox.Quad(t.subject, t.predicate, t.object, inferred)
            for t in ref.tables.infer(triples)
            if t not in existing
        )
        ref._index()
        return ref

    def _index(self) -> None:
        store = ox.Store()
        store.extend(self.quads)
        self.subjects = {q.subject for q in self.quads if not isinstance(q.subject, ox.Triple)}

        def of_type(cls_iri: str) -> dict[str, str]:
            out: dict[str, str] = {}
            for q in store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(cls_iri)):
                if isinstance(q.subject, ox.NamedNode):
                    labels = [
                        x.object.value for x in store.quads_for_pattern(q.subject, RDFS_LABEL, None)
                    ]
                    out[q.subject.value] = labels[0] if labels else q.subject.value
            return out

        self.kinds = of_type(SG + "BodyKind")
        self.schemes = of_type(SG + "SecurityMarkingScheme")
        self.roles = of_type(SG + "Role")
        self.areas = {}
        for cls_iri in (SG + "Area", SG + "MappaArea", SG + "LocalAuthorityArea"):
            self.areas.update(of_type(cls_iri))
        self.mappa_areas = set(of_type(SG + "MappaArea"))
        alt = ox.NamedNode(SKOS + "altLabel")
        for iri, label in self.kinds.items():
            self.kind_names[label.lower()] = iri
            for q in store.quads_for_pattern(ox.NamedNode(iri), alt, None):
                self.kind_names.setdefault(q.object.value.lower(), iri)

    def kind_slugs(self) -> list[str]:
        return sorted(
            i[len(SGD) + len("kind-") :] for i in self.kinds if i.startswith(SGD + "kind-")
        )

    def suggest_kinds(self, text: str, limit: int = 4) -> list[str]:
        """Close matches for an unknown kind: by slug, then by label or alternative label."""
        slugs = self.kind_slugs()
        needle = text.lower().removeprefix("kind-")
        found = difflib.get_close_matches(needle, slugs, n=limit, cutoff=0.6)
        by_name = difflib.get_close_matches(
            needle.replace("-", " "), list(self.kind_names), n=limit, cutoff=0.6
        )
        for name in by_name:
            slug = self.kind_names[name][len(SGD) + len("kind-") :]
            if slug not in found:
                found.append(slug)
        for slug in slugs:
            if len(found) >= limit:
                break
            if needle and needle in slug and slug not in found:
                found.append(slug)
        return found[:limit]


_CACHE: dict[tuple[object, ...], Reference] = {}
_LOCK = threading.Lock()


def reference_files(home: Path) -> tuple[list[Path], list[Path], list[str]]:
    ontology = sorted((home / "ontology").glob("*.ttl"))
    data: list[Path] = []
    missing: list[str] = []
    for stem in REFERENCE_DATA_STEMS:
        path = home / "data" / f"{stem}.ttl"
        if path.is_file():
            data.append(path)
        else:
            missing.append(f"data/{stem}.ttl")
    return ontology, data, missing


def default_reference(home: Path | None = None) -> Reference:
    """The reference data of the repository (cached; re-read when a file changes)."""
    if home is None:
        from kg.config import find_home

        home = find_home()
    ontology, data, missing = reference_files(home)
    key: tuple[object, ...] = tuple(
        (str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in ontology + data
    ) + tuple(missing)
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is None:
            if not ontology:
                raise InputError("no ontology files found", file=str(home / "ontology"))
            cached = Reference.from_files(ontology, data, missing)
            _CACHE.clear()
            _CACHE[key] = cached
    return cached
