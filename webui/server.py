"""``kg serve``'s HTTP server: waitress, with the security headers on its own responses.

waitress answers some requests without calling the app: a body or header block over
its limits (413, 431), a request line it cannot read (400), and an app that fails
after it started answering or sends a header it cannot encode (500). Those answers
come from its ``ErrorTask``; waitress has no hook for their headers, so the channel
of each listening server is swapped for one whose error task adds them (waitress
3.0: ``BaseWSGIServer.channel_class``, ``HTTPChannel.error_task_class``).
"""

from __future__ import annotations

from typing import Any

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, create_server
from waitress.task import ErrorTask

from webui.http import SECURITY_HEADERS


class _HeaderedErrorTask(ErrorTask):
    """waitress's plain-text error answer, with the app's security headers."""

    def execute(self) -> None:
        # before the body is written: the status line and headers go out with it
        self.response_headers.extend(SECURITY_HEADERS.items())
        super().execute()


class _Channel(HTTPChannel):
    error_task_class = _HeaderedErrorTask


def make_server(app: Any, **adjustments: Any) -> Any:
    """A waitress server for ``app`` (``adjustments``: waitress's own, such as ``host``,
    ``port``, ``threads``), not yet running; call ``run()`` on it."""
    sockets: dict[int, Any] = {}
    server = create_server(app, map=sockets, **adjustments)
    for dispatcher in list(sockets.values()):
        if isinstance(dispatcher, BaseWSGIServer):
            dispatcher.channel_class = _Channel
    return server


def serve(app: Any, **adjustments: Any) -> None:
    """Serve ``app`` until interrupted (as ``waitress.serve`` does)."""
    server = make_server(app, **adjustments)
    server.print_listen("Serving on http://{}:{}")
    server.run()
