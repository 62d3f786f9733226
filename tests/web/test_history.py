"""A provision's history (issue 11, item 3): its effects with their instruments, the
legislation.gov.uk texts as at the page's date and as enacted, and the notice that a
provision seen at a past date changed later. Flask test client on the real build."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.web.test_pages import html

LEG = "https://www.legislation.gov.uk/"
S325 = "/legislation/ukpga/2003/44/section/325"


def _effects(data: dict) -> dict[str, dict]:
    return {r["effect"]["iri"].rsplit("/", 1)[-1]: r for r in data["effects"] if r["effect"]}


def test_s325_as_at_2017_links_to_the_2017_version_and_as_enacted(client: FlaskClient) -> None:
    data = client.get(S325 + ".json?as_at=2017-08-01").get_json()
    assert data["read"]["as_at"] == LEG + "ukpga/2003/44/section/325/2017-08-01"
    assert data["read"]["original"] == LEG + "ukpga/2003/44/section/325/enacted"
    assert data["read"]["latest"] == LEG + "ukpga/2003/44/section/325"
    page = html(client, S325 + "?as_at=2017-08-01")
    assert 'href="https://www.legislation.gov.uk/ukpga/2003/44/section/325/2017-08-01"' in page
    assert "As it stood on 1 August 2017" in page
    assert 'href="https://www.legislation.gov.uk/ukpga/2003/44/section/325/enacted"' in page


def test_the_link_follows_the_page_date_and_secondary_legislation_reads_as_made(
    client: FlaskClient,
) -> None:
    data = client.get(S325 + "/6.json?as_at=2011-01-01").get_json()
    assert data["read"]["as_at"] == LEG + "ukpga/2003/44/section/325/6/2011-01-01"
    si = client.get("/legislation/uksi/2006/90.json?as_at=2010-01-01").get_json()
    assert si["read"]["as_at"] is None  # no point-in-time text is claimed for an S.I.
    assert si["read"]["original"] == LEG + "uksi/2006/90/made"


def test_s325_lists_every_effect_with_its_instrument_and_honest_dates(
    client: FlaskClient,
) -> None:
    data = client.get(S325 + ".json?as_at=2017-08-01").get_json()
    rows = _effects(data)
    commenced = rows["effect-cja2003-s325-commenced"]
    assert commenced["date"] == "2004-04-05" and commenced["made_by"] == []
    probation = rows["effect-cja2003-s325-1-probation-provider"]
    assert [m["iri"] for m in probation["made_by"]] == [LEG + "uksi/2008/912"]
    assert probation["date"] is None and probation["uncertain"]  # an interval, not 1 April 2008
    assert probation["when"]["earliest"] == "2004-04-06"
    assert probation["when"]["latest"] == "2013-04-01"
    ukba = rows["effect-cja2003-s325-6-ukba"]
    assert ukba["made_by"][0]["iri"].endswith("cppa-ukba-order-2011")
    assert ukba["when_text"] == "between 28 June 2011 and 31 December 2011"
    nhs = rows["effect-cja2003-s325-6-ba-nhs-cb"]
    assert nhs["type"] == "inserted" and nhs["made_by"][0]["iri"] == LEG + "ukpga/2012/7"
    # earliest first; an amendment the data names without a day is listed, undated, last
    sorts = [r["sort"] for r in data["effects"] if r["sort"]]
    assert sorts == sorted(sorts)
    undated = [r for r in data["effects"] if r["sort"] is None]
    assert any(m["iri"] == LEG + "ukpga/2022/31" for r in undated for m in r["made_by"])
    assert all(r["when_text"] == "date not recorded" for r in undated)
    page = html(client, S325 + "?as_at=2017-08-01")
    assert "Co-operation in Public Protection Arrangements (UK Border Agency) Order 2011" in page


def test_a_provision_seen_at_a_past_date_says_it_changed_later(client: FlaskClient) -> None:
    before = client.get(S325 + ".json?as_at=2010-01-01").get_json()
    later = {r["effect"]["iri"].rsplit("/", 1)[-1] for r in before["later_changes"] if r["effect"]}
    assert "effect-cja2003-s325-6-ukba" in later  # certainly after 1 January 2010
    assert "effect-cja2003-s325-6-ba-nhs-cb" in later  # possibly after: by 1 April 2013
    assert before["later_notice"].startswith("This provision changed after 1 January 2010")
    assert "This provision changed after 1 January 2010" in html(client, S325 + "?as_at=2010-01-01")
    # in 2017 every recorded change had certainly happened: no notice
    assert client.get(S325 + ".json?as_at=2017-08-01").get_json()["later_notice"] is None


def test_a_provision_without_effects_still_shows_its_commencement(client: FlaskClient) -> None:
    data = client.get("/legislation/ukpga/2003/44/section/326.json").get_json()
    rows = _effects(data)
    assert rows["effect-cja2003-s326-commenced"]["made_by"][0]["iri"] == LEG + "uksi/2004/829"
    s13 = client.get("/legislation/ukpga/2004/31/section/13.json").get_json()
    types = {r["type"] for r in s13["effects"]}
    assert "repealed" in types  # from its own end and sg:repealedBy


def test_an_instrument_is_listed_once_on_the_most_specific_part(client: FlaskClient) -> None:
    data = client.get(S325 + ".json").get_json()
    undated = [(r["what"]["label"], m["label"]) for r in data["effects"] if r["sort"] is None
               for m in r["made_by"]]  # fmt: skip
    # s.325(6) and (6)(g) both name the 2022 Act without a date: (6)(g) only; the 2012
    # Act is dated on (6)(ba) and (6)(g), so it is not repeated undated on s.325(6)
    assert undated == [("Criminal Justice Act 2003 s.325(6)(g)", "Health and Care Act 2022")]
    # a part inserted later is dated from its own start
    s13 = client.get("/legislation/ukpga/2004/31/section/13.json").get_json()
    lay = next(r for r in s13["effects"] if "(4A)" in r["what"]["label"])
    assert lay["type"] == "inserted"
    assert lay["when_text"] == "between 12 November 2009 and 1 April 2010"


def test_parts_that_came_in_with_their_section_are_not_repeated(client: FlaskClient) -> None:
    s327a = client.get("/legislation/ukpga/2003/44/section/327A.json").get_json()
    assert [(r["what"]["label"], r["type"]) for r in s327a["effects"]] == [
        ("Criminal Justice Act 2003 s.327A", "inserted")
    ]


def test_no_point_in_time_link_before_the_act_was_enacted(client: FlaskClient) -> None:
    early = client.get(S325 + ".json?as_at=2001-01-01").get_json()["read"]
    assert early["as_at"] is None  # Royal Assent 20 November 2003: no such text
    assert early["original"] == LEG + "ukpga/2003/44/section/325/enacted"
    assert "As it stood on" not in html(client, S325 + "?as_at=2001-01-01")


def test_an_effect_has_its_own_page(client: FlaskClient) -> None:
    data = client.get("/id/effect-cja2003-s325-6-ukba.json").get_json()
    assert data["page_type"] == "other" and data["verification"]["status"] == "partlyVerified"


# Effects beyond CJA 2003 Part 13 (issue 11, item 3): the fact sheet's amendments,
# insertions, commencements and repeals of the other provisions, each with its instrument.
CA = "/legislation/ukpga/2004/31/section/"


def test_ca2004_s14b_was_inserted_by_the_2014_act_on_a_day_not_known(
    client: FlaskClient,
) -> None:
    rows = _effects(client.get(CA + "14B.json").get_json())
    inserted = rows["effect-ca2004-s14b-inserted"]
    assert inserted["type"] == "inserted"
    assert [m["iri"] for m in inserted["made_by"]] == [LEG + "ukpga/2014/6"]
    # Royal Assent 13 March 2014; the commencement order was not read: an interval
    assert inserted["date"] is None and inserted["uncertain"]
    assert inserted["when_text"] == "between 13 March 2014 and 31 December 2014"
    assert inserted["verification"]["status"] == "unverified"


def test_ca2004_s13_board_partners_added_later_read_inserted(client: FlaskClient) -> None:
    data = client.get(CA + "13.json?as_at=2017-08-01").get_json()
    rows = _effects(data)
    for para in ("ca", "cb", "da"):
        row = rows[f"effect-ca2004-s13-3-{para}-inserted"]
        assert row["type"] == "inserted" and row["what"]["label"].endswith(f"(3)({para})")
        assert row["when"]["latest"] == "2013-04-01"  # in the text in force on 1 April 2013
        assert row["made_by"] == []  # the inserting provision is not in the sources
    assert not [r for r in data["effects"] if r["what"]["label"].endswith(")(ca)")
                and r["type"] == "commenced"]  # fmt: skip
    # commenced in two steps, each by its order
    regs = rows["effect-ca2004-ss13-16-regulations"]
    assert regs["date"] == "2005-03-01" and regs["made_by"][0]["iri"] == LEG + "uksi/2005/394"
    full = rows["effect-ca2004-ss13-16-commenced"]
    assert full["date"] == "2006-04-01" and full["made_by"][0]["iri"] == LEG + "uksi/2006/927"
    page = html(client, CA + "13?as_at=2017-08-01")
    assert "between 1 April 2008 and 1 April 2013" in page


def test_ca2004_s16e_inserted_by_cswa_2017_s16_with_its_commencement(
    client: FlaskClient,
) -> None:
    rows = _effects(client.get(CA + "16E.json").get_json())
    inserted = rows["effect-ca2004-s16e-inserted"]
    assert inserted["type"] == "inserted" and inserted["date"] == "2018-06-29"
    assert {m["iri"] for m in inserted["made_by"]} == {
        LEG + "ukpga/2017/16/section/16",
        LEG + "uksi/2018/497",
    }
    early = rows["effect-ca2004-s16e-3-commenced"]
    assert early["type"] == "commenced" and early["date"] == "2018-03-19"
    assert [m["iri"] for m in early["made_by"]] == [LEG + "uksi/2018/346"]
    icb = rows["effect-ca2004-s16e-3-b-icb"]
    assert icb["type"] == "amended" and icb["date"] == "2022-07-01"
    assert [m["iri"] for m in icb["made_by"]] == [LEG + "ukpga/2022/31"]


def test_ca2004_ss13_to_16_repealed_for_england_by_the_2017_act(client: FlaskClient) -> None:
    for section in ("13", "14", "14A", "14B", "15", "16"):
        data = client.get(CA + section + ".json?as_at=2017-08-01").get_json()
        repealed = [r for r in data["effects"] if r["type"] == "repealed"]
        # one repeal row, dated, naming what made it: not also listed undated
        assert len(repealed) == 1, section
        row = repealed[0]
        assert row["effect"]["iri"].endswith(f"effect-ca2004-s{section.lower()}-repealed")
        assert LEG + "ukpga/2017/16/section/30" in {m["iri"] for m in row["made_by"]}
        assert row["when_text"] == "between 29 June 2018 and 30 September 2019"
        assert row["after"] == "after" and row in data["later_changes"]


def test_cjcsa_2000_s67_commenced_and_was_superseded_by_the_2003_act(
    client: FlaskClient,
) -> None:
    rows = _effects(client.get("/legislation/ukpga/2000/43/section/67.json").get_json())
    assert rows["effect-cjcsa2000-ss67-68-commenced"]["date"] == "2001-04-01"
    ended = rows["effect-cjcsa2000-ss67-68-superseded"]
    assert ended["type"] == "repealed" and ended["date"] == "2004-04-05"
    assert [m["iri"] for m in ended["made_by"]] == [LEG + "ukpga/2003/44"]


def test_an_amendment_the_data_names_gets_its_date_from_an_effect(client: FlaskClient) -> None:
    # reg 5(1)(e) of the LSCB Regulations: sg:amendedBy S.I. 2010/622, now dated
    data = client.get("/legislation/uksi/2006/90/regulation/5/1/e.json").get_json()
    amended = [r for r in data["effects"] if r["type"] == "amended"]
    assert [r["when_text"] for r in amended] == ["in 2010"]  # a whole year
    assert amended[0]["made_by"][0]["iri"] == LEG + "uksi/2010/622"
    # the Welsh s.25(1A): inserted by the 2014 Welsh Act s.163 on 6 April 2016
    rows = _effects(client.get(CA + "25.json").get_json())
    welsh = rows["effect-ca2004-s25-inserted-2016"]
    assert welsh["type"] == "inserted" and welsh["date"] == "2016-04-06"
