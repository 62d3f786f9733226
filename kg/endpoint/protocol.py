"""SPARQL 1.1 Protocol: request parsing, content negotiation, result serialisation.

Request parsing follows https://www.w3.org/TR/sparql11-protocol/ section 2.1: a
query by ``GET`` (``?query=``), by ``POST`` of an HTML form
(``application/x-www-form-urlencoded``) or by ``POST`` of the query itself
(``application/sparql-query``), with any number of ``default-graph-uri`` and
``named-graph-uri`` parameters. Updates (``update=``, ``application/sparql-update``)
are refused with 403: the endpoint is read-only.

Results are serialised by pyoxigraph (Rust), never term by term in Python:

* SELECT and ASK: SPARQL Results JSON (default), XML, CSV and TSV;
* CONSTRUCT and DESCRIBE: Turtle (default), N-Triples, JSON-LD and RDF/XML.

The format is chosen by a ``format`` parameter (also read as ``output`` and
``results``, which SPARQLWrapper sends) when there is one, else by ``Accept``.

The row limit: solutions are first written as TSV (one line per row) and triples as
N-Triples (one line per triple) into a sink that stops the engine at the limit;
the kept lines are then converted to the requested format. The conversion is a
Rust parse and write and costs about 3.5 microseconds a row.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.config import PREFIXES
from kg.endpoint.errors import (
    BadRequestError,
    ForbiddenError,
    NotAcceptableError,
    UnsupportedMediaTypeError,
)

SOLUTIONS = "solutions"  # SELECT and ASK results
GRAPH = "graph"  # CONSTRUCT and DESCRIBE results


@dataclass(frozen=True)
class ResultFormat:
    """One result format.

    Attributes:
        name: short name, also the canonical ``format`` parameter value.
        media_type: the ``Content-Type`` of responses in this format.
        kind: :data:`SOLUTIONS` or :data:`GRAPH`.
        names: other ``format`` values meaning this format.
        accepts: other media types (in ``Accept``) meaning this format.
    """

    name: str
    media_type: str
    kind: str
    names: tuple[str, ...] = ()
    accepts: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        textual = self.media_type.startswith("text/") or self.media_type.endswith(
            ("+json", "+xml", "/json", "/xml", "n-triples")
        )
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type

    @property
    def results_format(self) -> ox.QueryResultsFormat:
        return _RESULTS_FORMATS[self.name]

    @property
    def rdf_format(self) -> ox.RdfFormat:
        return _RDF_FORMATS[self.name]


# In order of preference: the first of each kind is the default.
FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat(
        "json",
        "application/sparql-results+json",
        SOLUTIONS,
        ("srj", "sparql-results+json"),
        ("application/json",),
    ),
    ResultFormat(
        "xml",
        "application/sparql-results+xml",
        SOLUTIONS,
        ("srx", "sparql-results+xml"),
        ("application/xml", "text/xml"),
    ),
    ResultFormat("csv", "text/csv", SOLUTIONS),
    ResultFormat("tsv", "text/tab-separated-values", SOLUTIONS),
    ResultFormat(
        "turtle",
        "text/turtle",
        GRAPH,
        ("ttl", "n3"),
        ("application/x-turtle", "application/turtle", "text/n3", "text/rdf+n3", "application/n3"),
    ),
    ResultFormat(
        "ntriples",
        "application/n-triples",
        GRAPH,
        ("nt", "n-triples"),
        ("text/plain", "text/ntriples"),
    ),
    ResultFormat(
        "jsonld",
        "application/ld+json",
        GRAPH,
        ("json-ld", "json"),
        ("application/json", "application/x-json+ld"),
    ),
    ResultFormat(
        "rdfxml",
        "application/rdf+xml",
        GRAPH,
        ("rdf", "rdf+xml", "xml"),
        ("application/xml", "text/xml"),
    ),
)
BY_NAME = {f.name: f for f in FORMATS}
DEFAULT = {SOLUTIONS: BY_NAME["json"], GRAPH: BY_NAME["turtle"]}

_RESULTS_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
FORMAT_PARAMS = ("format", "output", "results")


def format_names(kind: str | None = None) -> str:
    return ", ".join(f.name for f in FORMATS if kind is None or f.kind == kind)


# ------------------------------------------------------------------- negotiation


@dataclass(frozen=True)
class Negotiated:
    """The format for each kind of result (``None``: nothing acceptable)."""

    solutions: ResultFormat | None
    graph: ResultFormat | None
    requested: str  # what the client asked for, for messages

    def for_kind(self, kind: str) -> ResultFormat:
        chosen = self.solutions if kind == SOLUTIONS else self.graph
        if chosen is None:
            what = "SELECT and ASK" if kind == SOLUTIONS else "CONSTRUCT and DESCRIBE"
            raise NotAcceptableError(
                f"no format for {what} results matches {self.requested}; "
                f"available: {format_names(kind)} (use the format parameter or Accept)"
            )
        return chosen


_ACCEPT_ITEM_RE = re.compile(r"^\s*([^\s;/]+)/([^\s;]+)\s*(.*)$")


def parse_accept(header: str) -> list[tuple[str, str, float]]:
    """``Accept`` as (type, subtype, q) entries; malformed entries are skipped."""
    entries = []
    for item in header.split(","):
        match = _ACCEPT_ITEM_RE.match(item)
        if not match:
            continue
        q = 1.0
        for param in match[3].split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value.strip())))
                except ValueError:
                    q = 0.0
        entries.append((match[1].lower(), match[2].lower(), q))
    return entries


def _accept_q(entries: Sequence[tuple[str, str, float]], media_type: str) -> float:
    """The q of ``media_type``: from the most specific matching range (RFC 9110)."""
    mtype, _, subtype = media_type.partition("/")
    best_specificity, q = -1, 0.0
    for etype, esub, eq in entries:
        if etype == mtype and esub == subtype:
            specificity = 2
        elif etype == mtype and esub == "*":
            specificity = 1
        elif etype == "*" and esub == "*":
            specificity = 0
        else:
            continue
        if specificity > best_specificity:
            best_specificity, q = specificity, eq
    return q


def _best(entries: Sequence[tuple[str, str, float]], kind: str) -> ResultFormat | None:
    best: ResultFormat | None = None
    best_q = 0.0
    for fmt in FORMATS:
        if fmt.kind != kind:
            continue
        # wildcards match a format's own media type; its aliases only exactly
        q = _accept_q(entries, fmt.media_type)
        for alias in fmt.accepts:
            mtype, _, subtype = alias.partition("/")
            q = max([q] + [eq for t, st, eq in entries if (t, st) == (mtype, subtype)])
        if q > best_q:  # ties: the earlier (preferred) format wins
            best, best_q = fmt, q
    return best


def negotiate(accept: str | None, format_param: str | None = None) -> Negotiated:
    """Choose the result formats.

    ``format_param`` (a short name such as ``csv`` or a media type) wins over
    ``Accept``. An unknown ``format`` is 406. Without either, the defaults (JSON,
    Turtle) apply, also for a kind that ``Accept`` does not match.
    """
    if format_param is not None and format_param.strip():
        value = format_param.strip().lower()
        found: dict[str, ResultFormat] = {}
        for fmt in FORMATS:
            media = value.split(";")[0].strip()
            if value in (fmt.name, *fmt.names) or media in (fmt.media_type, *fmt.accepts):
                found.setdefault(fmt.kind, fmt)
        if not found:
            raise NotAcceptableError(
                f"unknown format {format_param!r}; use one of {format_names()} or a media type"
            )
        return Negotiated(found.get(SOLUTIONS), found.get(GRAPH), f"format={format_param}")
    if accept is None or not accept.strip():
        return Negotiated(DEFAULT[SOLUTIONS], DEFAULT[GRAPH], "the defaults")
    entries = parse_accept(accept)
    # An Accept that no format of a kind matches gets that kind's default: clients
    # such as rdflib's SPARQLStore send one Accept for every kind of query.
    return Negotiated(
        _best(entries, SOLUTIONS) or DEFAULT[SOLUTIONS],
        _best(entries, GRAPH) or DEFAULT[GRAPH],
        f"Accept: {accept}",
    )


def prefers_html(accept: str | None) -> bool:
    """A browser: ``text/html`` ranks above every RDF format."""
    if not accept:
        return False
    entries = parse_accept(accept)
    html = _accept_q(entries, "text/html")
    rdf = max(_accept_q(entries, m) for f in FORMATS if f.kind == GRAPH for m in (f.media_type,))
    return html > 0 and html >= rdf and any(e[:2] == ("text", "html") for e in entries)


# ---------------------------------------------------------------- request parsing


@dataclass(frozen=True)
class SparqlRequest:
    """A protocol request: the query and the dataset it names (if any)."""

    query: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    format: str | None = None

    @property
    def has_protocol_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


def _one(values: Sequence[str], name: str) -> str | None:
    if not values:
        return None
    if len(values) > 1:
        raise BadRequestError(f"the {name!r} parameter is given {len(values)} times; give it once")
    return values[0]


def _check_iris(values: Sequence[str], name: str) -> tuple[str, ...]:
    out = []
    for value in values:
        value = value.strip()
        try:
            ox.NamedNode(value)
        except ValueError:
            raise BadRequestError(f"{name} {value!r} is not an absolute IRI") from None
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value):
            raise BadRequestError(f"{name} {value!r} is not an absolute IRI")
        out.append(value)
    return tuple(out)


def _check_charset(content_type: str) -> None:
    """415 unless the ``charset`` a ``Content-Type`` declares (if any) is UTF-8.

    SPARQL 1.1 Protocol, 2.1.3: "UTF-8 is the only valid charset here" (the W3C test
    bad_query_non_utf8 expects a 4xx for a UTF-16 body).
    """
    for part in content_type.split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset":
            declared = value.strip().strip('"')
            try:
                utf8 = codecs.lookup(declared).name == "utf-8"
            except LookupError:
                utf8 = False
            if not utf8:
                raise UnsupportedMediaTypeError(
                    f"charset {declared!r} is not allowed: the SPARQL 1.1 Protocol takes a "
                    "query body in UTF-8 only; send it as UTF-8 (charset=utf-8)"
                )


def parse_request(
    method: str,
    content_type: str | None,
    args: Mapping[str, Sequence[str]],
    form: Mapping[str, Sequence[str]] | None = None,
    body: bytes | None = None,
) -> SparqlRequest:
    """Read a SPARQL Protocol request.

    Args:
        method: ``GET`` or ``POST``.
        content_type: the request's ``Content-Type`` (POST).
        args: URL query parameters (name -> list of values).
        form: the decoded form body for ``application/x-www-form-urlencoded``.
        body: the raw body for ``application/sparql-query``.

    Raises:
        ForbiddenError: an update request (403).
        UnsupportedMediaTypeError: a POST body of another type (415).
        BadRequestError: a repeated ``query``, a bad graph IRI, non-UTF-8 text (400).
    """
    params: dict[str, list[str]] = {k: list(v) for k, v in args.items()}
    media = (content_type or "").split(";")[0].strip().lower()
    query: str | None
    if method == "POST":
        if media == "application/sparql-update":
            raise ForbiddenError("SPARQL Update is not allowed: this endpoint is read-only")
        if media == "application/x-www-form-urlencoded":
            for name, values in (form or {}).items():
                params.setdefault(name, []).extend(values)
            query = None
        elif media == "application/sparql-query":
            _check_charset(content_type or "")
            try:
                query = (body or b"").decode("utf-8")
            except UnicodeDecodeError as e:
                raise BadRequestError(f"the query is not valid UTF-8 (byte {e.start})") from None
            if "query" in params:
                raise BadRequestError("give the query either as the body or as query=, not both")
        elif not media and not body:
            query = None  # a bodiless POST with the query in the URL
        else:
            raise UnsupportedMediaTypeError(
                f"POST a query as application/sparql-query or as an "
                f"application/x-www-form-urlencoded form, not {media or 'an untyped body'}"
            )
    else:
        query = None
    if "update" in params:
        raise ForbiddenError("SPARQL Update is not allowed: this endpoint is read-only")
    if query is None:
        query = _one(params.get("query", []), "query")
    if query is not None:
        # a byte-order mark, in a body or a parameter, is not part of the query
        query = query.removeprefix("\ufeff")
    fmt = None
    for name in FORMAT_PARAMS:
        values = [v for v in params.get(name, []) if v.strip()]
        if values:
            fmt = values[0]
            break
    return SparqlRequest(
        query=query,
        default_graphs=_check_iris(params.get("default-graph-uri", []), "default-graph-uri"),
        named_graphs=_check_iris(params.get("named-graph-uri", []), "named-graph-uri"),
        format=fmt,
    )


# ---------------------------------------------------------------- serialisation


@dataclass
class Rendered:
    """A serialised result."""

    body: bytes
    media_type: str
    kind: str
    rows: int | None = None  # solutions or triples written (None for ASK)
    truncated: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    engine_seconds: float | None = None  # running and serialising, in the worker
    cut_at: str | None = None  # the limit that cut the result: "rows" or "bytes"


class _CutError(Exception):
    """Raised inside the sink to stop the engine at a limit."""


class _LineCapSink:
    """A file-like sink keeping at most ``max_lines`` newline-terminated lines and,
    if ``max_bytes`` is set, at most that many bytes of whole lines (the first line,
    a header, is always kept). Stopping the engine at either limit keeps memory
    bounded by the limit, not by the size of the result."""

    def __init__(self, max_lines: int, max_bytes: int | None = None) -> None:
        self.max_lines = max_lines
        self.max_bytes = max_bytes
        self.parts: list[bytes] = []
        self.lines = 0
        self.size = 0
        self.cut = False
        self.cut_at: str | None = None

    def write(self, data: bytes) -> int:
        chunk = bytes(data)
        count = chunk.count(b"\n")
        if self.lines + count > self.max_lines:
            index = -1
            for _ in range(self.max_lines - self.lines):
                index = chunk.index(b"\n", index + 1)
            chunk, count = chunk[: index + 1], self.max_lines - self.lines
            self.cut_at = "rows"
        if self.max_bytes is not None and self.size + len(chunk) > self.max_bytes:
            room = max(0, self.max_bytes - self.size)
            kept = chunk[:room]
            if self.lines == 0 and b"\n" not in kept:
                kept = chunk[: chunk.index(b"\n") + 1] if b"\n" in chunk else chunk
            chunk, count = kept, kept.count(b"\n")
            self.cut_at = "bytes"
        self.parts.append(chunk)
        self.lines += count
        self.size += len(chunk)
        if self.cut_at is not None:
            self.cut = True
            raise _CutError
        return len(chunk)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        body = b"".join(self.parts)
        if self.cut and not body.endswith(b"\n"):
            body = body[: body.rfind(b"\n") + 1]  # whole lines only
        return body


def _capped(write: object, max_lines: int, max_bytes: int | None = None) -> _LineCapSink:
    sink = _LineCapSink(max_lines, max_bytes)
    try:
        write(sink)  # type: ignore[operator]
    except _CutError:
        pass
    except OSError as e:
        # pyoxigraph wraps exceptions raised by the sink; keep ours, re-raise others
        if not sink.cut:
            raise
        del e
    return sink


def _fit(
    lines: bytes, header: int, convert: Callable[[bytes], bytes], max_bytes: int | None
) -> tuple[bytes, bytes, bool]:
    """``convert(lines)``, with trailing lines dropped until it is at most
    ``max_bytes`` (the first ``header`` lines are kept): returns the body, the lines
    kept and whether any were dropped. JSON or XML is larger than the TSV or
    N-Triples it is written from, so the cut is made again on what is sent."""
    body = convert(lines)
    dropped = False
    while max_bytes is not None and len(body) > max_bytes:
        rows = lines.split(b"\n")[:-1]  # whole lines: the last item is empty
        count = len(rows) - header
        if count <= 0:
            break
        keep = min(count - 1, count * max_bytes // len(body))
        lines = b"".join(r + b"\n" for r in rows[: header + keep])
        body, dropped = convert(lines), True
    return body, lines, dropped


def render_solutions(
    solutions: ox.QuerySolutions, fmt: ResultFormat, max_rows: int, max_bytes: int | None = None
) -> Rendered:
    """Serialise SELECT solutions in ``fmt``, keeping at most ``max_rows`` rows and,
    if ``max_bytes`` is set, at most that many bytes."""
    sink = _capped(
        lambda out: solutions.serialize(out, format=ox.QueryResultsFormat.TSV),
        max_rows + 1,
        max_bytes,
    )

    def convert(tsv: bytes) -> bytes:
        if fmt.name == "tsv":
            return tsv
        parsed = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
        return parsed.serialize(format=fmt.results_format)

    body, tsv, dropped = _fit(sink.getvalue(), 1, convert, max_bytes)
    rows = max(0, tsv.count(b"\n") - 1)
    cut_at = "bytes" if dropped else sink.cut_at
    return Rendered(
        body, fmt.content_type, SOLUTIONS, rows=rows, truncated=cut_at is not None, cut_at=cut_at
    )


def render_boolean(value: bool, fmt: ResultFormat) -> Rendered:
    """Serialise an ASK result in ``fmt``."""
    if fmt.name == "csv" or fmt.name == "tsv":
        # pyoxigraph writes these too, but the W3C notes define no boolean form
        body = b"true" if value else b"false"
        if fmt.name == "csv":
            body = b"_askResult\r\n" + body + b"\r\n"
        else:
            body = b"?_askResult\n" + body + b"\n"
        return Rendered(body, fmt.content_type, SOLUTIONS)
    data = ox.parse_query_results(
        b'{"head":{},"boolean":' + (b"true" if value else b"false") + b"}",
        format=ox.QueryResultsFormat.JSON,
    )
    return Rendered(data.serialize(format=fmt.results_format), fmt.content_type, SOLUTIONS)


def render_triples(
    triples: ox.QueryTriples | Iterable[ox.Triple],
    fmt: ResultFormat,
    max_rows: int,
    prefixes: Mapping[str, str] | None = None,
    max_bytes: int | None = None,
) -> Rendered:
    """Serialise CONSTRUCT/DESCRIBE triples in ``fmt``, at most ``max_rows`` of them
    and, if ``max_bytes`` is set, at most that many bytes."""
    if isinstance(triples, ox.QueryTriples):
        source = triples
        sink = _capped(
            lambda out: source.serialize(out, format=ox.RdfFormat.N_TRIPLES), max_rows, max_bytes
        )
    else:
        items = iter(triples)
        sink = _capped(
            lambda out: ox.serialize(items, out, format=ox.RdfFormat.N_TRIPLES),
            max_rows,
            max_bytes,
        )

    def convert(ntriples: bytes) -> bytes:
        if fmt.name == "ntriples":
            return ntriples
        parsed = [q.triple for q in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)]
        try:
            return ox.serialize(
                parsed,
                format=fmt.rdf_format,
                prefixes=dict(PREFIXES if prefixes is None else prefixes),
            )
        except (ValueError, OSError) as e:
            raise NotAcceptableError(
                f"this result cannot be written as {fmt.name} ({e}); ask for turtle or ntriples"
            ) from None

    body, ntriples, dropped = _fit(sink.getvalue(), 0, convert, max_bytes)
    cut_at = "bytes" if dropped else sink.cut_at
    return Rendered(
        body,
        fmt.content_type,
        GRAPH,
        rows=ntriples.count(b"\n"),
        truncated=cut_at is not None,
        cut_at=cut_at,
    )
