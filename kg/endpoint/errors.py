"""Errors of the SPARQL endpoint, each with the HTTP status it is answered with."""

from __future__ import annotations

from kg.errors import KGError


class EndpointError(KGError):
    """An expected endpoint failure: answered with :attr:`status` and the message.

    The message is for the client: one line, no traceback, no server paths.
    """

    status: int = 400
    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        line: int | None = None,
        column: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message, line=line, column=column)
        if status is not None:
            self.status = status
        self.headers = dict(headers or {})

    def client_message(self) -> str:
        """The message, with the position when the parser gave one."""
        text = " ".join(self.message.split())
        if self.line is not None:
            where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
            return f"{text} ({where})"
        return text

    def __str__(self) -> str:
        return self.client_message()


class BadRequestError(EndpointError):
    """400: malformed request or query."""

    status = 400


class QuerySyntaxError(BadRequestError):
    """400: the query does not parse; carries the parser's position."""


class ForbiddenError(EndpointError):
    """403: an update (the endpoint is read-only)."""

    status = 403


class NotAcceptableError(EndpointError):
    """406: no result format matches ``Accept`` or ``format``."""

    status = 406


class PayloadTooLargeError(EndpointError):
    """413: the request body or the query is over the size limit."""

    status = 413


class UnsupportedMediaTypeError(EndpointError):
    """415: a POST body that is neither a form nor ``application/sparql-query``."""

    status = 415


class ServiceUnavailableError(EndpointError):
    """503: stopped at a limit, every worker busy, or no store."""

    status = 503


class SandboxUnavailableError(ServiceUnavailableError):
    """503 (``kg serve``: exit 71): the workers' network sandbox cannot be set up,
    and the policy requires it."""

    exit_code = 71


class QueryTimeoutError(ServiceUnavailableError):
    """503: the query ran past the time limit and was stopped."""


class QueryMemoryError(ServiceUnavailableError):
    """503: the query used more memory than the worker limit and was stopped."""


class BackendError(EndpointError):
    """502: the external SPARQL server failed or answered something unusable."""

    status = 502
