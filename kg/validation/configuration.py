"""What reading a configuration file produces, and the error it raises.

Kept apart from the readers (:mod:`kg.validation.inputs` for every format,
:mod:`kg.validation.yaml_config` for YAML) so that both can import it without
importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pyoxigraph as ox

from kg.errors import InputError

Term = ox.NamedNode | ox.BlankNode | ox.Literal


class ConfigurationError(InputError):
    """A configuration file cannot be used (exit code 2)."""


@dataclass(frozen=True)
class Limits:
    """Guards against oversized or hostile input."""

    max_bytes: int = 2 * 1024 * 1024
    max_triples: int = 200_000
    max_json_depth: int = 40
    # pyoxigraph's JSON-LD parser resolves a term defined through another term
    # (``"b": "a:x"``, ``"c": "b:y"``) recursively and crashed at 2,000-5,000 links
    # (bench/engine_bounds.py); every definition is expanded when the context is read
    max_jsonld_terms: int = 5000
    max_jsonld_chain: int = 32
    max_yaml_nodes: int = 50_000
    max_yaml_depth: int = 30


@dataclass(frozen=True)
class Location:
    file: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass
class ParsedSource:
    """One configuration file as triples, with where each node was written."""

    name: str
    triples: list[ox.Triple]
    locations: dict[Term, Location] = field(default_factory=dict)
    date: date | None = None


__all__ = ["ConfigurationError", "Limits", "Location", "ParsedSource", "Term"]
