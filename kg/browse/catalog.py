"""An in-memory index of the built store, for the web pages and the duty network.

The store fits in memory (about a hundred thousand statements), and pages ask many small
questions about the same resources, so :func:`load_catalog` reads it once per
store version with the queries in ``queries/pages/`` and indexes the statements
by subject and by object. ``kg build`` saves that index beside the store
(:func:`save_snapshot`), and :class:`CatalogCache` reads it back (or reads the
store) once per published build.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from kg.config import PREFIXES, SG, Settings
from kg.query import load_query, run_query
from kg.store import StoreReader
from kg.terms import compact_iri

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
XSD = "http://www.w3.org/2001/XMLSchema#"

LABEL = RDFS + "label"
ALT_LABEL = SKOS + "altLabel"
DESCRIPTION = DCTERMS + "description"
TITLE = DCTERMS + "title"

#: The read-model queries ship with the repository, next to the competency queries.
PAGES_QUERIES_DIR = Path(__file__).resolve().parent.parent.parent / "queries" / "pages"


def pages_query_path(settings: Settings, name: str) -> Path:
    """``queries/pages/<name>`` of the settings' home, else of this repository."""
    local = settings.queries_dir / "pages" / name
    return local if local.is_file() else PAGES_QUERIES_DIR / name


@dataclass(frozen=True)
class Lit:
    """A literal: its lexical value, language tag and datatype IRI."""

    value: str
    lang: str | None = None
    datatype: str | None = None

    def as_date(self) -> date | None:
        if self.datatype != XSD_DATE:
            return None
        try:
            return date.fromisoformat(self.value[:10])
        except ValueError:
            return None


@dataclass(frozen=True)
class BNode:
    id: str


Node = str | Lit | BNode


def _node(term: object) -> Node | None:
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        lang = term.language or None
        datatype = None if lang else term.datatype.value
        return Lit(term.value, lang, datatype)
    return None


