"""The canary file notices when it is opened, and its ../ path reaches it."""

from __future__ import annotations

import os
from pathlib import Path

from tests.helpers import REPO
from tests.hostile.canary import Canary


def test_an_open_is_seen_and_counted_once(canary: Canary) -> None:
    canary.opened()
    assert canary.opened() == 0
    assert canary.secret in canary.path.read_text(encoding="utf-8")
    assert canary.opened() > 0
    assert canary.opened() == 0


def test_the_up_path_leads_from_the_project_to_the_canary(canary: Canary) -> None:
    up = canary.placeholders(REPO)["{canary_up}"]
    assert up.startswith("../")
    assert Path(os.path.normpath(REPO / up)) == canary.path
    canary.opened()
