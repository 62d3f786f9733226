"""Find and parse the ontology and data Turtle files.

Files are read as bytes (never fetched from a URL) and parsed with pyoxigraph.
``owl:imports`` triples are kept as ordinary triples and never followed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.config import (
    ONTOLOGY_GRAPH,
    RESERVED_GRAPH_STEMS,
    Settings,
    graph_iri_for_data_stem,
)
from kg.errors import InputError, ParseError

OWL_IMPORTS = ox.NamedNode("http://www.w3.org/2002/07/owl#imports")

#: Allowed file stems for data files (they become part of a graph IRI).
_STEM_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
#: pyoxigraph prefixes its messages with the position, which we report separately.
_OX_POSITION_RE = re.compile(
    r"^Parser error (?:at line \d+ between columns \d+ and \d+|between .*?)\: "
)


@dataclass(frozen=True)
class SourceFile:
    """One input file and the named graph it is loaded into."""

    path: Path
    graph: str
    kind: str  # "ontology" or "data"


@dataclass
class ParsedFile:
    """A parsed input file."""

    source: SourceFile
    triples: list[ox.Triple]
    sha256: str
    size: int


@dataclass
class Inputs:
    """All parsed input files, in load order (ontology first, then data)."""

    files: list[ParsedFile] = field(default_factory=list)

    def quads(self) -> Iterator[ox.Quad]:
        for parsed in self.files:
            graph = ox.NamedNode(parsed.source.graph)
            for t in parsed.triples:
                yield ox.Quad(t.subject, t.predicate, t.object, graph)

    def triples(self) -> Iterator[ox.Triple]:
        for parsed in self.files:
            yield from parsed.triples

    @property
    def triple_count(self) -> int:
        return sum(len(p.triples) for p in self.files)


def discover(settings: Settings) -> list[SourceFile]:
    """List ``ontology/*.ttl`` then ``data/*.ttl`` (sorted by name).

    Raises:
        InputError: a folder is missing, or a data file name cannot be a graph name.
    """
    sources: list[SourceFile] = []
    for folder, kind in ((settings.ontology_dir, "ontology"), (settings.data_dir, "data")):
        if not folder.is_dir():
            raise InputError(f"no {kind} folder at {folder} (set KG_HOME to the repository root)")
        for path in sorted(folder.glob("*.ttl")):
            if not path.is_file():
                continue
            if kind == "ontology":
                graph = ONTOLOGY_GRAPH
            else:
                stem = path.stem
                if not _STEM_RE.match(stem):
                    raise InputError(
                        "data file name must match [A-Za-z0-9][A-Za-z0-9._-]* "
                        "because it names a graph",
                        file=settings.relative(path),
                    )
                if stem in RESERVED_GRAPH_STEMS:
                    raise InputError(
                        f"data file stem {stem!r} is reserved for the {stem} graph",
                        file=settings.relative(path),
                    )
                graph = graph_iri_for_data_stem(stem)
            sources.append(SourceFile(path=path, graph=graph, kind=kind))
    return sources


def read_limited(path: Path, limit: int, display_name: str) -> bytes:
    """Read a file, refusing it when it is larger than ``limit`` bytes."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise ParseError(
                f"file is {size} bytes, larger than the limit of {limit} bytes "
                "(raise it with KG_MAX_FILE_BYTES)",
                file=display_name,
            )
        with path.open("rb") as f:
            data = f.read(limit + 1)
    except OSError as e:
        raise InputError(f"cannot read file: {e.strerror or e}", file=display_name) from None
    if len(data) > limit:  # the file grew after stat()
        raise ParseError(f"file is larger than the limit of {limit} bytes", file=display_name)
    return data


def parse_turtle(data: bytes, display_name: str) -> list[ox.Triple]:
    """Parse Turtle bytes into triples.

    Blank node labels are renamed so that labels from different files never clash.
    Relative IRIs are an error unless the file declares ``@base``.

    Raises:
        ParseError: naming ``display_name`` and, when known, line and column.
    """
    try:
        return [
            q.triple for q in ox.parse(data, format=ox.RdfFormat.TURTLE, rename_blank_nodes=True)
        ]
    except SyntaxError as e:
        raise _parse_error_from_oxigraph(e, data, display_name) from None


def _parse_error_from_oxigraph(e: SyntaxError, data: bytes, display_name: str) -> ParseError:
    message = str(e.msg) if e.msg else str(e)
    message = _OX_POSITION_RE.sub("", message, count=1)
    line, column = e.lineno, e.offset
    if line is None:
        line, rdflib_message = _rdflib_error_line(data)
        if rdflib_message and not message:
            message = rdflib_message
    return ParseError(message or "invalid Turtle", file=display_name, line=line, column=column)


def _rdflib_error_line(data: bytes) -> tuple[int | None, str | None]:
    """Fallback: ask rdflib where the syntax error is (only used when pyoxigraph
    does not say). Parses from a string, so nothing is fetched."""
    import rdflib
    from rdflib.plugins.parsers.notation3 import BadSyntax

    try:
        rdflib.Graph().parse(data=data.decode("utf-8", "replace"), format="turtle")
    except BadSyntax as bad:
        return bad.lines + 1, str(bad._why)
    except Exception:  # best effort only
        return None, None
    return None, None


def parse_file(source: SourceFile, settings: Settings) -> ParsedFile:
    display = settings.relative(source.path)
    data = read_limited(source.path, settings.max_file_bytes, display)
    triples = parse_turtle(data, display)
    return ParsedFile(
        source=source,
        triples=triples,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
    )


def load_inputs(settings: Settings) -> Inputs:
    """Discover and parse every input file; the first error stops the load."""
    return Inputs(files=[parse_file(s, settings) for s in discover(settings)])


def without_imports(triples: Iterator[ox.Triple] | list[ox.Triple]) -> Iterator[ox.Triple]:
    """Drop ``owl:imports`` triples (for tools that would follow them)."""
    return (t for t in triples if t.predicate != OWL_IMPORTS)
