import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.helpers import fixture_settings, kg_env
from webui import TITLE, create_app


def test_home_page_lists_quads_per_graph(basic_store):
    client = create_app({"KG_SETTINGS": basic_store, "TESTING": True}).test_client()
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"<title>{TITLE}</title>" in html
    assert "sgg:sample-duties" in html and "sgg:inferred" in html
    assert page.headers["X-Content-Type-Options"] == "nosniff"

    data = client.get("/index.json").get_json()
    assert data["title"] == TITLE
    graphs = {g["graph"]: g["quads"] for g in data["graphs"]}
    assert graphs["https://w3id.org/safeguarding-kg/graph/sample-duties"] > 0
    assert data["total_quads"] == sum(graphs.values())


def test_missing_store_is_503(tmp_path):
    app = create_app({"KG_SETTINGS": fixture_settings("kg-basic", tmp_path / "store")})
    response = app.test_client().get("/index.json")
    assert response.status_code == 503
    assert "run `kg build`" in response.get_json()["error"]


def test_max_content_length_is_set(basic_store):
    app = create_app({"KG_SETTINGS": basic_store})
    assert app.config["MAX_CONTENT_LENGTH"] == basic_store.max_request_bytes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_kg_serve_answers_over_waitress(basic_store):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--port", str(port)],
        env=kg_env(basic_store),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    status, body = response.status, response.read().decode()
                    server = response.headers.get("Server", "")
                break
            except (urllib.error.URLError, ConnectionError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    out, err = proc.communicate(timeout=5)
                    pytest.fail(f"server did not answer (exit {proc.returncode}): {err}")
                time.sleep(0.1)
        assert status == 200
        assert TITLE in body
        assert server == "kg"  # waitress with our ident, not the Flask dev server
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


def test_kg_serve_without_store_exits_3(tmp_path):
    settings = fixture_settings("kg-basic", tmp_path / "store")
    proc = subprocess.run(
        [sys.executable, "-m", "kg", "serve", "--port", str(free_port())],
        env=kg_env(settings),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert proc.returncode == 3 and "run `kg build`" in proc.stderr
