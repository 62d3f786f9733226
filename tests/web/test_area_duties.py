"""Who owes what to whom in every MAPPA area: the statutory arrangements that the rules
in queries/rules/derive-*.rq derive from the statutes and the geography (issue 10,
deliverables 2 and 4; docs/modelling.md, "Derived arrangements")."""

from __future__ import annotations

from datetime import date

import pytest
from flask.testing import FlaskClient

SGD = "https://w3id.org/safeguarding-kg/id/"
SG = "https://w3id.org/safeguarding-kg/ontology#"
DATES = ("2004-06-01", "2017-08-01", date.today().isoformat())
RANK = {"verified": 4, "verifiedSecondary": 3, "partlyVerified": 2, "unverified": 1}


@pytest.fixture(scope="module")
def mappa_areas(web_app) -> list[str]:  # type: ignore[no-untyped-def]
    listing = web_app.test_client().get("/areas.json").get_json()
    return sorted(a["iri"] for a in listing["areas"] if a["iri"].startswith(SGD + "mappa-area-"))


def test_there_are_42_mappa_areas(mappa_areas: list[str]) -> None:
    assert len(mappa_areas) == 42


@pytest.mark.parametrize("as_at", DATES)
def test_every_area_has_a_statutory_must_borne_by_its_own_bodies_and_a_diagram(
    client: FlaskClient, mappa_areas: list[str], as_at: str
) -> None:
    missing, empty = [], []
    for area in mappa_areas:
        page = client.get(f"/id/{area.removeprefix(SGD)}.json?as_at={as_at}").get_json()
        assert page["responsible_authorities"], area
        must_here = [
            b["party"]["iri"]
            for row in page["statutory_duties"]
            if row["modality"] == "must"
            for b in row["borne_here"]
            if b["concrete"] and b["status"] != "not in force"
        ]
        if not must_here:
            missing.append(area)
        diagram = client.get(f"/diagram.json?area={area}&as_at={as_at}").get_json()
        modalities = {e["data"]["modality"] for e in diagram["elements"]["edges"]}
        if "must" not in modalities:
            empty.append(area)
    assert not missing, f"no statutory 'must' borne by a body of: {missing}"
    assert not empty, f"no statutory 'must' edge in the diagram of: {empty}"


def test_merseyside_statute_beside_the_protocol(client: FlaskClient) -> None:
    page = client.get("/id/mappa-area-merseyside.json?as_at=2017-08-01").get_json()
    assert [r["iri"] for r in page["responsible_authorities"]] == [
        SGD + "merseyside-responsible-authority"
    ]  # the protocol's authority is reused, not duplicated
    police_duties = {
        row["duty"]["iri"]
        for row in page["statutory_duties"]
        for b in row["borne_here"]
        if b["party"]["iri"] == SGD + "merseyside-police" and b["route"] == "as a member of"
    }
    assert SGD + "duty-cja2003-s326-1-review" in police_duties
    assert all(row["modality"] != "will" for row in page["statutory_duties"])
    assert page["local_commitments"]
    assert "will" in {row["modality"] for row in page["local_commitments"]}
    assert all(  # made by the protocol's clauses, not by statute
        p["iri"].startswith(SGD + "merseyside-protocol-2017")
        for row in page["local_commitments"]
        for p in row["provisions"]
    )
    diagram = client.get("/diagram.json?area=sgd:mappa-area-merseyside&as_at=2017-08-01").get_json()
    assert {e["data"]["modality"] for e in diagram["elements"]["edges"]} >= {"must", "will"}


def test_a_derived_role_says_what_it_comes_from_and_is_no_better_verified(
    client: FlaskClient,
) -> None:
    page = client.get("/id/mappa-area-cumbria.json?as_at=2017-08-01").get_json()
    rows = {r["assignment"]["iri"]: r for r in page["derived_roles"]}
    carlisle = rows[SGD + "derived-ra-cja2003-s325-6-d-housing-council-carlisle"]
    assert {d["iri"] for d in carlisle["derived_from"]} == {
        SGD + "ra-cja2003-s325-6-d-housing",
        SGD + "council-carlisle",
    }
    assert carlisle["rule"] == "derive-2-ra-concrete-roles"
    assert carlisle["context"]["iri"] == SGD + "responsible-authority-cumbria"
    assert carlisle["role"]["iri"] == SG + "dutyToCooperateBody"
    for row in list(rows.values()) + [
        r
        for r in client.get("/id/mappa-area-merseyside.json?as_at=2017-08-01").get_json()[
            "derived_roles"
        ]
    ]:
        inputs = [
            client.get(d["href"] + ".json").get_json()["verification"]["status"]
            for d in row["derived_from"]
        ]
        assert row["verification"]["status"] == min(inputs, key=RANK.__getitem__), row[
            "assignment"
        ]["iri"]


