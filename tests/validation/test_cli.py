"""``python -m kg.validation`` as a real subprocess: exit codes and output formats."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from tests.validation.conftest import REPO

pytestmark = pytest.mark.slow
MERSEYSIDE = "examples/merseyside-2017.yaml"
CUMBRIA = "examples/cumbria-2017.yaml"


@pytest.fixture(autouse=True)
def _store(frame_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The statutory frame is read from the session's store, not from build/store."""
    monkeypatch.setenv("KG_STORE_DIR", str(frame_store))


def cli(*args: str, command: tuple[str, ...] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*(command or (sys.executable, "-m", "kg.validation")), *args],
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


@pytest.mark.parametrize(
    "command",
    [
        (sys.executable, "-m", "kg.validation"),
        (str(Path(sys.executable).parent / "kg"), "validate"),
    ],
)
def test_the_frame_finding_from_both_commands(command: tuple[str, ...]) -> None:
    result = cli(CUMBRIA, command=command)
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert (
        "WARNING [FR-2] Cumbria: the configuration has no duty-to-co-operate entry for Carlisle "
        "council as local housing authority (Criminal Justice Act 2003 s.325(6)(d)), which the "
        "statute expects on 1 August 2017."
    ) in text
    assert (
        "why: Criminal Justice Act 2003 s.325(6)(d) <https://www.legislation.gov.uk/ukpga/2003/44/section/325/6/d>"
        in text
    )
    assert result.stdout.rstrip().endswith("0 violations, 1 warning, 0 notes.")


def test_without_a_store_the_report_says_so_and_still_validates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KG_STORE_DIR", str(tmp_path / "none"))
    result = cli(CUMBRIA)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert (
        "NOTE [FR-0] The configuration was not compared with the statutory frame" in result.stdout
    )
    assert "kg build" in result.stdout
    assert result.stdout.rstrip().endswith("0 violations, 0 warnings, 1 note.")
