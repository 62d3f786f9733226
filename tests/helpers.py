"""Helpers shared by the tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from kg.config import Settings

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
RULES = REPO / "queries" / "rules"


def require_java() -> None:
    """Skip when Java is missing, except on CI (CI=true), where that is a failure."""
    if shutil.which("java"):
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(
            "Java is required on CI for the HermiT tests (apt-get install default-jre-headless)"
        )
    pytest.skip("no Java runtime: HermiT cannot run")


def fixture_settings(name: str, store_dir: Path, **overrides: object) -> Settings:
    """Settings for tests/fixtures/<name>, with the repository's rules."""
    return Settings.for_home(FIXTURES / name, store_dir=store_dir, rules_dir=RULES, **overrides)


def kg_env(settings: Settings, **extra: str) -> dict[str, str]:
    """Environment for running the CLI against ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env.update(
        KG_HOME=str(settings.home),
        KG_STORE_DIR=str(settings.store_dir),
        KG_RULES_DIR=str(settings.rules_dir),
        PYTHONWARNINGS="error",
        # the code under test, wherever the subprocess runs (the venv's own install
        # may point at another checkout)
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    )
    env.update(extra)
    return env


def run_kg(
    args: Sequence[str], settings: Settings, timeout: float = 120, **extra_env: str
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m kg ARGS`` in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "kg", *args],
        env=kg_env(settings, **extra_env),
        cwd=settings.home,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
