"""Generate national-scale synthetic data for benchmarks and the performance test.

The repository's graph describes the statutes, the real geography of England and
Wales (the 42 MAPPA areas, their police areas and forces, their local authority areas
and councils; ``data/areas.ttl``, ``data/geography-bodies.ttl``), what the build
derives for every area (responsible authorities, LSCBs, safeguarding partnerships),
and one area's own arrangements (Merseyside: its boards, members, protocol,
discrepancies) and one report (London). A national deployment has every area's own
arrangements, in several revisions. This generator builds that shape from the real
graph:

* everything real stays as it is: the ontology, the vocabulary, the legislation (one
  national copy; ``--copy-statutes`` copies it per area as well, as a stress test),
  the geography and its bodies, the evidence, and the build's inferred graph;
* the local graphs (the protocol, its discrepancies, the report) are the template of
  an area's own arrangements. Copy ``k`` is given to the real MAPPA area ``k`` (in
  turn, so that every area gets one revision before any gets two), and follows that
  area's real geography: the template's MAPPA area becomes the area, its local
  authority areas become the area's children's services authorities (those in
  existence on 1 August 2017, a different window of them in each revision), their
  councils the councils of those areas, its police force the area's force: real IRIs
  and labels, never copies of them. What the template describes itself (boards,
  members, posts, people, role assignments, the protocol's clauses, commitments and
  rules, the discrepancies, the report's recommendations) is generated on top: new
  IRIs (``sgd:cumbria-smb-b3`` for the Merseyside SMB in copy 3, given to Cumbria)
  and labels naming the area and its authorities, with the suffix ``[b<k>]``.
  National bodies the template names (the National Probation Service, HM Prison
  Service) stay one body;
* the build's inferred triples about the template's resources are copied too, so the
  rules' results stay consistent (the rules themselves are not run again).

The shipped queries keep their default parameters (which name the original
resources), so they answer the same as on the real graph but have to search a
larger graph, as a national deployment would; the area pages of the generated data
show each area's real authorities with generated boards and protocols on top.

Usage::

    python bench/generate.py --triples 1000000 --out build/bench/1m
    KG_STORE_DIR=build/bench/1m/store kg serve

The output is a store in the layout ``kg build`` publishes (``store`` -> a version
folder with ``db/`` and ``manifest.json``), bulk-loaded. The real graph alone has
about 96,000 quads, so ``--triples 100000`` adds about two areas' arrangements and
``--triples 1000000`` about five revisions for every area.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pyoxigraph as ox

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from kg.config import GRAPH_BASE, INFERRED_GRAPH, ONTOLOGY_GRAPH, SG, SGD, Settings  # noqa: E402
from kg.dataset import named_quads  # noqa: E402
from kg.memory_dump import DUMP_NAME, MANIFEST_KEY, write_dump  # noqa: E402
from kg.store import MANIFEST_FORMAT, db_checksums, write_db  # noqa: E402

#: Graphs that are national: never copied (the geography is followed, not copied).
SHARED_GRAPHS = {
    ONTOLOGY_GRAPH,
    GRAPH_BASE + "vocabulary",
    GRAPH_BASE + "areas",
    GRAPH_BASE + "geography-bodies",
    GRAPH_BASE + "evidence",
}
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABELS = {
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://purl.org/dc/terms/title",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel",
}
LEGISLATION = "https://www.legislation.gov.uk/"
#: The day the template's arrangements describe (the Merseyside protocol, August 2017):
#: copies name the local authorities in existence then.
TEMPLATE_DAY = date(2017, 8, 1)

# The bench's own reading of the geography (see docs/modelling.md, "Geography").
_PREFIXES = f"PREFIX sg: <{SG}>\nPREFIX sgd: <{SGD}>\n"
_Q_AREAS = _PREFIXES + "SELECT DISTINCT ?area WHERE { ?area a sg:MappaArea } ORDER BY ?area"
_Q_LAS = (
    _PREFIXES
    + """SELECT DISTINCT ?la ?area ?children ?from ?to WHERE {
  ?la a sg:LocalAuthorityArea ; sg:within ?area .
  ?area a sg:MappaArea .
  OPTIONAL { ?la sg:authorityType/sg:childrensServicesAuthority ?children }
  OPTIONAL { ?la sg:validFrom|sg:earliestStart ?from }
  OPTIONAL { ?la sg:validTo|sg:latestEnd ?to }
}"""
)
_Q_POLICE = (
    _PREFIXES
    + """SELECT DISTINCT ?area ?force WHERE {
  ?force sg:ofKind sgd:kind-chief-officer-of-police ; sg:area ?where .
  { ?area sg:policeArea ?where } UNION { ?where a sg:MappaArea BIND(?where AS ?area) }
} ORDER BY ?area ?force"""
)
_Q_COUNCILS = (
    _PREFIXES
    + """SELECT DISTINCT ?la ?council WHERE {
  ?la a sg:LocalAuthorityArea ; sg:authorityType/sg:councilKind ?kind .
  ?council sg:area ?la ; sg:ofKind ?kind .
} ORDER BY ?la ?council"""
)
_Q_POLICE_AREAS = (
    _PREFIXES + "SELECT DISTINCT ?area ?pa WHERE { ?area sg:policeArea ?pa } ORDER BY ?area ?pa"
)


def _value(term: object) -> str | None:
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else None


def _day(term: object) -> date | None:
    try:
        return date.fromisoformat(term.value[:10]) if isinstance(term, ox.Literal) else None
    except ValueError:
        return None


@dataclass
class Geography:
    """The real geography of the built store, as the generator follows it."""

    areas: list[str] = field(default_factory=list)
    #: children's services authorities of each MAPPA area on TEMPLATE_DAY (else any)
    authorities: dict[str, list[str]] = field(default_factory=dict)
    councils: dict[str, str] = field(default_factory=dict)
    forces: dict[str, list[str]] = field(default_factory=dict)
    police_areas: dict[str, list[str]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, store: ox.Store) -> Geography:
        def rows(query: str) -> Iterator[ox.QuerySolution]:
            yield from store.query(query, use_default_graph_as_union=True)  # type: ignore[misc]

        geo = cls(areas=[str(_value(r["area"])) for r in rows(_Q_AREAS)])
        current: dict[str, set[str]] = defaultdict(set)
        children: dict[str, set[str]] = defaultdict(set)
        ended: set[str] = set()
        for r in rows(_Q_LAS):
            la, area = str(_value(r["la"])), str(_value(r["area"]))
            if _value(r["children"]) in ("true", "1"):
                children[area].add(la)
            start, end = _day(r["from"]), _day(r["to"])
            if (start and start > TEMPLATE_DAY) or (end and end < TEMPLATE_DAY):
                ended.add(la)
            current[area].add(la)
        for area in geo.areas:
            pool = children[area] - ended or children[area] or current[area]
            geo.authorities[area] = sorted(pool)
        for r in rows(_Q_COUNCILS):
            geo.councils.setdefault(str(_value(r["la"])), str(_value(r["council"])))
        for r in rows(_Q_POLICE):
            geo.forces.setdefault(str(_value(r["area"])), []).append(str(_value(r["force"])))
        for r in rows(_Q_POLICE_AREAS):
            geo.police_areas.setdefault(str(_value(r["area"])), []).append(str(_value(r["pa"])))
        label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
        named = set(geo.areas) | {la for las in current.values() for la in las}
        named |= {f for fs in geo.forces.values() for f in fs} | set(geo.councils.values())
        for iri in named:
            for q in store.quads_for_pattern(ox.NamedNode(iri), label, None, None):
                geo.labels.setdefault(iri, q.object.value)
        geo.index()
        return geo

    def index(self) -> None:
        """What each real resource is: "area", "authority", "council", "force" or
        "police-area"."""
        self.kinds = {a: "area" for a in self.areas}
        for las in self.authorities.values():
            self.kinds.update((la, "authority") for la in las)
        self.kinds.update((c, "council") for c in self.councils.values())
        for forces in self.forces.values():
            self.kinds.update((f, "force") for f in forces)
        for pas in self.police_areas.values():
            self.kinds.update((pa, "police-area") for pa in pas)

    def kind_of(self, iri: str) -> str | None:
        return self.kinds.get(iri)


def _slug(iri: str, prefix: str) -> str | None:
    """``liverpool`` of ``sgd:la-area-liverpool`` (prefix ``la-area-``)."""
    local = iri.removeprefix(SGD)
    return local.removeprefix(prefix) if local != iri and local.startswith(prefix) else None


def _replacer(pairs: list[tuple[str, str]], words: bool = False) -> Callable[[str], str]:
    """Replace every ``old`` by its ``new`` in one pass (so that a new name that is
    also an old one, as when the authorities rotate, is not replaced again)."""
    table = dict(pairs)
    if not table:
        return lambda text: text
    alternatives = "|".join(re.escape(old) for old in sorted(table, key=len, reverse=True))
    pattern = re.compile(rf"(?<![a-z0-9])(?:{alternatives})(?![a-z0-9])" if words else alternatives)
    return lambda text: pattern.sub(lambda m: table[m.group(0)], text)


@dataclass
class Copy:
    """Copy ``k``: where each template IRI goes, and how generated labels read."""

    k: int
    area: str | None
    iris: dict[str, str]
    relabel: Callable[[str], str]


class Generator:
    """The real graph, then copies of its local graphs that follow the real geography."""

    def __init__(
        self, quads: list[ox.Quad], geography: Geography, copy_statutes: bool = False
    ) -> None:
        self.quads = quads
        self.geo = geography
        self.geo.index()
        self.by_graph: dict[str, list[ox.Quad]] = {}
        for quad in quads:
            graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
            self.by_graph.setdefault(graph, []).append(quad)
        candidates = sorted(
            g for g in self.by_graph if g and g not in SHARED_GRAPHS and g != INFERRED_GRAPH
        )
        self.statutory = sorted(g for g in candidates if self._is_statutory(g))
        self.cloneable = (
            candidates if copy_statutes else [g for g in candidates if g not in self.statutory]
        )
        described_elsewhere: set[str] = set()
        for graph, graph_quads in self.by_graph.items():
            if graph not in self.cloneable and graph != INFERRED_GRAPH:
                described_elsewhere.update(
                    q.subject.value for q in graph_quads if isinstance(q.subject, ox.NamedNode)
                )
        # What the template describes itself is generated anew in each copy; the real
        # geography, national bodies and anything described in a national graph are not.
        subjects: dict[str, list[ox.Quad]] = defaultdict(list)
        for graph in self.cloneable:
            for q in self.by_graph[graph]:
                if isinstance(q.subject, ox.NamedNode):
                    subjects[q.subject.value].append(q)
        self.national = {s for s, qs in subjects.items() if self._is_national_body(qs)}
        self.local = {
            s
            for s in subjects
            if s not in described_elsewhere
            and s not in self.national
            and self.geo.kind_of(s) is None
        }
        self.local.update(self.cloneable)  # the graphs' self-descriptions
        # the geography the template names, in a stable order
        named = {
            t.value
            for graph in self.cloneable
            for q in self.by_graph[graph]
            for t in (q.subject, q.object)
            if isinstance(t, ox.NamedNode)
        }
        self.template_geo: dict[str, list[str]] = defaultdict(list)
        for iri in sorted(named):
            kind = self.geo.kind_of(iri)
            if kind:
                self.template_geo[kind].append(iri)
        self.copies: list[str] = []  # the area of each copy made
        self.inferred_by_subject: dict[str, list[ox.Quad]] = defaultdict(list)
        for q in self.by_graph.get(INFERRED_GRAPH, []):
            if isinstance(q.subject, ox.NamedNode):
                self.inferred_by_subject[q.subject.value].append(q)

    def _is_statutory(self, graph: str) -> bool:
        """A graph describing legislation (it types legislation.gov.uk resources as
        acts, instruments or provisions): national, so not copied per area."""
        kinds = {ox.NamedNode(SG + k) for k in ("Act", "StatutoryInstrument", "Provision")}
        return any(
            q.predicate == RDF_TYPE
            and q.object in kinds
            and q.subject.value.startswith(LEGISLATION)
            for q in self.by_graph[graph]
            if isinstance(q.subject, ox.NamedNode)
        )

    @staticmethod
    def _is_national_body(quads: list[ox.Quad]) -> bool:
        """A body with no area (the National Probation Service): one for the country."""
        body = ox.NamedNode(SG + "Body")
        area = ox.NamedNode(SG + "area")
        return any(q.predicate == RDF_TYPE and q.object == body for q in quads) and not any(
            q.predicate == area for q in quads
        )

    # ------------------------------------------------------------------ one copy

    def area_of(self, k: int) -> str | None:
        return self.geo.areas[(k - 1) % len(self.geo.areas)] if self.geo.areas else None

    def copy(self, k: int) -> Copy:
        """Copy ``k``: the template's geography mapped to its area's real geography, the
        template's own resources to generated IRIs, and the names in generated labels."""
        area = self.area_of(k)
        geo_map: dict[str, str] = {}
        names: list[tuple[str, str]] = []  # (old label, new label)
        slugs: list[tuple[str, str]] = []  # (old IRI slug, new IRI slug)
        label = self.geo.labels.get
        if area is not None:
            revision = (k - 1) // len(self.geo.areas)
            for home in self.template_geo["area"]:
                geo_map[home] = area
                names.append((label(home, ""), label(area, "")))
                slugs.append((_slug(home, "mappa-area-") or "", _slug(area, "mappa-area-") or ""))
            # the template's authorities (Merseyside's five boroughs) become a window of
            # the area's, the next window in the next revision; where the area has fewer,
            # an authority has several (named "Surrey (2)" ...)
            targets = self.geo.authorities.get(area) or []
            template_las = self.template_geo["authority"]
            taken: dict[str, int] = defaultdict(int)
            for i, la in enumerate(template_las if targets else []):
                new = targets[(revision * len(template_las) + i) % len(targets)]
                geo_map[la] = new
                taken[new] += 1
                n = taken[new]
                names.append((label(la, ""), label(new, "") + (f" ({n})" if n > 1 else "")))
                new_slug = _slug(new, "la-area-") or ""
                slugs.append((_slug(la, "la-area-") or "", new_slug + (f"-{n}" if n > 1 else "")))
                council, new_council = self.geo.councils.get(la), self.geo.councils.get(new)
                if council and new_council:
                    geo_map[council] = new_council
                    names.append((label(council, ""), label(new_council, "")))
            forces = self.geo.forces.get(area) or []
            for force in self.template_geo["force"] if forces else []:
                geo_map[force] = forces[0]
                names.append((label(force, ""), label(forces[0], "")))
            police_areas = self.geo.police_areas.get(area) or []
            for pa in self.template_geo["police-area"] if police_areas else []:
                geo_map[pa] = police_areas[0]
        rename = _replacer([(o, n) for o, n in slugs if o and n], words=True)
        renamed = {iri: self._new_iri(iri, k, rename) for iri in self.local}
        if len(set(renamed.values())) < len(renamed):  # two alike: plain suffixes instead
            renamed = {iri: f"{iri}-b{k}" for iri in self.local}
        return Copy(
            k, area, {**geo_map, **renamed}, _replacer([(o, n) for o, n in names if o and n])
        )

    @staticmethod
    def _new_iri(iri: str, k: int, rename: Callable[[str], str]) -> str:
        for base in (SGD, GRAPH_BASE):
            if iri.startswith(base):
                return f"{base}{rename(iri.removeprefix(base))}-b{k}"
        return f"{iri}-b{k}"

    def copy_graph(self, graph: str, copy: Copy) -> Iterator[ox.Quad]:
        k, iris = copy.k, copy.iris
        target = ox.NamedNode(iris.get(graph, f"{graph}-b{k}"))
        for q in self.by_graph[graph]:
            subject = q.subject
            # a real body or area is described by the real data already: only its links
            # to what the copy generates are copied
            links = isinstance(q.object, ox.NamedNode) and q.object.value in self.local
            if isinstance(subject, ox.NamedNode) and subject.value not in self.local and not links:
                continue
            obj = q.object
            if isinstance(obj, ox.Literal) and q.predicate.value in LABELS:
                text = f"{copy.relabel(obj.value)} [b{k}]"
                obj = (
                    ox.Literal(text, language=obj.language)
                    if obj.language
                    else ox.Literal(text, datatype=obj.datatype)
                )
            else:
                obj = self._rename(obj, k, iris)
            yield ox.Quad(self._rename(subject, k, iris), q.predicate, obj, target)

    @staticmethod
    def _rename(term: ox.NamedNode | ox.BlankNode | ox.Literal, k: int, iris: dict[str, str]):  # noqa: ANN205
        if isinstance(term, ox.NamedNode):
            new = iris.get(term.value)
            return ox.NamedNode(new) if new else term
        if isinstance(term, ox.BlankNode):
            return ox.BlankNode(f"{term.value}b{k}")
        return term

    def copy_inferred(self, graphs: set[str], copy: Copy) -> Iterator[ox.Quad]:
        """Inferred triples about the copied graphs' resources, and those linking a real
        body or area to them."""
        inferred = ox.NamedNode(INFERRED_GRAPH)
        subjects = {
            q.subject.value
            for g in graphs
            for q in self.by_graph[g]
            if isinstance(q.subject, ox.NamedNode)
        }
        for subject in sorted(subjects):
            is_local = subject in self.local
            for q in self.inferred_by_subject.get(subject, ()):
                links = isinstance(q.object, ox.NamedNode) and q.object.value in self.local
                if is_local or links:
                    yield ox.Quad(
                        self._rename(q.subject, copy.k, copy.iris),
                        q.predicate,
                        self._rename(q.object, copy.k, copy.iris),
                        inferred,
                    )

    def generate(self, target: int) -> Iterator[ox.Quad]:
        """The real quads, then copies until about ``target`` quads."""
        count = 0
        for q in self.quads:
            count += 1
            yield q
        k = 0
        while count < target and self.cloneable:
            k += 1
            copy = self.copy(k)
            copied: set[str] = set()
            for graph in self.cloneable:
                for q in self.copy_graph(graph, copy):
                    count += 1
                    yield q
                copied.add(graph)
                if count >= target:
                    break
            for q in self.copy_inferred(copied, copy):
                count += 1
                yield q
            self.copies.append(copy.area or "")


