"""Security headers on every response of the real server; CORS without credentials.

Over HTTP against ``kg serve``: pages and their JSON twins, error pages (400, 404,
413, 405), static files, the SPARQL endpoint (results, errors, preflight), VoID and
the service description all carry Content-Security-Policy, X-Content-Type-Options
and Referrer-Policy. The endpoint lets any origin read it, but never with
credentials, whatever the request sends.
"""

from __future__ import annotations

import pytest

from tests.endpoint.util import Server, http

pytestmark = pytest.mark.slow

QUERY = "ASK%7B%7D"
RESPONSES = [
    ("GET", "/", None),
    ("GET", "/index.json", None),
    ("GET", "/bodies", None),
    ("GET", "/query", None),
    ("GET", "/validate", None),
    ("GET", "/search?q=police", None),
    ("GET", "/bodies?as_at=not-a-date", None),  # 400
    ("GET", "/no/such/page", None),  # 404
    ("POST", "/validate", b"x" * (2 * 1024 * 1024)),  # 413
    ("DELETE", "/", None),  # 405
    ("GET", "/static/app.mjs", None),
    ("GET", f"/sparql?query={QUERY}", None),
    ("GET", "/sparql?query=SELEC", None),  # 400
    ("GET", "/sparql", None),  # service description
    ("GET", "/void", None),
    ("OPTIONS", "/sparql", None),  # preflight
]


@pytest.mark.parametrize(("method", "path", "body"), RESPONSES, ids=[r[1] for r in RESPONSES])
def test_security_headers_on_every_response(
    server: Server, method: str, path: str, body: bytes | None
) -> None:
    headers = {"Content-Type": "application/octet-stream"} if body else {}
    status, got, _ = http(method, server.url + path, data=body, headers=headers)
    assert status < 500, (path, status)
    assert got.get("x-content-type-options") == "nosniff", (path, got)
    assert got.get("referrer-policy"), (path, got)
    csp = got.get("content-security-policy", "")
    assert "default-src" in csp and "frame-ancestors 'none'" in csp, (path, csp)
    assert "unsafe-eval" not in csp, (path, csp)


@pytest.mark.parametrize(
    "request_headers",
    [
        {"Origin": "https://analyst.example"},
        {"Origin": "https://analyst.example", "Cookie": "session=x"},
        {"Origin": "null", "Access-Control-Request-Method": "POST"},
    ],
)
@pytest.mark.parametrize("method", ["GET", "OPTIONS"])
def test_cors_allows_reading_never_with_credentials(
    server: Server, method: str, request_headers: dict[str, str]
) -> None:
    status, got, _ = http(method, f"{server.url}/sparql?query={QUERY}", headers=request_headers)
    assert status in (200, 204)
    assert got.get("access-control-allow-origin") == "*"  # never the caller's origin echoed
    assert "access-control-allow-credentials" not in got
    if method == "OPTIONS":
        allowed = got.get("access-control-allow-headers", "").lower()
        assert "authorization" not in allowed and "cookie" not in allowed


def test_pages_are_not_cross_origin_readable(server: Server) -> None:
    _, got, _ = http("GET", server.url + "/bodies", headers={"Origin": "https://other.example"})
    assert "access-control-allow-origin" not in got


def test_kg_serve_runs_without_debug_even_when_asked(monkeypatch: pytest.MonkeyPatch, basic_store):
    from webui import create_serving_app

    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = create_serving_app({"KG_SETTINGS": basic_store})
    assert app.debug is False and app.testing is False
    assert app.config["PROPAGATE_EXCEPTIONS"] is False
