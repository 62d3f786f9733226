"""The defects of the time audit (issue 9), each as an instance of a rule, through the
pages' JSON twins and the shipped queries on the real build."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from flask.testing import FlaskClient

from kg.config import Settings
from kg.dates import Bound, Period
from kg.query import load_query, parse_query_text, run_query
from kg.store import open_store

LSCBS = ("liverpool", "knowsley", "sefton", "st-helens", "wirral")
TODAY = date.today().isoformat()


def page(client: FlaskClient, path: str, as_at: str | None = None) -> dict:
    url = path + ".json" + (f"?as_at={as_at}" if as_at else "")
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_json()


@pytest.mark.parametrize("as_at", ["2020-01-01", TODAY])
def test_no_merseyside_lscb_exists_or_holds_a_duty_after_2019(
    client: FlaskClient, as_at: str
) -> None:
    for lscb in LSCBS:
        data = page(client, f"/id/{lscb}-lscb", as_at)
        assert data["status"] == "not in force", (lscb, data["status_reason"])
        assert data["duties_held"] == [], lscb
    # in 2017 they existed, and held their duties
    knowsley = page(client, "/id/knowsley-lscb", "2017-08-01")
    assert knowsley["status"] == "in force"
    assert knowsley["duties_held"]
    # confirmed by the protocol in August 2017 only: after that, possibly (until its end)
    later = page(client, "/id/knowsley-lscb", "2018-12-01")
    assert later["status"] == "possibly in force"
    assert "29 September 2019" in later["status_reason"]


@pytest.mark.parametrize("as_at", ["2020-01-01", TODAY])
def test_no_local_probation_board_holds_a_duty(client: FlaskClient, as_at: str) -> None:
    data = page(client, "/id/kind-local-probation-board", as_at)
    assert data["status"] == "not in force"
    assert data["duties_held"] == []
    assert [r for r in data["roles"] if r["status"] != "not in force"] == []


def test_the_merseyside_diagram_changes_after_2019(client: FlaskClient) -> None:
    def edges(as_at: str) -> set[tuple[str, str, str]]:
        data = client.get(
            "/diagram.json?area=https%3A%2F%2Fw3id.org%2Fsafeguarding-kg%2Fid%2Fmappa-area-merseyside"
            f"&as_at={as_at}"
        ).get_json()
        return {(r["from"]["iri"], r["label"], r["to"]["iri"]) for r in data["elements"]["rows"]}

    then, later, now = edges("2017-09-01"), edges("2020-01-01"), edges(TODAY)
    assert then and then != later and then != now
    assert not any("lscb" in u or "lscb" in v for u, _, v in later if "kind-" not in u + v)


def test_a_placeholder_day_is_now_an_interval_said_plainly(client: FlaskClient) -> None:
    s14a = page(client, "/legislation/ukpga/2004/31/section/14A", "2010-01-01")
    assert s14a["valid_from"] is None  # no exact day is claimed
    assert s14a["period"]["start"] == {
        "earliest": "2009-11-12",
        "latest": "2010-04-01",
        "precision": "interval",
    }
    assert s14a["status"] == "possibly in force"
    assert s14a["status_reason"] == (
        "began between 12 November 2009 and 1 April 2010 (date not yet confirmed)"
    )
    html = client.get("/legislation/ukpga/2004/31/section/14A?as_at=2010-01-01").get_data(
        as_text=True
    )
    assert "possibly in force" in html and "12 November 2009" in html
    assert page(client, "/legislation/ukpga/2004/31/section/14A", "2009-06-01")["status"] == (
        "not in force"
    )
    s14b = page(client, "/legislation/ukpga/2004/31/section/14B", "2014-01-01")
    assert s14b["status"] == "not in force"  # before the 2014 Act's Royal Assent


def test_ukba_dtc_and_csods_start_no_earlier_than_their_basis(client: FlaskClient) -> None:
    ukba = page(client, "/id/ra-cja2003-s325-6-ukba")
    start = ukba["role_assignment"]["period"]["start"]
    assert (start["earliest"], start["latest"]) == ("2011-06-28", "2012-12-31")
    csods = page(client, "/id/child-sex-offender-disclosure-scheme")
    # no earlier than s.327A could be in force (the 2008 Act's Royal Assent, 8 May 2008)
    assert csods["period"]["start"]["earliest"] >= "2008-05-08"
    s327a = page(client, "/legislation/ukpga/2003/44/section/327A")
    assert csods["period"]["start"]["earliest"] >= s327a["period"]["start"]["earliest"]


def test_london_2004_bodies_have_lives_and_the_nominees_are_inferred(client: FlaskClient) -> None:
    cpc = page(client, "/id/london-cpc", TODAY)
    assert cpc["status"] == "not in force" and cpc["period"]["end"]["latest"] == "2007-02-28"
    group = page(client, "/id/acpc-mappa-sub-group-2004", "2005-01-01")
    assert group["status"] == "possibly in force"
    nominees = page(client, "/id/ra-london-2004-sub-group-smb-nominees")
    assert nominees["verification"]["status"] == "partlyVerified"
    assert nominees["verification"]["inferred_from"]


def test_no_ukba_or_welsh_body_sits_on_the_merseyside_smb(client: FlaskClient) -> None:
    smb = page(client, "/id/merseyside-smb", "2017-09-01")
    members = {r["holder"]["iri"].rsplit("/", 1)[-1] for r in smb["members"]}
    assert "kind-uk-border-agency" not in members
    assert "kind-local-health-board" not in members
    assert "merseyside-police" in members
    inferred = [r for r in smb["members"] if r["inferred_from"]]
    assert len(inferred) >= 8  # DTC agencies: from MAPPA FAQ 9, not from a protocol clause


def test_the_protocol_page_counts_what_cq14_lists(
    client: FlaskClient, cq: Callable[..., list[dict]]
) -> None:
    doc = page(client, "/id/merseyside-protocol-2017")
    rows = cq("cq14-protocol-discrepancies")
    assert len(doc["discrepancies"]) == len(rows)
    html = client.get("/id/merseyside-protocol-2017").get_data(as_text=True)
    assert f"differs from statute in {len(rows)} places" in html
    assert doc["cautions"]


def test_district_councils_are_local_housing_authorities(cq: Callable[..., list[dict]]) -> None:
    rows = cq("cq07-board-partners-dtc")
    district = [r for r in rows if r["holder"].endswith("kind-district-council")]
    assert district and all(r["alsoDtc"] in ("true", "1") for r in district), district


@pytest.mark.parametrize("day", ["2004-06-01", "2010-01-01", "2014-06-01", "2017-08-15", TODAY])
def test_cq18_and_the_pages_agree_on_every_duty(real_store: Settings, day: str) -> None:
    """The three-valued rule in SPARQL (cq18) and in Python (kg.dates) give the same status."""
    store = open_store(real_store)
    query = load_query(real_store.queries_dir / "cq18-in-force-at-date.rq", real_store)
    result = run_query(store, query, {"date": f'"{day}"^^<http://www.w3.org/2001/XMLSchema#date>'})
    rows = [dict(zip(result.variables, r, strict=True)) for r in result.rows]
    assert rows
    when = date.fromisoformat(day)

    def day_of(row: dict, name: str) -> date | None:
        t = row[name]
        return date.fromisoformat(t.value) if t is not None else None

    for r in rows:
        period = Period(
            Bound(day_of(r, "startEarliest"), day_of(r, "startLatest")),
            Bound(day_of(r, "endEarliest"), day_of(r, "endLatest")),
        )
        assert period.status(when).status.value == r["status"].value, r["duty"].value


def test_the_editor_opens_with_the_three_valued_pattern(
    client: FlaskClient, real_store: Settings
) -> None:
    data = client.get("/query.json?as_at=2010-01-01").get_json()
    query = data["default_query"]
    assert '"2010-01-01"^^xsd:date' in query and "possibly in force" in query
    result = run_query(open_store(real_store), parse_query_text(query))
    statuses = {row[2].value for row in result.rows}
    assert statuses == {"in force", "possibly in force"}
