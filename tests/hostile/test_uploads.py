"""Large uploads cost time in proportion to their size (issue 13, item 4).

Finding each subject's source line was a scan of every line per subject, then, once
that was an index, a loop over every prefix per subject: 8,000 prefixes and 8,000
subjects (650 KB) held a validation worker for about 30 s. Now one index, from every
IRI written (full, relative under the ``@base`` in force, or a prefixed name
expanded) to its first line, is built in one pass. ``kg validate`` has the
Validate page's time limit. Timings are in bench/validate_bench.py; here the web
upload must come back with its report, not be stopped at the time limit.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.config import Settings
from kg.validation.inputs import _rdf_locations
from tests.endpoint.util import Server
from tests.helpers import kg_env

pytestmark = pytest.mark.slow


def prefixes_and_subjects(n: int) -> str:
    """``n`` prefix declarations, then ``n`` relative subjects (no shape targets them)."""
    return (
        "".join(f"@prefix p{i}: <https://example.org/n{i}/> .\n" for i in range(n))
        + "@base <https://example.org/upload/> .\n"
        + "".join(f'<s{i}> <https://example.org/p> "x" .\n' for i in range(n))
    )


def test_one_index_finds_every_form_of_a_subject() -> None:
    text = (
        "@prefix ex: <https://example.org/a/> .\n"  # 1
        "@base <https://example.org/b/> .\n"  # 2
        "ex:one <https://example.org/p> 1 .\n"  # 3
        "<two> <https://example.org/p> 2 .\n"  # 4
        "<https://example.org/c/three> <https://example.org/p> 3 .\n"  # 5
        "@prefix ex: <https://example.org/d/> .\n"  # 6: redefined from here on
        "ex:one <https://example.org/p> 4 .\n"  # 7: d/one, not a/one
        "@base <https://example.org/e/> .\n"  # 8
        "<two> <https://example.org/p> 5 .\n"  # 9: e/two
        "ex:onex <https://example.org/p> 6 .\n"  # 10: not confused with ex:one
    )
    subjects = {q.triple.subject for q in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE)}
    lines = {s.value: loc.line for s, loc in _rdf_locations(text, "a.ttl", subjects).items()}
    assert lines == {
        "https://example.org/a/one": 3,
        "https://example.org/b/two": 4,
        "https://example.org/c/three": 5,
        "https://example.org/d/one": 7,
        "https://example.org/e/two": 9,
        "https://example.org/d/onex": 10,
    }


def _multipart(name: str, data: bytes, fields: dict[str, str]) -> tuple[bytes, str]:
    boundary = "kg-test-boundary-7d1f"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; filename="{name}"\r\n'
        "Content-Type: text/turtle\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def test_an_upload_with_many_prefixes_is_validated_not_stopped(hygiene_server: Server) -> None:
    """8,000 prefixes and 8,000 subjects: the report, within the server's 12 s limit."""
    data = prefixes_and_subjects(8000).encode()
    assert len(data) < 1024 * 1024  # under the request limit
    body, content_type = _multipart("many-prefixes.ttl", data, {"as_at": "2017-08-01"})
    request = urllib.request.Request(
        hygiene_server.url + "/validate.json",
        data=body,
        method="POST",
        headers={"Content-Type": content_type},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status, payload = response.status, response.read()
    except urllib.error.HTTPError as e:
        status, payload = e.code, e.read()
    assert status == 200, payload[:500]
    report = json.loads(payload)["report"]
    assert report["sources"] == ["many-prefixes.ttl"]


def test_kg_validate_stops_at_the_time_limit(real_store: Settings, tmp_path: Path) -> None:
    path = tmp_path / "large.ttl"
    path.write_text(
        "@prefix sg: <https://w3id.org/safeguarding-kg/ontology#> .\n"
        "@base <https://example.org/upload/> .\n"
        + "".join(f"<s{i}> a sg:Body .\n" for i in range(8000)),
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "kg", "validate", str(path), "--as-at", "2017-08-01"],
        env=kg_env(real_store, KG_VALIDATION_TIMEOUT="0.2"),
        cwd=real_store.home,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, (done.returncode, done.stderr[-500:])
    assert "stopped after 0.2 s, the time limit (KG_VALIDATION_TIMEOUT)" in done.stderr
    assert done.stdout == "" and "Traceback" not in done.stderr
