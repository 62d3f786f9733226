"""Compare (issue 11, item 4): two areas on a date, or one area on two dates, side by
side: the same statutory roles and who fills each, what local documents add, and each
side's validation status. Flask test client on the real build."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.web.test_pages import html

SGD = "https://w3id.org/safeguarding-kg/id/"
TWO_AREAS = "/compare.json?a=merseyside&b=cumbria&as_at=2017-08-01"
TWO_DATES = "/compare.json?area=mappa-area-merseyside&from=2004-06-01&to=2017-08-01"


def _row(result: dict, starts: str) -> dict:
    return next(r for r in result["roles"] if r["statutory"]["label"].startswith(starts))


def _names(side: list[dict]) -> list[str]:
    return [h["holder"]["label"] for h in side]


def test_two_areas_line_up_the_same_statutory_roles(client: FlaskClient) -> None:
    r = client.get(TWO_AREAS).get_json()["result"]
    assert r["mode"] == "areas"
    assert [s["area"]["iri"] for s in r["sides"]] == [
        SGD + "mappa-area-merseyside",
        SGD + "mappa-area-cumbria",
    ]
    police = _row(r, "Chief officer of police")
    assert _names(police["sides"][0]) == ["Merseyside Police"]
    assert _names(police["sides"][1]) == ["Cumbria police force"]
    assert not police["same"]
    yot = _row(r, "Youth offending teams")
    assert yot["same"] and _names(yot["sides"][0]) == ["youth offending team"]
    assert r["differences"] == sum(1 for x in r["roles"] if not x["same"])
    # one row per statutory role: no role appears twice
    keys = [x["statutory"]["iri"] for x in r["roles"]]
    assert len(keys) == len(set(keys))


def test_local_documents_and_validation_status_of_each_side(client: FlaskClient) -> None:
    r = client.get(TWO_AREAS).get_json()["result"]
    merseyside, cumbria = r["sides"]
    assert any(d["iri"] == SGD + "merseyside-protocol-2017" for d in merseyside["documents"])
    assert cumbria["documents"] == []
    mine, theirs = r["local"]
    assert mine["count"] > 0 and theirs["count"] == 0
    assert mine["documents"][0]["document"]["iri"] == SGD + "merseyside-protocol-2017"
    # each side's example configuration, validated as at the side's date
    assert merseyside["validation"][0]["configuration"] == "merseyside-2017"
    assert all("violation" in v["summary"] for s in r["sides"] for v in s["validation"])


def test_one_area_on_two_dates(client: FlaskClient) -> None:
    r = client.get(TWO_DATES).get_json()["result"]
    assert r["mode"] == "dates"
    assert [s["as_at"] for s in r["sides"]] == ["2004-06-01", "2017-08-01"]
    ccg = _row(r, "Clinical commissioning groups")
    assert _names(ccg["sides"][0]) == [] and ccg["only"] == 1  # not yet in 2004
    ha = _row(r, "Health Authorities")
    assert _names(ha["sides"][1]) == [] and ha["only"] == 0  # gone by 2017
    assert r["changes_href"] == "/changes?area=mappa-area-merseyside&from=2004-06-01&to=2017-08-01"
    page = html(client, TWO_DATES.replace(".json", ""))
    assert "Merseyside: 1 June 2004 and 1 August 2017 compared" in page


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("?a=merseyside", "b", "b is missing"),
        ("?a=nowhere&b=cumbria", "a", "no area is known as 'nowhere'"),
        ("?a=kind-lscb&b=cumbria", "a", "'kind-lscb' is not an area"),
        ("?area=merseyside&from=2004-06-01", "to", "to is missing"),
        ("?area=merseyside&from=2004-13-01&to=2017-08-01", "from", "not a real calendar date"),
        ("?area=merseyside&a=cumbria", "area", "either a and b, or area"),
        ("?a=merseyside&b=cumbria&colour=red", "colour", "no parameter 'colour'"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    client: FlaskClient, query: str, field: str, words: str
) -> None:
    response = client.get("/compare.json" + query)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["field"] == field and words in error["message"]
    page = client.get("/compare" + query)
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "Traceback" not in text and "There is a problem" in text


def test_the_empty_form_and_the_link_from_an_area_page(client: FlaskClient) -> None:
    page = html(client, "/compare")
    assert 'id="compare-a"' in page and 'id="compare-area"' in page
    area = html(client, "/id/mappa-area-merseyside?as_at=2017-08-01")
    assert 'href="/compare?a=mappa-area-merseyside&amp;as_at=2017-08-01"' in area


def test_a_bad_date_for_two_areas_is_refused_naming_as_at(client: FlaskClient) -> None:
    response = client.get("/compare.json?a=merseyside&b=cumbria&as_at=2017-02-30")
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "as_at"
    assert client.get("/compare?a=merseyside&b=cumbria&as_at=2017-02-30").status_code == 400


# The child-safeguarding roles each area's rules derive (issue 11, item 4): per children's
# services authority its ACPC, then its LSCB, then its safeguarding partners.
MERSEYSIDE_LAS = ["Knowsley", "Liverpool", "Sefton", "St Helens", "Wirral"]


def _board_row(result: dict, kind: str) -> dict:
    return next(r for r in result["roles"] if r["statutory"]["iri"] == SGD + kind)


def test_lscbs_on_one_date_and_safeguarding_partners_on_the_other(
    client: FlaskClient,
) -> None:
    q = "/compare.json?area=mappa-area-merseyside&from=2017-08-01&to=2020-01-01"
    r = client.get(q).get_json()["result"]
    lscb = _board_row(r, "kind-lscb")
    assert _names(lscb["sides"][0]) == [
        f"{la} Local Safeguarding Children Board" for la in MERSEYSIDE_LAS
    ]
    assert lscb["sides"][1] == [] and lscb["only"] == 0  # gone by 2020
    partnership = _board_row(r, "kind-safeguarding-partnership")
    assert partnership["sides"][0] == [] and len(partnership["sides"][1]) == 5
    partners = [x for x in r["roles"] if (x["role"] or {}).get("label") == "safeguarding partner"]
    # the local authority, the CCG (then the ICB) and the chief officer of police
    assert len(partners) == 3
    for row in partners:
        assert row["sides"][0] == [] and row["only"] == 1
        # one partner for each of the five partnerships
        assert len({h["context"]["iri"] for h in row["sides"][1]}) == 5
    ccg = next(x for x in partners if x["statutory"]["label"].startswith("Clinical"))
    assert set(_names(ccg["sides"][1])) == {"clinical commissioning group"}
    page = html(client, q.replace(".json", ""))
    assert "Knowsley Local Safeguarding Children Board" in page
    assert "Knowsley safeguarding partnership" in page


def test_acpcs_before_2006_then_lscbs(client: FlaskClient) -> None:
    r = client.get(TWO_DATES).get_json()["result"]
    acpc = _board_row(r, "kind-acpc")
    assert len(acpc["sides"][0]) == 5 and acpc["sides"][1] == []
    assert acpc["sides"][0][0]["status"] == "in force"
    lscb = _board_row(r, "kind-lscb")
    assert lscb["sides"][0] == [] and len(lscb["sides"][1]) == 5


def test_two_areas_each_with_its_own_boards(client: FlaskClient) -> None:
    r = client.get(TWO_AREAS).get_json()["result"]
    lscb = _board_row(r, "kind-lscb")
    assert _names(lscb["sides"][1]) == ["Cumbria Local Safeguarding Children Board"]
    assert len(lscb["sides"][0]) == 5 and not lscb["same"]
    # an English and a Welsh area: the two countries' LSCBs rest on different sections
    wales = client.get("/compare.json?a=north-wales&b=merseyside&as_at=2010-01-01")
    w = wales.get_json()["result"]
    assert _board_row(w, "kind-lscb-wales")["only"] == 0
    assert _board_row(w, "kind-lscb")["only"] == 1
