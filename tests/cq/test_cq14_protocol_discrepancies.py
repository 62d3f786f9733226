"""Competency question 14: protocol statements that differ from the statute in August 2017."""

SGD = "https://w3id.org/safeguarding-kg/id/"
CJA = "https://www.legislation.gov.uk/ukpga/2003/44/section/"
CA = "https://www.legislation.gov.uk/ukpga/2004/31/section/"

EXPECTED = {
    "discrepancy-d1-childrens-services": "D1",
    "discrepancy-d1-lea": "D1",
    "discrepancy-d1-lhb": "D1",
    "discrepancy-d1-nhs-omission": "D1",
    "discrepancy-d1-jobcentre-plus": "D1",
    "discrepancy-d1-rsl": "D1",
    "discrepancy-d1-ukba": "D1",
    "discrepancy-d2-gpms": "D2",
    "discrepancy-d4-nps-crc": "D4",
    "discrepancy-d5-dtc-vs-board-partners": "D5",
    "discrepancy-d6-lscb-information-power": "D6",
    "discrepancy-d7-lscb-functions": "D7",
}


def _by_name(rows):
    return {r["discrepancy"].removeprefix(SGD): r for r in rows}


def test_the_differences_at_the_protocols_date(cq):
    rows = cq("cq14-protocol-discrepancies")
    assert {name: r["code"] for name, r in _by_name(rows).items()} == EXPECTED
    assert [r["code"] for r in rows] == sorted(r["code"] for r in rows)
    assert {r["asAt"] for r in rows} == {"2017-08-01"}


def test_d3_is_a_caution_not_a_difference(cq):
    names = set(_by_name(cq("cq14-protocol-discrepancies")))
    assert "discrepancy-d3-nhs-board-partners" not in names


def test_provisions_and_types(cq):
    rows = _by_name(cq("cq14-protocol-discrepancies"))
    provisions = {name: set((r["provisions"] or "").split()) for name, r in rows.items()}
    assert provisions["discrepancy-d1-lhb"] == {CJA + "325/6", CJA + "325/6/g"}
    assert provisions["discrepancy-d1-nhs-omission"] == {
        CJA + "325/6/ba",
        CJA + "325/6/g",
        CJA + "325/6/h",
    }
    assert provisions["discrepancy-d4-nps-crc"] == {CA + "13/3/ca", CA + "13/3/cb"}
    assert provisions["discrepancy-d6-lscb-information-power"] == {CA + "14B"}
    assert provisions["discrepancy-d2-gpms"] == set()
    assert set(rows["discrepancy-d1-ukba"]["types"].split("; ")) == {
        "anachronism (no longer in force at the document's date)",
        "wrong or non-statutory body named",
    }
    assert rows["discrepancy-d2-gpms"]["types"] == (
        "anachronism (no longer in force at the document's date)"
    )
    assert rows["discrepancy-d1-lea"]["types"] == "outdated terminology"
    assert "UK Borders Agency" in rows["discrepancy-d1-ukba"]["seedSays"]
    assert "2 April 2014" in rows["discrepancy-d2-gpms"]["statuteSays"]


def test_london_report_has_no_difference_at_its_date(cq):
    # D8 (the London report) is recorded as a caution only.
    assert cq("cq14-protocol-discrepancies", document=SGD + "london-report-2004") == []
