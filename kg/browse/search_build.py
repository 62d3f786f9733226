"""Writing the search index: an SQLite FTS5 database of the documents of a graph.

``kg build`` calls :func:`write_index` while the new store version is still a
temporary folder, so the index is published (and pruned) with the store it
indexes (``kg.store``). :func:`fill` also builds the same index in memory for a
server that has none (``kg.browse.search_index``).

Words are stemmed (the Porter stemmer) after Unicode case- and accent-folding, so
"Co-operating" finds "co-operate"; hyphen compounds are also indexed joined
("cooperate"), in their own small table.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.browse.search_docs import (
    Document,
    Synonym,
    documents,
    search_catalog,
    synonyms,
    synonyms_path,
)
from kg.browse.search_highlight import TOKEN_RE, fold
from kg.browse.search_text import COMPOUND_RE, parts
from kg.config import Settings

INDEX_NAME = "search.sqlite"
INDEX_FORMAT = "1"
TOKENIZER = "porter unicode61 remove_diacritics 2"
#: Column weights for bm25: a match in a name counts far more than in a description.
WEIGHTS = {"label": 10.0, "alt": 8.0, "refs": 6.0, "body": 1.0}

_SCHEMA = f"""
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE info(
  id INTEGER PRIMARY KEY, iri TEXT UNIQUE NOT NULL, kind TEXT NOT NULL,
  type_name TEXT NOT NULL, keys TEXT NOT NULL, prominence INTEGER NOT NULL,
  derived INTEGER NOT NULL, ref_kind TEXT, ref_path TEXT);
CREATE INDEX info_ref ON info(ref_kind, ref_path);
CREATE VIRTUAL TABLE docs USING fts5({", ".join(WEIGHTS)}, tokenize='{TOKENIZER}');
CREATE VIRTUAL TABLE compounds USING fts5(joined, spaced UNINDEXED, tokenize='{TOKENIZER}');
CREATE TABLE synonyms(term TEXT NOT NULL, expansion TEXT NOT NULL, source TEXT NOT NULL);
CREATE TABLE words(word TEXT PRIMARY KEY, stem TEXT NOT NULL, freq INTEGER NOT NULL) WITHOUT ROWID;
"""
#: A scratch table whose vocabulary gives the tokenizer's stem of each word.
_LEXICON = f"""
CREATE VIRTUAL TABLE IF NOT EXISTS temp.lexicon USING fts5(word, tokenize='{TOKENIZER}');
CREATE VIRTUAL TABLE IF NOT EXISTS temp.lexicon_terms USING fts5vocab(temp, lexicon, 'instance');
"""


def _compounds(text: str) -> Iterable[tuple[str, str]]:
    """(joined, spaced) for each run of two to four pieces of a hyphenated word."""
    for m in COMPOUND_RE.finditer(text):
        pieces = parts(m.group())
        for i in range(len(pieces)):
            for j in range(i + 2, min(len(pieces), i + 4) + 1):
                yield "".join(pieces[i:j]), " ".join(pieces[i:j])


def fill(
    conn: sqlite3.Connection,
    docs: Sequence[Document],
    syns: Sequence[Synonym],
    facts: dict[str, str],
) -> None:
    """Create the index's tables in an empty database and fill them."""
    conn.executescript(_SCHEMA)
    conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(facts.items()))
    conn.executemany(
        "INSERT INTO info VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                i,
                d.iri,
                d.kind,
                d.type_name,
                d.keys,
                d.prominence,
                int(d.derived),
                d.ref_kind,
                d.ref_path,
            )
            for i, d in enumerate(docs, start=1)
        ),
    )
    conn.executemany(
        "INSERT INTO docs(rowid, label, alt, refs, body) VALUES (?, ?, ?, ?, ?)",
        ((i, d.label, d.alt, d.refs, d.body) for i, d in enumerate(docs, start=1)),
    )
    compounds: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for text in sorted({t for d in docs for t in (d.label, d.alt, d.refs, d.body)}):
        compounds.update((j, s) for j, s in _compounds(text) if j not in compounds)
        counts.update(TOKEN_RE.findall(text))
    freq: dict[str, int] = {}
    for token, n in counts.items():
        word = fold(token)
        freq[word] = freq.get(word, 0) + n
    stems = stem_words(conn, list(freq))
    conn.executemany("INSERT INTO compounds VALUES (?, ?)", sorted(compounds.items()))
    conn.executemany(
        "INSERT INTO words VALUES (?, ?, ?)", ((w, stems[w], n) for w, n in sorted(freq.items()))
    )
    conn.executemany(
        "INSERT INTO synonyms VALUES (?, ?, ?)", ((s.term, s.expansion, s.source) for s in syns)
    )
    conn.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    conn.commit()


def stem_words(conn: sqlite3.Connection, words: list[str]) -> dict[str, str]:
    """The index tokenizer's stem of each word (itself if it is not one token)."""
    words = list(dict.fromkeys(words))
    conn.executescript(_LEXICON)
    try:
        conn.executemany("INSERT INTO temp.lexicon(rowid, word) VALUES (?, ?)", enumerate(words))
        stems = dict.fromkeys(words, "")
        counts = [0] * len(words)
        for doc, term in conn.execute("SELECT doc, term FROM temp.lexicon_terms"):
            counts[doc] += 1
            stems[words[doc]] = term
        return {w: (st if counts[i] == 1 else w) for i, (w, st) in enumerate(stems.items())}
    finally:
        conn.execute("DELETE FROM temp.lexicon")


def index_meta(docs: Sequence[Document], built_at: str | None) -> dict[str, str]:
    """What the ``meta`` table says: the format, and the store build it belongs to."""
    return {"format": INDEX_FORMAT, "built_at": built_at or "", "documents": str(len(docs))}


def write_index(store: ox.Store, settings: Settings, path: Path, built_at: str) -> dict[str, Any]:
    """Write the index of ``store`` to ``path`` (a new file); return what the
    build's manifest records of it.

    ``built_at`` is the store's, so a server can tell that the index belongs to
    the catalog it has loaded.
    """
    started = time.perf_counter()
    cat, links = search_catalog(store, settings)
    docs = list(documents(cat, links))
    syns = synonyms(docs, synonyms_path(settings))
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode=OFF")
        fill(conn, docs, syns, index_meta(docs, built_at))
    finally:
        conn.close()
    with path.open("rb") as f:
        os.fsync(f.fileno())
    return {
        "file": INDEX_NAME,
        "documents": len(docs),
        "synonyms": len(syns),
        "bytes": path.stat().st_size,
        "seconds": round(time.perf_counter() - started, 3),
    }