@dataclass
class Catalog:
    """Statements indexed by subject and by object, plus labels."""

    version: str = ""
    built_at: str | None = None
    out: dict[str, dict[str, list[Node]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    inc: dict[str, dict[str, list[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    inferred: set[tuple[str, str, Node]] = field(default_factory=set)
    vocab: dict[str, dict[str, list[Node]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    sources: list[dict[str, str | None]] = field(default_factory=list)

    # ------------------------------------------------------------------ building

    def add(self, s: Node, p: str, o: Node, inferred: bool = False) -> None:
        if not isinstance(s, str):
            return
        self.out[s][p].append(o)
        if isinstance(o, str):
            self.inc[o][p].append(s)
        if inferred:
            self.inferred.add((s, p, o))

    # ------------------------------------------------------------------- reading

    def has(self, iri: str) -> bool:
        return iri in self.out

    def objects(self, s: str, p: str) -> list[Node]:
        data = self.out[s].get(p, []) if s in self.out else []
        vocab = self.vocab[s].get(p, []) if s in self.vocab else []
        return data + vocab if vocab else data

    def iris(self, s: str, p: str) -> list[str]:
        """IRI values of ``s p ?``, without duplicates, in data order."""
        seen: dict[str, None] = {}
        for o in self.objects(s, p):
            if isinstance(o, str):
                seen.setdefault(o, None)
        return list(seen)

    def iri(self, s: str, p: str) -> str | None:
        values = self.iris(s, p)
        return values[0] if values else None

    def subjects(self, p: str, o: str) -> list[str]:
        seen: dict[str, None] = {}
        for s in self.inc.get(o, {}).get(p, []):
            seen.setdefault(s, None)
        return list(seen)

    def text(self, s: str, p: str) -> str | None:
        """The English (or untagged) text of ``s p ?``, else any literal."""
        best: Lit | None = None
        for o in self.objects(s, p):
            if isinstance(o, Lit):
                if o.lang in (None, "en", "en-gb", "en-GB"):
                    return o.value
                best = best or o
        return best.value if best else None

    def texts(self, s: str, p: str) -> list[str]:
        return [o.value for o in self.objects(s, p) if isinstance(o, Lit)]

    def date(self, s: str, p: str) -> date | None:
        for o in self.objects(s, p):
            if isinstance(o, Lit):
                d = o.as_date()
                if d is not None:
                    return d
        return None

    def integer(self, s: str, p: str) -> int | None:
        for o in self.objects(s, p):
            if isinstance(o, Lit):
                try:
                    return int(o.value)
                except ValueError:
                    continue
        return None

    def types(self, s: str) -> set[str]:
        return set(self.iris(s, RDF_TYPE))

    def is_a(self, s: str, cls: str) -> bool:
        return cls in self.types(s)

    def instances(self, cls: str) -> list[str]:
        return self.subjects(RDF_TYPE, cls)

    def label(self, iri: str) -> str:
        """A human label: rdfs:label, dcterms:title, else a readable form of the IRI."""
        for p in (LABEL, TITLE, SKOS + "prefLabel"):
            value = self.text(iri, p)
            if value:
                return value
        short = compact_iri(iri, PREFIXES)
        if short.startswith("<") and "legislation.gov.uk/" in iri:
            return iri.split("legislation.gov.uk/", 1)[1]
        return short.strip("<>")

    def description(self, iri: str) -> str | None:
        for p in (DESCRIPTION, SKOS + "definition", RDFS + "comment", SG + "text"):
            value = self.text(iri, p)
            if value:
                return value
        return None

    def is_asserted(self, s: str, p: str, o: Node) -> bool:
        return (s, p, o) not in self.inferred


def _run(store: ox.Store, settings: Settings, name: str) -> Iterable[tuple[Node | None, ...]]:
    query = load_query(pages_query_path(settings, name), settings)
    # Terms repeat (every duty has a bearer, a modality ...): each is converted once.
    seen: dict[object, Node | None] = {}

    def node(term: object) -> Node | None:
        if term is None:
            return None
        value = seen.get(term)
        if value is None:
            value = seen[term] = _node(term)
        return value

    if isinstance(store, ox.Store):
        # an embedded store: read the solutions as they come (tuple(solution) is about
        # twice as fast as looking each variable up, on a read model of 100k rows)
        # the default graph: each distinct triple once (kg.dataset)
        for solution in store.query(query.text):
            yield tuple(node(t) for t in solution)  # type: ignore[attr-defined]
        return
    result = run_query(store, query)
    for row in result.rows:
        yield tuple(node(t) for t in row)


def load_catalog(store: ox.Store, settings: Settings, version: str = "") -> Catalog:
    """Read the store into a :class:`Catalog` with the ``queries/pages`` queries."""
    catalog = Catalog(version=version)
    for s, p, o, inferred in _run(store, settings, "statements.rq"):
        if isinstance(p, str) and o is not None and s is not None:
            flag = isinstance(inferred, Lit) and inferred.value in ("true", "1")
            catalog.add(s, p, o, flag)
    for s, p, o in _run(store, settings, "vocabulary-labels.rq"):
        if isinstance(s, str) and isinstance(p, str) and o is not None:
            catalog.vocab[s][p].append(o)
    for graph, title, description, source in _run(store, settings, "sources.rq"):
        catalog.sources.append(
            {
                "graph": graph if isinstance(graph, str) else None,
                "title": title.value if isinstance(title, Lit) else None,
                "description": description.value if isinstance(description, Lit) else None,
                "source": source if isinstance(source, str) else None,
            }
        )
    return catalog


#: The read model as ``kg build`` saves it into the store's version folder, so that
#: ``kg serve`` reads it back instead of querying every statement (cold start).
SNAPSHOT_NAME = "catalog.pickle"
_SNAPSHOT_FORMAT = b"catalog-1"
_PAGES_QUERIES = ("statements.rq", "vocabulary-labels.rq", "sources.rq")


def _snapshot_key(settings: Settings) -> str:
    """What a saved read model was made with: this module and the pages queries (after
    either is changed, the server reads the store instead)."""
    digest = hashlib.sha256(_SNAPSHOT_FORMAT + Path(__file__).read_bytes())
    for name in _PAGES_QUERIES:
        digest.update(pages_query_path(settings, name).read_bytes())
    return digest.hexdigest()


def save_snapshot(catalog: Catalog, settings: Settings, path: Path) -> None:
    """Save the read model to ``path`` (``kg build``: beside the store it was read from)."""
    state = (
        _snapshot_key(settings),
        {s: dict(ps) for s, ps in catalog.out.items()},
        {o: dict(ps) for o, ps in catalog.inc.items()},
        catalog.inferred,
        {s: dict(ps) for s, ps in catalog.vocab.items()},
        catalog.sources,
    )
    with path.open("wb") as f:
        pickle.dump(state, f, protocol=pickle.HIGHEST_PROTOCOL)


def load_snapshot(settings: Settings, path: Path, version: str = "") -> Catalog | None:
    """The read model saved by the build, or None: none saved, made with other pages
    queries, or unreadable (then the caller reads the store)."""
    try:
        # the build's own output, trusted as the database beside it is
        with path.open("rb") as f:
            key, out, inc, inferred, vocab, sources = pickle.load(f)
        if key != _snapshot_key(settings):
            return None
    except Exception:  # any damage: the store itself is still there to read
        return None
    catalog = Catalog(version=version, inferred=inferred, sources=sources)
    catalog.out.update((s, defaultdict(list, ps)) for s, ps in out.items())
    catalog.inc.update((o, defaultdict(list, ps)) for o, ps in inc.items())
    catalog.vocab.update((s, defaultdict(list, ps)) for s, ps in vocab.items())
    return catalog


class CatalogCache:
    """The catalog of the current store version, reloaded after a rebuild."""

    def __init__(self, settings: Settings, reader: StoreReader | None = None) -> None:
        self.settings = settings
        self.reader = reader or StoreReader(settings)
        self._lock = threading.Lock()
        self._catalog: Catalog | None = None

    def get(self) -> Catalog:
        store, manifest = self.reader.get()
        folder = os.path.realpath(self.settings.store_dir)
        version = folder + "|" + str(manifest.get("built_at"))
        with self._lock:
            if self._catalog is None or self._catalog.version != version:
                catalog = None
                if isinstance(store, ox.Store):  # the built store, not a SPARQL server
                    catalog = load_snapshot(self.settings, Path(folder) / SNAPSHOT_NAME, version)
                if catalog is None:
                    catalog = load_catalog(store, self.settings, version)
                catalog.built_at = manifest.get("built_at")
                self._catalog = catalog
            return self._catalog

    def store(self) -> ox.Store:
        return self.reader.get()[0]
