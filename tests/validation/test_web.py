"""The Validate page shows the comparison with the statutory frame (no template of its
own: a frame finding is a finding like the shapes')."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kg.config import Settings
from tests.validation.conftest import REPO
from webui import create_app

CUMBRIA = REPO / "examples" / "cumbria-2017.yaml"


@pytest.fixture
def client(frame_store: Path, monkeypatch: pytest.MonkeyPatch) -> FlaskClient:
    # the page validates in this process here (kg serve uses workers): the frame is read
    # from KG_STORE_DIR, as `kg validate` reads it
    monkeypatch.setenv("KG_STORE_DIR", str(frame_store))
    settings = Settings.for_home(REPO, store_dir=frame_store)
    return create_app({"KG_SETTINGS": settings, "TESTING": True}).test_client()


def test_the_page_names_the_missing_housing_authority(client: FlaskClient) -> None:
    response = client.post(
        "/validate", data={"format": "yaml", "config": CUMBRIA.read_text(encoding="utf-8")}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "[FR-2]" in page
    assert (
        "Cumbria: the configuration has no duty-to-co-operate entry for Carlisle council as "
        "local housing authority (Criminal Justice Act 2003 s.325(6)(d))"
    ) in page
    assert "Criminal Justice Act 2003 s.325(6)(d)</a>" in page


def test_the_json_twin_and_the_example_link(client: FlaskClient) -> None:
    data = client.get("/validate.json?example=cumbria-2017").get_json()
    [finding] = data["report"]["findings"]
    assert finding["rule"] == "FR-2"
    assert finding["value"] == "https://w3id.org/safeguarding-kg/id/council-carlisle"
    assert data["report"]["summary"] == {"violations": 0, "warnings": 1, "infos": 0}
