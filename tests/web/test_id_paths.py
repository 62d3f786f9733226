"""Entity paths are checked as local names before they are used (issue 13, item 5):
an odd path is a 404, never parsed as Turtle nor copied into the Link header."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient


@pytest.mark.parametrize(
    "path",
    [
        "/id/kind-lscb%3E%20.%20%23.ttl",  # "> . #": would end the IRI in a Turtle term
        "/id/kind-lscb%3E%20.%20%23.jsonld",
        "/id/%C3%A9t%C3%A9.ttl",  # non-ASCII
        "/id/kind-lscb%0D%0AX-Injected:%201.ttl",  # a header break
        "/legislation/ukpga/2003/44/section/325%3E.ttl",
        "/id/..%2Fshapes.ttl",
    ],
)
def test_odd_paths_are_404_with_no_header_echo(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404, path
    assert "X-Injected" not in response.headers
    assert ">" not in response.headers.get("Link", "")
    assert response.headers.get("Content-Security-Policy")  # our page, with our headers


def test_a_good_path_keeps_its_canonical_link(client: FlaskClient) -> None:
    response = client.get("/id/kind-lscb.ttl")
    assert response.status_code == 200
    assert response.headers["Link"] == (
        '<https://w3id.org/safeguarding-kg/id/kind-lscb>; rel="canonical"'
    )


@pytest.mark.parametrize(
    ("path", "text"), [("/sparql", True), ("/id/kind-lscb", False), ("/validate", False)]
)
def test_405_says_which_methods_are_allowed(client: FlaskClient, path: str, text: bool) -> None:
    """A 405 names the allowed methods (RFC 9110); /sparql's is plain text (issue 13, 6)."""
    response = client.put(path)
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert response.headers["Content-Type"].startswith("text/plain" if text else "text/html")
    assert response.headers.get("Content-Security-Policy")
