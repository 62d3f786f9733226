"""Build, query, validate and serve the safeguarding duties knowledge graph."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # kg.validate without importing the validation machinery for every `kg` command
    if name == "validate":
        from kg.validation import validate

        return validate
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
