"""Settings for the build pipeline, the query runner and the web UI.

All paths derive from one *home* directory, the repository root holding the
``ontology/``, ``data/``, ``queries/`` and ``shapes/`` folders. The home is found,
in order, from:

1. the environment variable ``KG_HOME``;
2. the current working directory, if it contains both ``ontology/`` and ``data/``;
3. the directory above the installed ``kg`` package (the repository root for an
   editable install).

Individual settings may be overridden with environment variables (see
:meth:`Settings.from_env`) or with keyword arguments to :meth:`Settings.for_home`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from kg.errors import ConfigError

#: Namespace of the ontology (prefix ``sg``).
SG = "https://w3id.org/safeguarding-kg/ontology#"
#: Namespace of data resources (prefix ``sgd``).
SGD = "https://w3id.org/safeguarding-kg/id/"
#: Prefix of every named graph in the store.
GRAPH_BASE = "https://w3id.org/safeguarding-kg/graph/"
#: Named graph holding all ``ontology/*.ttl`` files.
ONTOLOGY_GRAPH = GRAPH_BASE + "ontology"
#: Named graph holding the triples inferred by HermiT and by the rules.
INFERRED_GRAPH = GRAPH_BASE + "inferred"
#: Graph names that a ``data/<stem>.ttl`` file may not use.
RESERVED_GRAPH_STEMS = frozenset({"ontology", "inferred"})

#: Prefixes used when displaying terms and available to query parameters.
PREFIXES: Mapping[str, str] = {
    "sg": SG,
    "sgd": SGD,
    "sgg": GRAPH_BASE,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
}

MIB = 1024 * 1024


def graph_iri_for_data_stem(stem: str) -> str:
    """Return the named graph IRI for ``data/<stem>.ttl``."""
    return GRAPH_BASE + stem


def _kg_package_parent() -> Path:
    return Path(__file__).resolve().parent.parent


def find_home(environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> Path:
    """Locate the repository root (see the module docstring for the order)."""
    environ = os.environ if environ is None else environ
    value = environ.get("KG_HOME", "").strip()
    if value:
        home = Path(value).expanduser()
        if not home.is_dir():
            raise ConfigError(f"KG_HOME={value!r} is not a directory")
        return home.resolve()
    cwd = Path.cwd() if cwd is None else cwd
    if (cwd / "ontology").is_dir() and (cwd / "data").is_dir():
        return cwd.resolve()
    return _kg_package_parent()


@dataclass(frozen=True)
class Settings:
    """Immutable settings. Paths left as ``None`` are derived from ``home``.

    Attributes:
        home: repository root (see :func:`find_home`).
        ontology_dir: folder of ontology Turtle files; default ``<home>/ontology``.
        data_dir: folder of data Turtle files, one named graph each;
            default ``<home>/data``.
        queries_dir: folder of saved SPARQL queries; default ``<home>/queries``.
        rules_dir: folder of CONSTRUCT rules applied to a fixpoint during the build;
            default ``<home>/queries/rules``.
        checks_dir: folder of data checks (SELECT ?resource ?problem) that must
            find nothing before a build is published; default ``<home>/queries/checks``.
        integrity_dir: folder of integrity rules over the whole graph (the same form,
            each with a ``# Fix:`` comment); default ``<home>/queries/integrity``.
        shapes_dir: folder of SHACL shapes; default ``<home>/shapes``.
        store_dir: the built store (a symlink to the current store version);
            default ``<home>/build/store``.
        max_file_bytes: input Turtle files larger than this are refused (default 16 MiB).
        max_rule_iterations: fixpoint guard for the rules (default 25 rounds).
        reason: run the HermiT consistency check during ``kg build`` (default on).
        infer_property_values: ask HermiT for inferred object property values too
            (default on; measured to cost nothing noticeable).
        java_memory_mb: maximum Java heap for HermiT (default 2000 MiB).
        keep_previous_version: keep the previously published store version after a
            build, so that a running server can finish its reads (default on).
        max_request_bytes: Flask ``MAX_CONTENT_LENGTH`` for the web UI (default 1 MiB).
        store_url: serve from this external SPARQL 1.1 endpoint (Virtuoso, Fuseki,
            GraphDB) instead of the built store (default: none; ``kg serve --store``).
        store_dataset: ``explicit`` (default): name our graphs in every query sent to
            ``store_url`` (``default-graph-uri``/``named-graph-uri``), so that other
            graphs on the server are invisible; ``server``: use the server's own
            default graph (when it is already the union of exactly our graphs).
        query_timeout: seconds a ``/sparql`` query may run before it is stopped
            (503) (default 10).
        max_result_rows: rows (or triples) of a ``/sparql`` result; beyond, the result
            is cut and marked (default 100000).
        max_result_bytes: bytes of a ``/sparql`` result as sent; a result that would be
            larger is cut to whole rows and marked, like at the row limit (default 16 MiB).
        max_query_bytes: longest accepted query, in bytes; longer is 413 (default 128 KiB).
        max_query_depth: deepest accepted nesting of brackets and unary operators in a
            query; deeper is 400 (default 48).
        endpoint_workers: query worker processes (queries that run at once) (default 2).
        long_query_after: seconds after which a running ``/sparql`` query is long: its
            worker leaves the pool, at the lowest CPU priority, and is replaced at once
            (default 0.5).
        long_queries: long queries that may run at once; one more is stopped (503)
            (default 2).
        worker_queue: requests that may wait for a worker of each pool (queries,
            validations); one more is answered 503 with ``Retry-After`` at once,
            or displaces a waiting request of a client that used more worker
            time (default 16).
        client_limit: requests one client (remote address) may have in each pool,
            running or waiting; one more is 503 with ``Retry-After`` (default 4).
        validation_workers: worker processes validating configurations for the
            Validate page under ``kg serve`` (default 2).
        validation_timeout: seconds a validation on the Validate page may run before
            its worker is stopped (503) (default 30).
        worker_memory_mb: address-space limit of each query worker; a query needing
            more is stopped (503) (default 2048).
        store_mode: how the query workers hold the store: ``memory`` (default:
            serve from the on-disk store at once, load it into memory in the
            background, then serve from memory, 2-5 times faster) or ``disk`` (the
            on-disk store opened read-only only; least memory).
        cors_origin: ``Access-Control-Allow-Origin`` of ``/sparql`` and ``/void``
            (default ``*``).
        base_url: the public address of the service (``https://host[:port][/path]``),
            used where a response names its own URLs (``/void``, the service
            description); never taken from the request's ``Host`` header (default:
            ``kg serve``'s listening address; :attr:`public_base_url`).
        worker_sandbox: ``required`` (default): query and validation workers run
            without network (a private network namespace) or not at all, and
            ``kg serve`` refuses to start (exit 71); ``optional``: run them without
            it where the kernel refuses (logged).
        chromium: the headless Chromium that renders briefing PDFs (default
            ``chromium``, found on ``PATH``).
        pdf_timeout: seconds Chromium may take to render a briefing PDF before it is
            stopped (503) (default 60).
    """

    home: Path
    ontology_dir: Path = field(default=None)  # type: ignore[assignment]
    data_dir: Path = field(default=None)  # type: ignore[assignment]
    queries_dir: Path = field(default=None)  # type: ignore[assignment]
    rules_dir: Path = field(default=None)  # type: ignore[assignment]
    checks_dir: Path = field(default=None)  # type: ignore[assignment]
    integrity_dir: Path = field(default=None)  # type: ignore[assignment]
    shapes_dir: Path = field(default=None)  # type: ignore[assignment]
    store_dir: Path = field(default=None)  # type: ignore[assignment]
    max_file_bytes: int = 16 * MIB
    max_rule_iterations: int = 25
    reason: bool = True
    infer_property_values: bool = True
    java_memory_mb: int = 2000
    keep_previous_version: bool = True
    max_request_bytes: int = 1 * MIB
    store_url: str | None = None
    store_dataset: str = "explicit"
    query_timeout: float = 10.0
    max_result_rows: int = 100_000
    max_result_bytes: int = 16 * MIB
    max_query_bytes: int = 128 * 1024
    max_query_depth: int = 48
    endpoint_workers: int = 2
    long_query_after: float = 0.5
    long_queries: int = 2
    worker_queue: int = 16
    client_limit: int = 4
    validation_workers: int = 2
    validation_timeout: float = 30.0
    worker_memory_mb: int = 2048
    store_mode: str = "memory"
    cors_origin: str = "*"
    base_url: str | None = None
    worker_sandbox: str = "required"
    chromium: str = "chromium"
    pdf_timeout: float = 60.0

    def __post_init__(self) -> None:
        home = Path(self.home).resolve()
        object.__setattr__(self, "home", home)
        defaults = {
            "ontology_dir": home / "ontology",
            "data_dir": home / "data",
            "queries_dir": home / "queries",
            "rules_dir": home / "queries" / "rules",
            "checks_dir": home / "queries" / "checks",
            "integrity_dir": home / "queries" / "integrity",
            "shapes_dir": home / "shapes",
            "store_dir": home / "build" / "store",
        }
        for name, default in defaults.items():
            value = getattr(self, name)
            object.__setattr__(self, name, default if value is None else Path(value).absolute())
        for name in (
            "max_file_bytes",
            "max_rule_iterations",
            "java_memory_mb",
            "max_request_bytes",
            "query_timeout",
            "max_result_rows",
            "max_result_bytes",
            "max_query_bytes",
            "max_query_depth",
            "endpoint_workers",
            "long_query_after",
            "long_queries",
            "worker_queue",
            "client_limit",
            "validation_workers",
            "validation_timeout",
            "worker_memory_mb",
            "pdf_timeout",
        ):
            if getattr(self, name) <= 0:
                raise ConfigError(f"setting {name} must be positive, got {getattr(self, name)}")
        if self.store_mode not in ("disk", "memory"):
            raise ConfigError(f"setting store_mode must be disk or memory, got {self.store_mode!r}")
        if self.worker_sandbox not in ("required", "optional"):
            raise ConfigError(
                f"setting worker_sandbox must be required or optional, got {self.worker_sandbox!r}"
            )
        if self.store_dataset not in ("explicit", "server"):
            raise ConfigError(
                f"setting store_dataset must be explicit or server, got {self.store_dataset!r}"
            )
        if self.store_url is not None:
            url = str(self.store_url).strip()
            if not url.startswith(("http://", "https://")):
                raise ConfigError(f"store_url must be an http(s) URL, got {url!r}")
            object.__setattr__(self, "store_url", url)
        if self.base_url is not None:
            object.__setattr__(self, "base_url", check_base_url(self.base_url))

    @property
    def public_base_url(self) -> str:
        """:attr:`base_url`, else the default address of ``kg serve``."""
        return self.base_url or "http://127.0.0.1:5000"

    @classmethod
    def for_home(cls, home: Path | str, **overrides: object) -> Settings:
        """Settings for an explicit home directory, with optional overrides."""
        return cls(home=Path(home), **overrides)  # type: ignore[arg-type]

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, cwd: Path | None = None
    ) -> Settings:
        """Settings from the environment.

        Recognised variables: ``KG_HOME``, ``KG_STORE_DIR``, ``KG_RULES_DIR``,
        ``KG_INTEGRITY_DIR``,
        ``KG_MAX_FILE_BYTES``, ``KG_MAX_RULE_ITERATIONS``, ``KG_JAVA_MEMORY_MB``,
        ``KG_REASON`` (``0``/``false``/``no`` to skip HermiT); for the SPARQL endpoint
        ``KG_STORE_URL``, ``KG_STORE_DATASET``, ``KG_QUERY_TIMEOUT``,
        ``KG_MAX_RESULT_ROWS``, ``KG_MAX_RESULT_BYTES``, ``KG_MAX_QUERY_BYTES``,
        ``KG_MAX_QUERY_DEPTH``,
        ``KG_ENDPOINT_WORKERS``, ``KG_LONG_QUERY_AFTER``, ``KG_LONG_QUERIES``,
        ``KG_WORKER_QUEUE``, ``KG_CLIENT_LIMIT``,
        ``KG_VALIDATION_WORKERS``, ``KG_VALIDATION_TIMEOUT``,
        ``KG_WORKER_MEMORY_MB``, ``KG_STORE_MODE``,
        ``KG_CORS_ORIGIN``, ``KG_BASE_URL``, ``KG_WORKER_SANDBOX``; for briefing PDFs
        ``KG_CHROMIUM``, ``KG_PDF_TIMEOUT``.
        """
        environ = os.environ if environ is None else environ
        overrides: dict[str, object] = {}
        for var, name in (
            ("KG_STORE_DIR", "store_dir"),
            ("KG_RULES_DIR", "rules_dir"),
            ("KG_INTEGRITY_DIR", "integrity_dir"),
        ):
            if environ.get(var, "").strip():
                overrides[name] = Path(environ[var].strip()).expanduser()
        for var, name in (
            ("KG_MAX_FILE_BYTES", "max_file_bytes"),
            ("KG_MAX_RULE_ITERATIONS", "max_rule_iterations"),
            ("KG_JAVA_MEMORY_MB", "java_memory_mb"),
            ("KG_MAX_RESULT_ROWS", "max_result_rows"),
            ("KG_MAX_RESULT_BYTES", "max_result_bytes"),
            ("KG_MAX_QUERY_BYTES", "max_query_bytes"),
            ("KG_MAX_QUERY_DEPTH", "max_query_depth"),
            ("KG_ENDPOINT_WORKERS", "endpoint_workers"),
            ("KG_LONG_QUERIES", "long_queries"),
            ("KG_WORKER_QUEUE", "worker_queue"),
            ("KG_CLIENT_LIMIT", "client_limit"),
            ("KG_VALIDATION_WORKERS", "validation_workers"),
            ("KG_WORKER_MEMORY_MB", "worker_memory_mb"),
        ):
            raw = environ.get(var, "").strip()
            if raw:
                try:
                    overrides[name] = int(raw)
                except ValueError:
                    raise ConfigError(f"{var}={raw!r} is not an integer") from None
        for var, name in (
            ("KG_QUERY_TIMEOUT", "query_timeout"),
            ("KG_LONG_QUERY_AFTER", "long_query_after"),
            ("KG_VALIDATION_TIMEOUT", "validation_timeout"),
            ("KG_PDF_TIMEOUT", "pdf_timeout"),
        ):
            raw = environ.get(var, "").strip()
            if raw:
                try:
                    overrides[name] = float(raw)
                except ValueError:
                    raise ConfigError(f"{var}={raw!r} is not a number of seconds") from None
        for var, name in (
            ("KG_STORE_URL", "store_url"),
            ("KG_STORE_DATASET", "store_dataset"),
            ("KG_STORE_MODE", "store_mode"),
            ("KG_CORS_ORIGIN", "cors_origin"),
            ("KG_BASE_URL", "base_url"),
            ("KG_WORKER_SANDBOX", "worker_sandbox"),
            ("KG_CHROMIUM", "chromium"),
        ):
            if environ.get(var, "").strip():
                overrides[name] = environ[var].strip()
        raw = environ.get("KG_REASON", "").strip().lower()
        if raw:
            if raw not in {"0", "1", "true", "false", "yes", "no", "on", "off"}:
                raise ConfigError(f"KG_REASON={raw!r}: use 1 or 0")
            overrides["reason"] = raw in {"1", "true", "yes", "on"}
        return cls.for_home(find_home(environ, cwd), **overrides)

    def with_(self, **changes: object) -> Settings:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def relative(self, path: Path) -> str:
        """``path`` relative to home when it is inside it, for messages."""
        try:
            return str(Path(path).absolute().relative_to(self.home))
        except ValueError:
            return str(path)


_BASE_URL_RE = re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d{1,5})?(?:/[A-Za-z0-9._~%/-]*)?$")


def check_base_url(value: str) -> str:
    """``value`` without a trailing ``/`` if it is a plain http(s) address (a host, an
    optional port and path; no query, fragment, user or odd character), else
    :class:`ConfigError`: it is written into responses as it is."""
    url = str(value).strip()
    bracketed = re.sub(r"^(https?://)\[[0-9A-Fa-f:.]+\]", r"\g<1>ipv6", url)  # [::1]
    if not _BASE_URL_RE.match(bracketed):
        raise ConfigError(
            f"base URL {url!r} is not a plain http(s) address such as "
            "https://kg.example.org or http://127.0.0.1:5000/kg (no query, fragment or user)",
            field="--base-url / KG_BASE_URL",
        )
    return url.rstrip("/")
