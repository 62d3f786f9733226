"""Generate national-scale synthetic data for benchmarks and the performance test.

The repository's graph describes the statutes, the 42 MAPPA areas and one area's
arrangements (Merseyside: its boroughs, boards, members, protocol, discrepancies)
and one report. A national deployment has every area's arrangements and every
provision's history. This generator builds that shape from the real graph:

* the shared terms stay as they are: the ontology, the vocabulary (kinds of body,
  topics, statuses) and the 42 MAPPA areas;
* the legislation stays as it is too: one copy of each Act's provisions, duties,
  powers and statutory role assignments serves the whole country (``--copy-statutes``
  copies them per area as well, as a stress test);
* every local graph is copied again and again, each copy assigned to one of the 42
  areas in turn: its local authority areas, boards (SMB, LSCBs), members and their
  role assignments, protocol clauses, commitments and information-sharing rules
  with the duties they rest on, discrepancies, reports and recommendations: several
  revisions of every area's arrangements. In copy ``k`` every resource first
  described in the graph gets a new IRI (``...-b<k>``), labels get the suffix
  ``[b<k>]``, and the Merseyside MAPPA area becomes the copy's area;
* the build's inferred triples about copied resources are copied into the inferred
  graph, so the rules' results stay consistent.

The shipped queries keep their default parameters (which name the original
resources), so they answer the same as on the real graph but have to search a
graph 10-100 times larger, as a national deployment would.

Usage::

    python bench/generate.py --triples 100000 --out build/bench/100k
    KG_STORE_DIR=build/bench/100k/store kg serve

The output is a store in the layout ``kg build`` publishes (``store`` -> a version
folder with ``db/`` and ``manifest.json``), bulk-loaded.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from kg.config import GRAPH_BASE, INFERRED_GRAPH, ONTOLOGY_GRAPH, SG, SGD, Settings  # noqa: E402
from kg.dataset import named_quads  # noqa: E402
from kg.store import MANIFEST_FORMAT, db_checksums, write_db  # noqa: E402

SHARED_GRAPHS = {ONTOLOGY_GRAPH, GRAPH_BASE + "vocabulary"}
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABELS = {
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://purl.org/dc/terms/title",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
}
MAPPA_AREA = ox.NamedNode(SG + "MappaArea")
AREA = ox.NamedNode(SG + "Area")
HOME_AREA = SGD + "mappa-area-merseyside"
LEGISLATION = "https://www.legislation.gov.uk/"


def _base_quads(store_dir: Path) -> list[ox.Quad]:
    db = Path(os.path.realpath(store_dir)) / "db"
    if not db.is_dir():
        raise SystemExit(f"no built store at {store_dir}; run `kg build` first")
    store = ox.Store.read_only(str(db))
    # the named graphs: the default graph is derived from them again when written
    return list(named_quads(store.quads_for_pattern(None, None, None, None)))


class Generator:
    """Copies of the real graph's local and statutory graphs, area by area."""

    def __init__(self, quads: list[ox.Quad], copy_statutes: bool = False) -> None:
        self.quads = quads
        self.by_graph: dict[str, list[ox.Quad]] = {}
        for quad in quads:
            graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
            self.by_graph.setdefault(graph, []).append(quad)
        shared: set[str] = set()
        for graph in SHARED_GRAPHS:
            shared.update(
                q.subject.value
                for q in self.by_graph.get(graph, ())
                if isinstance(q.subject, ox.NamedNode)
            )
        self.areas = sorted(
            {q.subject.value for q in quads if q.predicate == RDF_TYPE and q.object == MAPPA_AREA}
        )
        shared.update(self.areas)
        shared.update(
            q.subject.value for q in quads if q.predicate == RDF_TYPE and q.object == AREA
        )
        self.shared = shared
        candidates = sorted(
            g for g in self.by_graph if g and g not in SHARED_GRAPHS and g != INFERRED_GRAPH
        )
        self.statutory = sorted(g for g in candidates if self._is_statutory(g))
        self.cloneable = (
            candidates if copy_statutes else [g for g in candidates if g not in self.statutory]
        )
        # resources first described in each cloneable graph (to rename in a copy)
        self.local: set[str] = set()
        for graph in self.cloneable:
            for q in self.by_graph[graph]:
                if isinstance(q.subject, ox.NamedNode) and q.subject.value not in shared:
                    self.local.add(q.subject.value)
        self.local.update(self.cloneable)  # the graphs' self-descriptions
        self.inferred = self.by_graph.get(INFERRED_GRAPH, [])

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

    def _rename(self, term: ox.NamedNode | ox.BlankNode | ox.Literal, k: int, area: str):  # noqa: ANN202
        if isinstance(term, ox.NamedNode):
            value = term.value
            if value in self.local:
                return ox.NamedNode(f"{value}-b{k}")
            if value == HOME_AREA:
                return ox.NamedNode(area)
            return term
        if isinstance(term, ox.BlankNode):
            return ox.BlankNode(f"{term.value}b{k}")
        return term

    def copy_graph(self, graph: str, k: int) -> Iterator[ox.Quad]:
        area = self.areas[k % len(self.areas)] if self.areas else HOME_AREA
        target = ox.NamedNode(f"{graph}-b{k}")
        for q in self.by_graph[graph]:
            obj = q.object
            if (
                isinstance(obj, ox.Literal)
                and q.predicate.value in LABELS
                and q.subject.value in self.local
            ):
                obj = (
                    ox.Literal(f"{obj.value} [b{k}]", language=obj.language)
                    if obj.language
                    else ox.Literal(f"{obj.value} [b{k}]", datatype=obj.datatype)
                )
            else:
                obj = self._rename(obj, k, area)
            yield ox.Quad(self._rename(q.subject, k, area), q.predicate, obj, target)

    def copy_inferred(self, graphs: set[str], k: int) -> Iterator[ox.Quad]:
        """Inferred triples about resources of the copied graphs."""
        area = self.areas[k % len(self.areas)] if self.areas else HOME_AREA
        inferred = ox.NamedNode(INFERRED_GRAPH)
        for q in self.inferred:
            if isinstance(q.subject, ox.NamedNode) and q.subject.value in self._copied_subjects(
                graphs
            ):
                yield ox.Quad(
                    self._rename(q.subject, k, area),
                    q.predicate,
                    self._rename(q.object, k, area),
                    inferred,
                )

    _subjects_cache: dict[frozenset[str], set[str]] = {}

    def _copied_subjects(self, graphs: set[str]) -> set[str]:
        key = frozenset(graphs)
        if key not in self._subjects_cache:
            found: set[str] = set()
            for g in graphs:
                found.update(
                    q.subject.value
                    for q in self.by_graph[g]
                    if isinstance(q.subject, ox.NamedNode) and q.subject.value in self.local
                )
            self._subjects_cache[key] = found
        return self._subjects_cache[key]

    def generate(self, target: int) -> Iterator[ox.Quad]:
        """The real quads, then copies until about ``target`` quads."""
        count = 0
        for q in self.quads:
            count += 1
            yield q
        k = 0
        while count < target and self.cloneable:
            k += 1
            copied: set[str] = set()
            for graph in self.cloneable:
                for q in self.copy_graph(graph, k):
                    count += 1
                    yield q
                copied.add(graph)
                if count >= target:
                    break
            for q in self.copy_inferred(copied, k):
                count += 1
                yield q


def write_store(quads: Iterator[ox.Quad], out: Path, source: str) -> dict:
    """Bulk-load ``quads`` into ``out/store`` (the ``kg build`` layout)."""
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
    manifest = {
        "format": MANIFEST_FORMAT,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "generated_by": "bench/generate.py",
        "base": source,
        "graphs": counts,
        "total_quads": sum(counts.values()),
        "default_graph_triples": default_triples,
        "db_files": db_checksums(version / "db"),  # kg serve verifies them
        "durations_seconds": {"load": round(seconds, 3)},
    }
    (version / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    os.symlink(version.name, out / "store")
    return manifest


def generate(
    target: int, out: Path, base_store: Path | None = None, copy_statutes: bool = False
) -> dict:
    """Generate about ``target`` quads from the built store into ``out/store``."""
    settings = Settings.from_env()
    base_store = base_store or settings.store_dir
    generator = Generator(_base_quads(base_store), copy_statutes=copy_statutes)
    return write_store(generator.generate(target), out, str(base_store))


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
        f"generated {manifest['total_quads']} quads in {len(manifest['graphs'])} graphs into "
        f"{args.out / 'store'} ({time.perf_counter() - started:.1f} s; bulk load "
        f"{manifest['durations_seconds']['load']:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
