"""docs/limits.md lists every limit, with the default the code really has."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import re
from datetime import date
from typing import Any

import pytest

from kg.cli import make_parser
from kg.config import Settings
from kg.endpoint import guard
from kg.validation import inputs
from tests.helpers import REPO

DOC = REPO / "docs" / "limits.md"
ROW = re.compile(r"^\| `([^`]+)` \| (.*?) \| `([^`]+)`")

# Settings fields that are choices or places, not limits
NOT_LIMITS = {"reason", "infer_property_values", "keep_previous_version"}


def _documented() -> dict[str, str]:
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            rows[match.group(1)] = match.group(3)
    return rows


def _option_default(command: str, option: str) -> Any:
    parser = make_parser()
    sub = next(a for a in parser._actions if a.dest == "command" or a.choices)
    action = next(a for a in sub.choices[command]._actions if option in a.option_strings)
    return action.default


def _actual(name: str) -> Any:
    if name.startswith("kg ") and " --" in name:  # a command-line option
        command, option = name[3:].split(" ", 1)
        return _option_default(command, option)
    if name.startswith("Settings."):
        return next(f.default for f in dataclasses.fields(Settings) if f.name == name[9:])
    call = re.fullmatch(r"([\w.]+)\((\w+)=\.\.\.\)", name)
    if call:  # a keyword argument's default
        module, _, attr = call.group(1).rpartition(".")
        obj = getattr(importlib.import_module(module), attr)
        return inspect.signature(obj).parameters[call.group(2)].default
    module, _, attr = name.rpartition(".")
    if module.endswith(".Limits"):
        cls = importlib.import_module(module.rpartition(".")[0]).Limits
        return next(f.default for f in dataclasses.fields(cls) if f.name == attr)
    return getattr(importlib.import_module(module), attr)


def _same(documented: str, actual: Any) -> bool:
    if isinstance(actual, date):
        return documented == actual.isoformat()
    if isinstance(actual, float):
        return float(documented) == actual
    return documented == str(actual)


DOCUMENTED = _documented()


def test_the_table_is_there() -> None:
    assert len(DOCUMENTED) >= 20


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_documented_default_is_the_real_one(name: str) -> None:
    actual = _actual(name)
    assert _same(DOCUMENTED[name], actual), (
        f"{name}: docs say {DOCUMENTED[name]}, code has {actual!r}"
    )


def test_every_limit_is_documented() -> None:
    expected = {
        f"Settings.{f.name}"
        for f in dataclasses.fields(Settings)
        if f.type in ("int", "float") and f.name not in NOT_LIMITS
    }
    expected |= {f"kg.validation.inputs.Limits.{f.name}" for f in dataclasses.fields(inputs.Limits)}
    # the guard's count limits (its size and depth follow Settings, checked below)
    expected |= {
        f"kg.endpoint.guard.Limits.{f.name}"
        for f in dataclasses.fields(guard.Limits)
        if f.name not in ("max_bytes", "max_depth")
    }
    missing = sorted(expected - set(DOCUMENTED))
    assert not missing, f"limits not in docs/limits.md: {missing}"


def test_the_guard_defaults_follow_the_settings() -> None:
    # the guard's own defaults are used only by callers without Settings
    settings = {f.name: f.default for f in dataclasses.fields(Settings)}
    assert guard.Limits().max_bytes == settings["max_query_bytes"]
    assert guard.Limits().max_depth == settings["max_query_depth"]
