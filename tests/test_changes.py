"""What changed between two dates (issue 11, item 1): the window rules, and real
questions asked of the real build, through the library and ``kg changes``."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from kg.browse import BadParameterError
from kg.browse.catalog import Catalog, CatalogCache
from kg.changes import Certainty, Change, Window, changes, parse_query
from kg.changes.facts import facts
from kg.changes.formats import render
from kg.changes.report import _count_sentence
from kg.changes.sentences import plural
from kg.changes.window import occurrence
from kg.config import Settings
from kg.dates import Bound
from kg.query import load_query, run_query
from kg.store import open_store
from tests.helpers import run_kg

SGD = "https://w3id.org/safeguarding-kg/id/"
LEG = "https://www.legislation.gov.uk/"
D = date.fromisoformat
Y2019 = Window(D("2019-01-01"), D("2019-12-31"))
MERSEYSIDE = {
    SGD + a
    for a in ("mappa-area-merseyside", "la-area-liverpool", "la-area-knowsley", "la-area-sefton",
              "la-area-st-helens", "la-area-wirral")
}  # fmt: skip


# ------------------------------------------------------------------ the window


@pytest.mark.parametrize(
    ("earliest", "latest", "expected"),
    [
        ("2019-09-29", "2019-09-29", Certainty.CERTAIN),  # the day, inside
        ("2019-08-01", "2019-08-31", Certainty.CERTAIN),  # in August: inside, day unknown
        ("2019-01-01", "2019-01-01", Certainty.CERTAIN),  # the first day counts
        ("2019-12-31", "2019-12-31", Certainty.CERTAIN),  # and the last
        ("2017-08-01", "2019-09-29", Certainty.POSSIBLY),  # straddles the start
        ("2019-12-31", "2020-06-30", Certainty.POSSIBLY),  # touches the end
        ("2018-01-01", "2020-12-31", Certainty.POSSIBLY),  # spans it
        ("2018-12-31", "2018-12-31", None),  # the day before
        ("2020-01-01", "2020-03-01", None),  # after
        (None, "2019-06-01", Certainty.POSSIBLY),  # by a day in it
        (None, "2020-06-01", Certainty.OPEN),  # by a later day: in it, or before
        (None, "2018-06-01", None),  # by an earlier day: not in it
        ("2019-06-01", None, Certainty.POSSIBLY),  # confirmed until a day in it
        ("2017-08-01", None, Certainty.OPEN),  # confirmed until an earlier day
        ("2020-06-01", None, None),  # confirmed until a later day
        (None, None, None),
    ],
)
def test_a_day_known_within_bounds_is_certain_possible_or_open(
    earliest: str | None, latest: str | None, expected: Certainty | None
) -> None:
    bound = Bound(D(earliest) if earliest else None, D(latest) if latest else None)
    found = occurrence(bound, Change.ENDED, Y2019)
    assert (found.certainty if found else None) == expected
    if found and found.certainty is not Certainty.CERTAIN:
        assert found.reason  # never "possibly" without saying why


def test_plural_makes_the_noun_plural_not_the_qualifier() -> None:
    assert plural("Local Safeguarding Children Board") == "Local Safeguarding Children Boards"
    assert plural("police authority") == "police authorities"
    assert plural("governor or director of a prison") == "governors or directors of a prison"
    assert plural("Local Safeguarding Children Board (Wales)") == (
        "Local Safeguarding Children Boards (Wales)"
    )


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "1 council (geography) possibly ended in this period: it ended by a day"),
        (3, "3 councils (geography) possibly ended in this period: they ended by a day"),
    ],
)
def test_a_count_of_one_is_it_not_they(count: int, expected: str) -> None:
    row = {
        "count": count,
        "what": "council",
        "change": "ended",
        "first": "2019-03-01",
        "last": "2019-04-30",
        "origin": "geography",
        "certainty": "possibly",
        "known_side": "latest",
    }
    assert _count_sentence(row).startswith(expected)


# ------------------------------------------------------------- on the real data


@pytest.fixture(scope="module")
def cat(real_store: Settings) -> Catalog:
    return CatalogCache(real_store).get()


def ask(cat: Catalog, **values: str) -> dict:
    return changes(cat, parse_query(cat, values, today=D("2026-12-06")))


def events(result: dict) -> list[dict]:
    return [e for g in result["groups"] for e in g["events"]]


def find(result: dict, item: str, change: str) -> dict:
    found = [e for e in events(result) if e["item"]["iri"] == SGD + item and e["change"] == change]
    assert len(found) == 1, (item, change, [e["item"]["iri"] for e in events(result)][:20])
    return found[0]


def test_what_changed_for_lscbs_in_2019(cat: Catalog) -> None:
    result = ask(cat, **{"from": "2019-01-01", "to": "2019-12-31", "kind": "LSCB"})
    assert result["filters"]["kind"]["iri"] == SGD + "kind-lscb"
    # the last LSCBs ceased on 29 September 2019, with the repeal of s.13 (CSWA 2017)
    end = find(result, "kind-lscb", "ended")
    assert (end["certainty"], end["date"]) == ("certain", "2019-09-29")
    assert end["instrument"]["kind"] == "repeal"
    assert [i["iri"] for i in end["instrument"]["instruments"]] == [
        LEG + "ukpga/2017/16/section/30"
    ]
    assert end["sentence"].startswith(
        "On 29 September 2019 the last Local Safeguarding Children Boards ceased, with the "
        "repeal of Children Act 2004 s.13 by Children and Social Work Act 2017 s.30"
    )
    assert (
        "succeeded by local safeguarding partnerships (multi-agency safeguarding arrangements)"
        " under Children Act 2004 s.16E, in force from 29 June 2018." in end["sentence"]
    )
    # the Merseyside LSCBs ended on a day between 1 August 2017 and 29 September 2019:
    # only possibly in 2019, with the bounds, never a day the data does not have
    knowsley = find(result, "knowsley-lscb", "ended")
    assert knowsley["certainty"] == "possibly" and knowsley["date"] is None
    assert knowsley["when"] == {"earliest": "2017-08-01", "latest": "2019-09-29",
                                "precision": "interval"}  # fmt: skip
    assert "possibly ceased" in knowsley["sentence"]
    assert "between 1 August 2017 and 29 September 2019" in knowsley["sentence"]
    # the LSCBs' statutory functions went with them
    functions = [e for e in events(result) if e["item"]["label"].startswith("LSCB function")]
    assert len(functions) >= 5 and all(e["date"] == "2019-09-29" for e in functions)
    # the safeguarding partnerships that replaced them, one per area, are counted
    summary = {(r["what"], r["change"], r["certainty"]): r for r in result["per_area"]["summary"]}
    partnerships = summary[("safeguarding partnership", "began", "possibly")]
    assert partnerships["count"] > 100
    assert (partnerships["first"], partnerships["last"]) == ("2018-06-29", "2019-09-29")
    assert summary[("Local Safeguarding Children Board", "ended", "possibly")]["count"] > 100
    # and no derived row is listed without an area
    assert not [e for e in events(result) if e["scope"] == "per-area"]


def test_unfiltered_2019_lists_the_statute_and_counts_the_areas(cat: Catalog) -> None:
    result = ask(cat, **{"from": "2019-01-01", "to": "2019-12-31"})
    assert find(result, "kind-lscb", "ended")["certainty"] == "certain"
    assert {e["scope"] for e in events(result)} <= {"national", "local"}
    assert result["per_area"]["listed"] is False
    assert result["per_area"]["total"] > 500
    # certain only when every day the bounds allow is in 2019
    for e in events(result):
        inside = "2019-01-01" <= (e["when"]["earliest"] or "") <= (e["when"]["latest"] or "9")
        inside = inside and (e["when"]["latest"] or "9") <= "2019-12-31"
        assert (e["certainty"] == "certain") == inside, e["sentence"]


def test_what_changed_for_youth_offending_teams_since_2017(cat: Catalog) -> None:
    result = ask(cat, **{"from": "2017-01-01", "to": "2026-12-06", "kind": "youth offending team"})
    # they stopped being LSCB Board partners when s.13 was repealed ...
    partner = find(result, "ra-ca2004-s13-3-d-youth-offending-team", "ended")
    assert partner["date"] == "2019-09-29" and partner["instrument"]["kind"] == "repeal"
    # ... became relevant agencies under the 2018 Regulations (on a day not recorded) ...
    agency = find(result, "ra-cspr-ra-regs-2018-youth-offending-team", "began")
    assert agency["certainty"] == "certain" and not agency["day_known"]
    assert agency["instrument"]["kind"] == "commencement"
    assert "Between 29 June 2018 and 29 September 2019" in agency["sentence"]
    # ... and came under the duties of the roles they hold (s.16G(4), inserted by CSWA s.18)
    act = find(result, "duty-ca2004-s16g-4-act-in-accordance", "began")
    assert act["date"] == "2018-06-29" and act["instrument"]["kind"] == "insertion"
    assert act["instrument"]["instruments"][0]["iri"] == LEG + "ukpga/2017/16/section/18"
    # the Merseyside protocol named them as DTC agencies in August 2017
    local = find(result, "ra-merseyside-2017-dtc-yot", "began")
    assert local["instrument"]["kind"] == "local document"
    assert local["sentence"].startswith("In August 2017 the role")
    # nothing about other kinds of body
    assert not [e for e in events(result) if e["item"]["iri"] == SGD + "kind-lscb"]


def test_merseyside_around_1_august_2017(cat: Catalog) -> None:
    result = ask(cat, **{"from": "2017-07-01", "to": "2017-09-30", "area": "merseyside"})
    assert result["filters"]["area"]["iri"] == SGD + "mappa-area-merseyside"
    protocol = find(result, "merseyside-protocol-2017", "began")
    assert protocol["certainty"] == "certain" and protocol["when_text"] == "in August 2017"
    assert protocol["instrument"]["kind"] == "local document"
    groups = {g["kind"]: g for g in result["groups"]}
    assert "local document" in groups
    commitments = [e for e in groups["local document"]["events"] if e["what"] == "commitment"]
    assert len(commitments) >= 10
    # with an area, what the build derives for it is listed, not counted ...
    assert result["per_area"]["listed"] is True and result["per_area"]["summary"] == []
    derived = [e for e in events(result) if e["derived"]]
    assert derived and all(e["certainty"] == "possibly" for e in derived)
    for e in derived:
        assert {a["iri"] for a in e["areas"]} & MERSEYSIDE, e["item"]["iri"]


def test_an_area_gets_its_own_countrys_law(cat: Catalog) -> None:
    """The Social Services and Well-being (Wales) Act 2014 came into force on 6 April
    2016: a change for South Wales, not for Merseyside."""
    window = {"from": "2016-04-06", "to": "2016-04-06"}
    welsh = ask(cat, **window, area="south-wales")
    english = ask(cat, **window, area="merseyside")
    board = "kind-safeguarding-children-board-wales"
    assert find(welsh, board, "began")["instrument"]["kind"] == "commencement"
    assert not [e for e in events(english) if e["item"]["iri"] == SGD + board]
    welsh_law = [
        e for e in events(english)
        if any("/anaw/" in i["iri"] or "/wsi/" in i["iri"]
               for i in e["instrument"]["instruments"] + e["legal_basis"])
    ]  # fmt: skip
    assert welsh_law == []
    assert len(events(welsh)) > len(events(english))


def test_the_2017_to_2020_change_set_for_merseyside(cat: Catalog) -> None:
    """Issue 11's acceptance: the end of the Merseyside LSCBs and the start of the
    safeguarding partners, each attributed to its instrument."""
    result = ask(cat, **{"from": "2017-08-01", "to": "2020-01-01", "area": "merseyside"})
    end = find(result, "liverpool-lscb", "ended")
    assert end["certainty"] == "certain" and end["instrument"]["kind"] == "repeal"
    partners = [
        e for e in events(result)
        if e["change"] == "began" and "safeguarding partner in the Liverpool" in e["item"]["label"]
    ]  # fmt: skip
    assert partners
    for e in partners:
        assert e["instrument"]["kind"] == "insertion"
        assert e["instrument"]["instruments"][0]["iri"] == LEG + "ukpga/2017/16/section/16"


def test_an_empty_window(cat: Catalog) -> None:
    result = ask(cat, **{"from": "1950-01-01", "to": "1950-12-31"})
    assert result["groups"] == [] and result["counts"]["listed"] == 0
    # things known only to exist by a later day may have begun then: said apart, never listed
    assert {e["certainty"] for e in result["open"]} <= {"open"}
    assert "No change is recorded in this period." in render(result, "text")


def test_the_filters_are_checked_and_name_their_field(cat: Catalog) -> None:
    cases = [
        ({"from": "2019-13-01"}, "from", "not a real calendar date"),
        ({"to": "yesterday"}, "to", "is not a date"),
        ({"from": "2020-01-01", "to": "2019-01-01"}, "from", "is after to"),
        ({"area": "atlantis"}, "area", "no area is known"),
        ({"kind": "merseyside-police"}, "kind", "is not a kind of body"),
        ({"body": "kind-lscb"}, "body", "is not a body"),
        ({"board": "merseyside-police"}, "board", "is not a board"),
        ({"provision": "ukpga/1999/1"}, "provision", "no provision is known"),
    ]
    for values, field, words in cases:
        with pytest.raises(BadParameterError) as caught:
            parse_query(cat, values)
        assert caught.value.field == field and words in caught.value.message, values


def test_python_and_sparql_agree(cat: Catalog, real_store: Settings) -> None:
    """kg/changes/window.py and queries/changes/changed-between.rq: the same rows."""
    query = load_query(real_store.queries_dir / "changes" / "changed-between.rq", real_store)
    store = open_store(real_store)
    for start, end in (("2019-01-01", "2019-12-31"), ("2000-01-01", "2026-12-06"),
                       ("1950-01-01", "1950-12-31"), ("2017-08-01", "2017-08-01")):  # fmt: skip
        window = Window(D(start), D(end))
        ours = set()
        for fact in facts(cat):
            for change, bound in ((Change.BEGAN, fact.period.start),
                                  (Change.ENDED, fact.period.end)):  # fmt: skip
                found = occurrence(bound, change, window)
                if found:
                    ours.add((fact.iri, change.value, found.certainty.value))
        xsd = "^^<http://www.w3.org/2001/XMLSchema#date>"
        result = run_query(store, query, {"from": f'"{start}"{xsd}', "to": f'"{end}"{xsd}'})
        names = result.variables
        theirs = {
            (row[names.index("item")].value, row[names.index("change")].value,
             row[names.index("certainty")].value)
            for row in result.rows
        }  # fmt: skip
        assert ours == theirs, (start, end, sorted(ours ^ theirs)[:5])
        assert ours or start == "1950-01-01"


# ------------------------------------------------------------------- kg changes


def test_kg_changes_prints_text_csv_and_json(real_store: Settings) -> None:
    args = ["changes", "--from", "2019-01-01", "--to", "2019-12-31", "--kind", "kind-lscb"]
    text = run_kg(args, real_store)
    assert text.returncode == 0, text.stderr
    assert "On 29 September 2019 the last Local Safeguarding Children Boards ceased" in text.stdout
    assert "[possibly] Knowsley Local Safeguarding Children Board possibly ceased" in text.stdout
    rows = list(csv.DictReader(io.StringIO(run_kg([*args, "--format", "csv"], real_store).stdout)))
    lscb = [r for r in rows if r["item"] == SGD + "kind-lscb"]
    assert lscb and lscb[0]["instrument_kind"] == "repeal" and lscb[0]["earliest"] == "2019-09-29"
    assert any(r["scope"] == "per-area (counted)" and int(r["count"]) > 100 for r in rows)
    data = json.loads(run_kg([*args, "--format", "json"], real_store).stdout)
    assert data["from"] == "2019-01-01" and data["counts"]["listed"] == len(
        [r for r in rows if r["scope"] != "per-area (counted)" and r["certainty"] != "open"]
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--from", "2019-02-30"], "kg: error: from: '2019-02-30' is not a real calendar date"),
        (["--from", "2020-01-01", "--to", "2019-01-01"], "kg: error: from: from (2020-01-01)"),
        (["--area", "atlantis"], "kg: error: area: no area is known as 'atlantis'"),
        (["--kind", "nobody"], "kg: error: kind: no kind of body is known as 'nobody'"),
    ],
)
def test_kg_changes_refuses_bad_input_in_one_line(
    real_store: Settings, args: list[str], words: str
) -> None:
    proc = run_kg(["changes", *args], real_store)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.strip().startswith(words) and len(proc.stderr.strip().splitlines()) == 1
