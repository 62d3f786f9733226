"""Validate a local area's configuration against the statute, as at a date, and
compare it with the statutory frame of its area (:mod:`kg.validation.frame`).

>>> from kg.validation import validate          # doctest: +SKIP
>>> report = validate(["examples/merseyside-2017.yaml"])  # doctest: +SKIP
>>> report.summary()                            # doctest: +SKIP
'0 violations, 7 warnings, 5 notes'

See ``docs/validation.md`` for the configuration format, the rules and the output.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from kg.validation.frame import default_frame
from kg.validation.inputs import ConfigurationError, Limits
from kg.validation.report import Finding, Provision, ValidationReport
from kg.validation.validator import Source, Validator, default_validator

__all__ = [
    "ConfigurationError",
    "Finding",
    "Limits",
    "Provision",
    "Source",
    "ValidationReport",
    "Validator",
    "validate",
]


def validate(
    sources: Iterable[Source],
    *,
    as_at: date | None = None,
    store_dir: str | Path | None = None,
) -> ValidationReport:
    """Validate one configuration, given as one or more files, as at a date.

    Args:
        sources: paths (YAML, Turtle, JSON-LD or RDF/XML, chosen by extension), or
            ``(name, bytes)`` pairs for uploads. Several sources form one
            configuration.
        as_at: the date at which to judge the configuration; by default the
            configuration's own date, else today.

    The statutory frame of the configuration's area is read from the built store
    (``store_dir``: the server's own, else ``KG_STORE_DIR``, else ``build/store``);
    without one, a note says it was not compared.

    Raises:
        ConfigurationError: an input cannot be read or used (exit code 2).
    """
    validator = default_validator()
    if store_dir is not None:  # the shapes and reference loaded once; another frame
        validator = Validator(
            reference=validator.reference,
            shapes=validator.shapes,
            limits=validator.limits,
            frame=default_frame(store_dir),
        )
    return validator.validate(sources, as_at=as_at)