def write_store(
    quads: Iterator[ox.Quad],
    out: Path,
    source: str,
    describe: Callable[[], dict] | None = None,
) -> dict:
    """Bulk-load ``quads`` into ``out/store`` (the ``kg build`` layout); ``describe``,
    called once they are loaded, adds to the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    version = out / "store.v-bench"
    if version.exists():
        shutil.rmtree(version)
    (out / "store").unlink(missing_ok=True)
    version.mkdir()
    started = time.perf_counter()
    # as kg build writes it: the named graphs and the distinct default graph
    counts, default_triples = write_db(quads, version / "db")
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    memory_dump = write_dump(version / "db", version / DUMP_NAME)
    dump_seconds = time.perf_counter() - started
    store = ox.Store.read_only(str(version / "db"))
    read_model = _save_read_model(store, version)
    del store
    manifest = {
        "format": MANIFEST_FORMAT,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "generated_by": "bench/generate.py",
        "base": source,
        "graphs": counts,
        "total_quads": sum(counts.values()),
        "default_graph_triples": default_triples,
        "db_files": db_checksums(version / "db"),  # kg serve verifies them
        MANIFEST_KEY: memory_dump,
        "durations_seconds": {
            "load": round(seconds, 3),
            "memory_dump": round(dump_seconds, 3),
            **read_model,
        },
        **(describe() if describe else {}),
    }
    (version / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    os.symlink(version.name, out / "store")
    return manifest


def _save_read_model(store: ox.Store, version: Path) -> dict[str, float]:
    """The web pages' read model beside the store, as ``kg build`` saves it (so that
    ``kg serve`` starts as it would on a built store); nothing for a checkout whose
    pages read the store every time."""
    try:
        from kg.browse.catalog import SNAPSHOT_NAME, load_catalog, save_snapshot
    except ImportError:
        return {}
    started = time.perf_counter()
    settings = Settings.for_home(REPO)
    save_snapshot(load_catalog(store, settings), settings, version / SNAPSHOT_NAME)
    return {"read_model": round(time.perf_counter() - started, 3)}


def generator_for(base_store: Path, copy_statutes: bool = False) -> Generator:
    """A generator over the built store at ``base_store``."""
    db = Path(os.path.realpath(base_store)) / "db"
    if not db.is_dir():
        raise SystemExit(f"no built store at {base_store}; run `kg build` first")
    store = ox.Store.read_only(str(db))
    # the named graphs: the default graph is derived from them again when written
    quads = list(named_quads(store.quads_for_pattern(None, None, None, None)))
    return Generator(quads, Geography.read(store), copy_statutes=copy_statutes)


def generate(
    target: int, out: Path, base_store: Path | None = None, copy_statutes: bool = False
) -> dict:
    """Generate about ``target`` quads from the built store into ``out/store``."""
    base_store = base_store or Settings.from_env().store_dir
    generator = generator_for(base_store, copy_statutes)
    return write_store(
        generator.generate(target),
        out,
        str(base_store),
        lambda: {"copies": len(generator.copies), "areas_with_copies": len(set(generator.copies))},
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--triples", type=int, default=100_000, help="about how many (default 100000)"
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder (gets store/)")
    parser.add_argument(
        "--base", type=Path, help="the built store to start from (default: build/store)"
    )
    parser.add_argument(
        "--copy-statutes",
        action="store_true",
        help="copy the statutory graphs per area too (a stress test: a national deployment "
        "has one copy of the legislation)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    manifest = generate(args.triples, args.out, args.base, args.copy_statutes)
    print(
        f"generated {manifest['total_quads']} quads in {len(manifest['graphs'])} graphs "
        f"({manifest['copies']} copies of the local arrangements, in "
        f"{manifest['areas_with_copies']} areas) into {args.out / 'store'} "
        f"({time.perf_counter() - started:.1f} s; bulk load "
        f"{manifest['durations_seconds']['load']:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
