"""Errors reported to users.

Every error the pipeline expects derives from :class:`KGError`. The CLI prints
``str(error)`` (one line, no traceback) to stderr and exits with
``error.exit_code``:

====  ==========================================================
code  meaning
====  ==========================================================
1     other expected failure
2     bad input: unparsable or oversized file, inconsistent ontology,
      bad rule (or rules that never reach a fixpoint), bad query or
      parameter, bad configuration
3     no usable built store: none yet, or damaged (run ``kg build``)
69    a required external program (Java) is unavailable
71    ``kg serve``: the query workers' network sandbox cannot be set up
      (override: ``KG_WORKER_SANDBOX=optional``)
75    another build holds the build lock; try again later
====  ==========================================================

Unexpected exceptions are not ``KGError``; the CLI exits 70 for those.
"""

from __future__ import annotations

from pathlib import Path


class KGError(Exception):
    """Base class of expected, user-facing errors.

    Args:
        message: what went wrong, in one sentence.
        file: the input file concerned, if any.
        line: 1-based line in ``file``.
        column: 1-based column in ``file``.
        field: the name of the setting, parameter or field concerned.
        detail: optional extra text (e.g. a reasoner explanation), shown after
            the one-line message when the CLI prints the error.
    """

    exit_code: int = 1

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.column = column
        self.field = field
        self.detail = detail

    def location(self) -> str:
        """``file:line:column`` (as much as is known), or an empty string."""
        if self.file is None:
            return ""
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        prefix = self.location()
        if self.field is not None:
            prefix = f"{prefix}: {self.field}" if prefix else self.field
        message = " ".join(self.message.split())  # always a single line
        return f"{prefix}: {message}" if prefix else message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class InputError(KGError):
    """An input file or directory is unusable (missing, too large, badly named)."""

    exit_code = 2


class ParseError(InputError):
    """An input file is not valid Turtle."""


class InconsistentOntologyError(InputError):
    """The reasoner found the ontology plus data logically inconsistent."""


class QueryError(KGError):
    """A SPARQL query or one of its parameters is invalid or failed."""

    exit_code = 2


class ConfigError(KGError):
    """A setting or environment variable is invalid."""

    exit_code = 2


class RuleError(InputError):
    """A materialisation rule is invalid or the rules did not reach a fixpoint."""


class DataCheckError(InputError):
    """The data breaks a convention that a check in ``queries/checks`` enforces."""


class StoreMissingError(KGError):
    """No built store exists where one is expected."""

    exit_code = 3


class StoreCorruptError(StoreMissingError):
    """The built store's files are not the ones its build wrote (damaged on disk)."""


class ReasonerError(KGError):
    """The reasoner failed for a reason other than an inconsistency."""

    exit_code = 1


class ReasonerUnavailableError(ReasonerError):
    """The reasoner cannot run (usually: no Java runtime)."""

    exit_code = 69


class BuildLockedError(KGError):
    """Another ``kg build`` is running on the same store."""

    exit_code = 75
