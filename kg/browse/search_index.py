"""Reading the search index (``kg.browse.search_build`` writes it).

``kg build`` writes ``search.sqlite`` into the new store version before the
version is published, so the index and the store are swapped in together: a
running server never sees one without the other. The server opens it read-only
and immutable (published versions never change); when it has none to match its
catalog (an older build, or ``kg serve --store URL``) it builds the same index in
memory from the catalog.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.browse.catalog import Catalog
from kg.browse.search_build import INDEX_FORMAT, INDEX_NAME, WEIGHTS, fill, index_meta, stem_words
from kg.browse.search_docs import Synonym, documents, synonyms, synonyms_path
from kg.config import Settings


class SearchIndexError(Exception):
    """The index file cannot be used (missing, unreadable or of another format)."""


# ---------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Row:
    id: int
    iri: str
    kind: str
    type_name: str
    keys: frozenset[str]
    prominence: int
    derived: bool
    ref_path: str | None


class SearchIndex:
    """Read access to one index. Thread-safe: one connection behind a lock
    (a search holds it for a few milliseconds)."""

    def __init__(self, conn: sqlite3.Connection, source: str) -> None:
        self.conn = conn
        self.source = source  # "build" (the file kg build wrote) or "memory"
        self._lock = threading.Lock()
        meta = dict(conn.execute("SELECT key, value FROM meta"))
        if meta.get("format") != INDEX_FORMAT:
            raise SearchIndexError(
                f"search index format {meta.get('format')!r}, not {INDEX_FORMAT}"
            )
        self.built_at = meta.get("built_at") or None
        self._stems: dict[str, str] | None = None
        self._forms: dict[str, list[str]] | None = None  # stem -> words
        self._rows: dict[int, Row] | None = None
        self._scratch: sqlite3.Connection | None = None  # for stemming query words
        self._other_stems: dict[str, str] = {}  # of query words the texts lack
        self.synonyms = [
            Synonym(*row) for row in conn.execute("SELECT term, expansion, source FROM synonyms")
        ]

    # ------------------------------------------------------------ constructors

    @classmethod
    def open(cls, path: Path) -> SearchIndex:
        """The index file ``path``, read-only.

        Raises:
            SearchIndexError: no such file, or not an index of this format.
        """
        if not path.is_file():
            raise SearchIndexError(f"no search index at {path}")
        uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        try:
            return cls(conn, "build")
        except (sqlite3.Error, SearchIndexError) as e:
            conn.close()
            raise SearchIndexError(f"cannot read the search index {path}: {e}") from None

    @classmethod
    def from_catalog(cls, cat: Catalog, synonyms_file: Path | None = None) -> SearchIndex:
        """The same index, built in memory from a loaded catalog."""
        docs = list(documents(cat))
        syns = synonyms(docs, synonyms_file if synonyms_file is not None else synonyms_path(None))
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        fill(conn, docs, syns, index_meta(docs, cat.built_at))
        return cls(conn, "memory")

    # ----------------------------------------------------------------- queries

    def _all(self, sql: str, args: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self.conn.execute(sql, args).fetchall()

    def match(self, expr: str) -> list[tuple[int, float]]:
        """(id, bm25 relevance, higher is better) of every document matching an FTS5
        expression, unordered (the caller ranks them)."""
        weights = ", ".join(str(w) for w in WEIGHTS.values())
        sql = f"SELECT rowid, bm25(docs, {weights}) FROM docs WHERE docs MATCH ?"
        return [(rowid, -score) for rowid, score in self._all(sql, (expr,))]

    def count(self, expr: str) -> int:
        return self._all("SELECT count(*) FROM docs WHERE docs MATCH ?", (expr,))[0][0]

    def matching(self, expr: str, ids: Iterable[int]) -> set[int]:
        """Those of ``ids`` that match ``expr``.

        (All matches, then intersected: ``MATCH ? AND rowid IN (...)`` re-runs
        the query once per rowid.)
        """
        rows = self._all("SELECT rowid FROM docs WHERE docs MATCH ?", (expr,))
        return {r[0] for r in rows} & set(ids)

    def rows(self) -> dict[int, Row]:
        """Every document's ranking facts, by id (read once: a few thousand rows)."""
        if self._rows is None:
            self._rows = {
                r[0]: Row(
                    r[0], r[1], r[2], r[3], frozenset(r[4].split("\n")), r[5], bool(r[6]), r[7]
                )
                for r in self._all(
                    "SELECT id, iri, kind, type_name, keys, prominence, derived, ref_path FROM info"
                )
            }
        return self._rows

    def texts(self, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
        """(label, description) of documents, for display."""
        out: dict[int, tuple[str, str]] = {}
        for chunk in _chunks(ids):
            rows = self._all(
                f"SELECT rowid, label, body FROM docs WHERE rowid IN ({_marks(chunk)})", chunk
            )
            out.update((r[0], (r[1], r[2])) for r in rows)
        return out

    def provisions(self, kind: str, path: str) -> list[tuple[int, str]]:
        """(id, path) of the provision ``kind`` ``path`` and of its subdivisions."""
        return self._all(
            "SELECT id, ref_path FROM info WHERE ref_kind = ? "
            "AND (ref_path = ? OR substr(ref_path, 1, ?) = ?)",
            (kind, path, len(path) + 1, path + "/"),
        )

    def _stem_table(self) -> dict[str, str]:
        if self._stems is None:
            self._stems = dict(self._all("SELECT word, stem FROM words"))
        return self._stems

    def forms_of(self, stem: str) -> list[str]:
        """The (folded) words of the indexed texts that have this stem."""
        if self._forms is None:
            forms: dict[str, list[str]] = {}
            for word, st in self._stem_table().items():
                forms.setdefault(st, []).append(word)
            self._forms = forms
        return self._forms.get(stem, [])

    def stems(self, words: Iterable[str]) -> dict[str, str]:
        """The stem of each folded word, also of words the texts do not have."""
        table = self._stem_table()
        out = {w: table.get(w) or self._other_stems.get(w) for w in words}
        missing = [w for w, st in out.items() if st is None]
        if missing:
            with self._lock:
                if self._scratch is None:
                    self._scratch = sqlite3.connect(":memory:", check_same_thread=False)
                found = stem_words(self._scratch, missing)
                if len(self._other_stems) > 10_000:  # bounded: queries are endless
                    self._other_stems.clear()
                self._other_stems.update(found)
            out.update(found)
        return {w: st for w, st in out.items() if st is not None}

    def compounds(self, word: str) -> list[str]:
        """The hyphenated forms ("co operate") the index has of a joined word
        ("cooperate", "cooperating": the same stem)."""
        if not word.isalnum():
            return []
        rows = self._all(
            "SELECT DISTINCT spaced FROM compounds WHERE compounds MATCH ? LIMIT 8",
            (f'joined : "{word}"',),
        )
        return [r[0] for r in rows]

    def knows(self, word: str) -> bool:
        return word in self._stem_table()

    def suggest(self, word: str) -> str | None:
        """The indexed word most like a misspelt one (same first letter, similar length)."""
        n = len(word)
        rows = self._all(
            "SELECT word, freq FROM words WHERE substr(word, 1, 1) = ? AND word GLOB '[a-z]*' "
            "AND length(word) BETWEEN ? AND ?",
            (word[:1], n - 2, n + 2),
        )
        freq = dict(rows)
        close = difflib.get_close_matches(word, list(freq), n=5, cutoff=0.8)
        if not close:
            return None
        ratio = {w: difflib.SequenceMatcher(None, word, w).ratio() for w in close}
        return max(close, key=lambda w: (round(ratio[w], 2), freq[w]))


def _chunks(ids: Iterable[int], size: int = 500) -> list[list[int]]:
    wanted = sorted(set(ids))
    return [wanted[i : i + size] for i in range(0, len(wanted), size)]


def _marks(chunk: list[int]) -> str:
    return ",".join("?" * len(chunk))


# ------------------------------------------------------------------------ cache


class SearchIndexCache:
    """The index matching the catalog the server has loaded.

    Prefers the file ``kg build`` wrote beside the current store version; falls
    back on an index built in memory (an older store, or an external store).
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._version: str | None = None
        self._index: SearchIndex | None = None

    def get(self, cat: Catalog) -> SearchIndex:
        with self._lock:
            if self._index is None or self._version != cat.version:
                self._index = self._load(cat)
                self._version = cat.version
            return self._index

    def _load(self, cat: Catalog) -> SearchIndex:
        if not self.settings.store_url and cat.built_at:
            path = Path(os.path.realpath(self.settings.store_dir)) / INDEX_NAME
            with contextlib.suppress(SearchIndexError):
                index = SearchIndex.open(path)
                if index.built_at == cat.built_at:
                    return index
                index.conn.close()
        return SearchIndex.from_catalog(cat, synonyms_path(self.settings))


def index_for(cat: Catalog) -> SearchIndex:
    """An in-memory index of ``cat``, kept with it (for callers without a server)."""
    cached = cat.__dict__.get("_search_index")
    if cached is None:
        cached = cat.__dict__["_search_index"] = SearchIndex.from_catalog(cat)
    return cached


__all__ = ["INDEX_NAME", "SearchIndex", "SearchIndexCache", "SearchIndexError", "index_for"]