def test_dates_are_the_overlap_and_cjcsa_members_end_in_2004(client: FlaskClient) -> None:
    page = client.get("/id/mappa-area-cumbria.json?as_at=2003-01-01").get_json()
    police = [
        r for r in page["derived_roles"] if r["holder"]["iri"] == SGD + "police-force-cumbria"
    ]
    assert [r["assignment"]["iri"] for r in police] == [
        SGD + "derived-ra-cjcsa2000-s67-police-police-force-cumbria"
    ]
    assert police[0]["to"] == "2004-04-04" and police[0]["status"] == "in force"


def test_no_english_only_duty_in_a_welsh_area(client: FlaskClient) -> None:
    page = client.get("/id/mappa-area-north-wales.json?as_at=2017-08-01").get_json()
    assert page["country"] == "Wales"
    holders = {r["holder"]["iri"] for r in page["derived_roles"]}
    assert SGD + "kind-local-health-board" in holders  # s.325(6)(g), Wales
    english = client.get("/id/mappa-area-cumbria.json?as_at=2017-08-01").get_json()
    assert SGD + "kind-local-health-board" not in {
        r["holder"]["iri"] for r in english["derived_roles"]
    }
    provisions = {p["iri"] for row in page["statutory_duties"] for p in row["provisions"]}
    # ss.10-14 of the Children Act 2004 (Part 2) extend to England only
    part2 = "https://www.legislation.gov.uk/ukpga/2004/31/section/1"
    assert not {p for p in provisions if p.startswith((part2 + "0", part2 + "1", part2 + "3"))}


def test_lscbs_derived_for_english_childrens_services_authorities_only(
    client: FlaskClient,
) -> None:
    page = client.get("/id/mappa-area-cumbria.json?as_at=2017-08-01").get_json()
    lscb = SGD + "derived-lscb-cumbria-county"
    assert lscb in {b["iri"] for b in page["boards"]}
    functions = [
        row
        for row in page["statutory_duties"]
        if any(b["party"]["iri"] == lscb for b in row["borne_here"])
    ]
    assert functions and all(
        p["iri"].startswith("https://www.legislation.gov.uk/")
        for r in functions
        for p in r["provisions"]
    )
    board = client.get("/id/derived-lscb-cumbria-county.json?as_at=2017-08-01").get_json()
    assert board["period"]["start"]["earliest"] == "2006-04-01"
    end = board["period"]["end"]
    assert (end["earliest"], end["latest"]) == ("2018-06-29", "2019-09-29")
    later = client.get("/id/mappa-area-cumbria.json?as_at=2024-01-01").get_json()
    assert [b["status"] for b in later["boards"] if b["iri"] == lscb] == ["not in force"]
    merseyside = client.get("/id/mappa-area-merseyside.json?as_at=2017-08-01").get_json()
    assert not [b for b in merseyside["boards"] if b["iri"].startswith(SGD + "derived-lscb-")]
    # Welsh areas get the Welsh LSCBs of s.31 (1 October 2006 to April 2016), never s.13's
    for as_at, status in (("2015-01-01", "in force"), ("2017-08-01", "not in force")):
        wales = client.get(f"/id/mappa-area-north-wales.json?as_at={as_at}").get_json()
        derived = [b for b in wales["boards"] if b["iri"].startswith(SGD + "derived-lscb-")]
        assert len(derived) == 6 and {b["status"] for b in derived} == {status}, as_at
    conwy = client.get("/id/derived-lscb-conwy.json?as_at=2015-01-01").get_json()
    assert "Local Safeguarding Children Board" not in conwy["types"]
    assert conwy["period"]["start"]["earliest"] == "2006-10-01"
    assert conwy["verification"]["status"] == "unverified"  # s.31 as read is unverified


def test_safeguarding_partners_from_2018(client: FlaskClient) -> None:
    page = client.get("/id/derived-safeguarding-partnership-cumbria-county.json?as_at=2020-01-01")
    data = page.get_json()
    members = {r["holder"]["iri"]: r for r in data["members"]}
    assert set(members) == {
        SGD + "council-cumbria-county",
        SGD + "police-force-cumbria",
        SGD + "kind-clinical-commissioning-group",
    }
    council = members[SGD + "council-cumbria-county"]
    assert council["role"]["iri"] == SG + "safeguardingPartner"
    assert council["period"]["start"]["earliest"] == "2018-06-29"
    wales = client.get("/id/mappa-area-north-wales.json?as_at=2020-01-01").get_json()
    assert not [b for b in wales["boards"] if b["iri"].startswith(SGD + "derived-safeguarding")]
    assert not [b for b in wales["boards"] if b["status"] != "not in force"]
