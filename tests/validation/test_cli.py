"""``python -m kg.validation`` as a real subprocess: exit codes and output formats."""

from __future__ import annotations

import json
import subprocess
import sys

import pyoxigraph as ox
import pytest

from tests.validation.conftest import REPO

pytestmark = pytest.mark.slow
MERSEYSIDE = "examples/merseyside-2017.yaml"


def cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg.validation", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_text_report_and_exit_codes() -> None:
    ok = cli(MERSEYSIDE)
    assert ok.returncode == 0, ok.stderr
    assert "As at 2017-08-01 (the configuration's date)" in ok.stdout
    assert (
        "WARNING [DTC-2]" in ok.stdout and "why:   Criminal Justice Act 2003 s.325(6)" in ok.stdout
    )
    assert ok.stdout.rstrip().endswith("0 violations, 7 warnings, 5 notes.")
    failing = cli(MERSEYSIDE, "--as-at", "2020-01-01")
    assert failing.returncode == 1
    assert "VIOLATION [BOARD-1]" in failing.stdout


def test_json_and_turtle() -> None:
    data = json.loads(cli(MERSEYSIDE, "--format", "json").stdout)
    assert data["summary"] == {"violations": 0, "warnings": 7, "infos": 5}
    assert data["findings"][0]["provisions"][0]["iri"].startswith("https://")
    turtle = cli(MERSEYSIDE, "--as-at", "2020-01-01", "--format", "turtle")
    assert turtle.returncode == 1
    triples = list(ox.parse(turtle.stdout.encode(), format=ox.RdfFormat.TURTLE))
    sh = "http://www.w3.org/ns/shacl#"
    conforms = [t.object.value for t in triples if t.predicate.value == sh + "conforms"]
    assert conforms == ["false"]
    assert sum(1 for t in triples if t.predicate.value == sh + "result") == 23


def test_html_escapes_configuration_text(tmp_path) -> None:
    hostile = tmp_path / "x.yaml"
    hostile.write_text(
        "configuration: x\ntitle: T\narea: merseyside\ndate: 2017-08-01\nbodies:\n"
        "  - id: evil\n    label: '<script>alert(1)</script>\u202e'\n",
        encoding="utf-8",
    )
    out = cli(str(hostile), "--format", "html").stdout
    assert "<script>alert" not in out and "&lt;script&gt;" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("missing.yaml",), "error: missing.yaml: cannot read file: No such file or directory"),
        (("examples/merseyside-2017.yaml", "--as-at", "2017-13-01"), "expected YYYY-MM-DD"),
        (("examples/merseyside-2017.yaml", "--as-at", "0000-01-01"), "expected YYYY-MM-DD"),
    ],
)
def test_bad_input_exits_2_without_traceback(args: tuple[str, ...], message: str) -> None:
    result = cli(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
