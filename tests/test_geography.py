"""The reference geography (data/areas.ttl below its marker, data/geography-bodies.ttl)
against its sources.

The ONS lookups in data/sources/ons are read here, at test time, and compared with the
built store: a sample of authorities row by row (code, name, police area, MAPPA area),
the full set of districts and counties on the day each lookup describes, and the rule
that every authority lies in exactly one MAPPA area on any day. Dates are judged as the
pages judge them (kg.dates): an authority exists on a day when it is in force, or
possibly in force after the last day a source confirms it.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache

import pyoxigraph as ox
import pytest

from kg.config import SG, SGD, Settings
from kg.dates import Bound, Period, Status
from kg.store import open_store
from tests.helpers import REPO

pytestmark = pytest.mark.java

ONS = REPO / "data" / "sources" / "ons"
SAMPLE_DAYS = ("2005-01-01", "2010-01-01", "2017-08-01", "2020-01-01", "2026-12-06")
#: The day each lookup describes (see data/sources/ons/README.md).
AS_AT = {
    "lad-to-pfa-2017": "2017-01-16",
    "lad-to-pfa-2019": "2019-12-31",
    "lad-to-pfa-2023": "2023-12-31",
    "lad-to-utla-2017": "2017-12-31",
    "lad-to-utla-2019": "2019-04-01",
    "lad-to-utla-2023": "2023-04-01",
}
#: Authorities of every type and era, checked row by row against the lookups.
SAMPLE = (
    "E06000001",  # Hartlepool (unitary, 1996)
    "E06000014",  # York
    "E06000028",  # Bournemouth (abolished 2019)
    "E06000053",  # Isles of Scilly
    "E06000057",  # Northumberland (recoded 2013)
    "E06000058",  # Bournemouth, Christchurch and Poole (2019)
    "E06000063",  # Cumberland (2023)
    "E07000028",  # Carlisle (abolished 2023)
    "E07000112",  # Shepway, renamed Folkestone and Hythe
    "E07000240",  # St Albans
    "E07000244",  # East Suffolk (2019)
    "E08000013",  # St. Helens (label kept as 'St Helens')
    "E08000037",  # Gateshead
    "E09000001",  # City of London (its own police area)
    "E09000033",  # Westminster
    "W06000015",  # Cardiff
    "W06000023",  # Powys
)
CSA_TYPES = {
    "shireCounty",
    "unitaryAuthority",
    "metropolitanDistrict",
    "londonBorough",
    "cityOfLondon",
    "islesOfScilly",
    "welshPrincipalArea",
}
#: What ONS calls a police force area, when the MAPPA area has another name.
MAPPA_NAME_OF_PFA = {
    "E23000001": "London",
    "E23000034": "London",
    "E23000013": "Teesside",
    "E23000035": "Devon and Cornwall",
}


def read_lookup(stem: str) -> dict[str, dict[str, str]]:
    with (ONS / f"{stem}.csv").open(encoding="utf-8", newline="") as f:
        return {row["lad_code"]: row for row in csv.DictReader(f)}


def day(value: str) -> date:
    return date.fromisoformat(value)


@dataclass
class Place:
    iri: str
    label: str
    alt_labels: set[str]
    code: str | None
    kind: str  # authority type (local name) or "PoliceArea" / "MappaArea"
    period: Period
    within: set[str]

    def exists(self, on: str) -> bool:
        return self.period.status(day(on)).status is not Status.NOT_IN_FORCE

    def in_force(self, on: str) -> bool:
        return self.period.status(day(on)).status is Status.IN_FORCE


@dataclass
class Geo:
    places: dict[str, Place]
    councils: dict[str, set[str]]  # area IRI -> council IRIs
    forces: dict[str, set[str]]  # area IRI -> bodies of kind chief officer of police
    police_areas_of: dict[str, set[str]]  # MAPPA area IRI -> sg:policeArea values

    def of_kind(self, *kinds: str) -> list[Place]:
        return [p for p in self.places.values() if p.kind in kinds]

    def by_code(self, code: str) -> Place:
        found = [p for p in self.places.values() if p.code == code]
        assert len(found) == 1, f"{code}: {len(found)} areas"
        return found[0]

    def inside(self, place: Place, *kinds: str) -> list[Place]:
        """The areas of these kinds (any kind if none) that ``place`` lies within, at any depth."""
        found = [self.places[w] for w in sorted(place.within) if w in self.places]
        return [p for p in found if not kinds or p.kind in kinds]

    def mappa_areas(self, place: Place) -> set[str]:
        return {p.iri for p in self.inside(place, "MappaArea")}


def _first(values: list[ox.Literal]) -> date | None:
    return min(day(v.value) for v in values) if values else None


@pytest.fixture(scope="module")
def geo(real_store: Settings) -> Geo:
    store = open_store(real_store)
    rows = store.query(
        """
        PREFIX sg: <https://w3id.org/safeguarding-kg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?area ?class ?label ?type ?code ?alt ?within ?es ?ls ?ee ?le WHERE {
          VALUES ?class { sg:LocalAuthorityArea sg:PoliceArea sg:MappaArea }
          ?area a ?class ; rdfs:label ?label .
          OPTIONAL { ?area sg:authorityType ?type }
          OPTIONAL { ?area sg:gssCode ?code }
          OPTIONAL { ?area skos:altLabel ?alt }
          OPTIONAL { ?area sg:within ?within }
          OPTIONAL { ?area sg:earliestStart ?es }
          OPTIONAL { ?area sg:latestStart ?ls }
          OPTIONAL { ?area sg:earliestEnd ?ee }
          OPTIONAL { ?area sg:latestEnd ?le }
        }
        """,
    )
    collected: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        entry = collected[row["area"].value]
        for var in ("class", "label", "type", "code", "alt", "within", "es", "ls", "ee", "le"):
            term = row[var]
            if term is not None and term not in entry[var]:
                entry[var].append(term)
    places = {}
    for iri, e in collected.items():
        classes = {c.value.removeprefix(SG) for c in e["class"]}
        kind = (
            e["type"][0].value.removeprefix(SG)
            if e["type"]
            else ("MappaArea" if "MappaArea" in classes else "PoliceArea")
        )
        assert len(e["code"]) <= 1, f"{iri} has several GSS codes"
        places[iri] = Place(
            iri=iri,
            label=e["label"][0].value,
            alt_labels={a.value for a in e["alt"]},
            code=e["code"][0].value if e["code"] else None,
            kind=kind,
            period=Period(
                Bound(_first(e["es"]), _first(e["ls"])), Bound(_first(e["ee"]), _first(e["le"]))
            ),
            within={w.value for w in e["within"]},
        )
    councils: dict[str, set[str]] = defaultdict(set)
    forces: dict[str, set[str]] = defaultdict(set)
    for row in store.query(
        """
        PREFIX sg: <https://w3id.org/safeguarding-kg/ontology#>
        PREFIX sgd: <https://w3id.org/safeguarding-kg/id/>
        SELECT ?body ?area ?police WHERE {
          ?body a sg:Body ; sg:area ?area .
          ?area a sg:Area .
          BIND(EXISTS { ?body sg:ofKind sgd:kind-chief-officer-of-police } AS ?police)
        }
        """,
    ):
        target = forces if row["police"].value == "true" else councils
        target[row["area"].value].add(row["body"].value)
    police_areas_of: dict[str, set[str]] = defaultdict(set)
    for q in store.quads_for_pattern(
        None, ox.NamedNode(SG + "policeArea"), None, ox.DefaultGraph()
    ):
        police_areas_of[q.subject.value].add(q.object.value)
    return Geo(places, councils, forces, police_areas_of)


# --------------------------------------------------------------------------- the script


@cache
def build_geography():
    spec = importlib.util.spec_from_file_location(
        "build_geography", REPO / "scripts" / "build_geography.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_geography"] = module
    spec.loader.exec_module(module)
    return module


def test_generated_files_are_what_the_script_writes() -> None:
    module = build_geography()
    outputs = module.outputs(module.Geography())
    assert set(outputs) == {REPO / "data" / "areas.ttl", REPO / "data" / "geography-bodies.ttl"}
    for path, expected in outputs.items():
        assert path.read_text(encoding="utf-8") == expected, (
            f"{path.name} is out of date: run python scripts/build_geography.py"
        )


# --------------------------------------------------------------------------- against the CSVs


@pytest.mark.parametrize("code", SAMPLE)
def test_sample_authority_matches_the_lookups(geo: Geo, code: str) -> None:
    place = geo.by_code(code)
    seen = 0
    for stem, as_at in AS_AT.items():
        row = read_lookup(stem).get(code)
        if row is None:
            assert not place.in_force(as_at), f"{code} in force on {as_at}, not in {stem}"
            continue
        seen += 1
        assert row["lad_name"] in {place.label} | place.alt_labels, (stem, row["lad_name"])
        assert place.in_force(as_at), f"{code} is in {stem} but not in force on {as_at}"
        if "pfa_code" in row:
            police = geo.inside(place, "PoliceArea")
            assert [p.code for p in police] == [row["pfa_code"]]
            assert police[0].label == row["pfa_name"]
            expected = MAPPA_NAME_OF_PFA.get(row["pfa_code"], row["pfa_name"])
            mappa = geo.mappa_areas(place)
            assert {geo.places[m].label for m in mappa} == {expected}
            assert mappa == geo.mappa_areas(police[0])
        elif row["utla_code"].startswith("E10"):
            counties = geo.inside(place, "shireCounty")
            assert [(c.code, c.label) for c in counties] == [(row["utla_code"], row["utla_name"])]
    assert seen


@pytest.mark.parametrize("stem", sorted(AS_AT))
def test_authorities_on_each_lookup_day_are_the_lookups(geo: Geo, stem: str) -> None:
    as_at = AS_AT[stem]
    rows = read_lookup(stem)
    lads = {
        p.code
        for p in geo.of_kind(*(CSA_TYPES - {"shireCounty"}), "shireDistrict")
        if p.in_force(as_at)
    }
    assert lads == set(rows)
    assert len(lads) == {"2017": 348, "2019": 339, "2023": 318}[stem[-4:]]
    wales = {c for c in lads if c.startswith("W")}
    assert len(wales) == 22
    if stem.startswith("lad-to-utla"):
        counties = {p.code for p in geo.of_kind("shireCounty") if p.in_force(as_at)}
        assert counties == {r["utla_code"] for r in rows.values() if r["utla_code"][:3] == "E10"}
    else:
        police = {p.code: p.label for p in geo.of_kind("PoliceArea") if p.in_force(as_at)}
        assert police == {r["pfa_code"]: r["pfa_name"] for r in rows.values()}
        assert len(police) == 43


#: Lower-tier authorities (districts, unitaries, metropolitan districts, London boroughs,
#: the City, the Isles of Scilly, Welsh principal areas) existing on each sample day. Before
#: the lookups: 354 English and 22 Welsh before 1 April 2009, when 37 districts gave way to
#: 9 unitaries (the 2009 orders); after the last lookup, those of December 2023.
LOWER_TIER_ON = {
    "2005-01-01": 376,
    "2010-01-01": 348,
    "2017-08-01": 348,
    "2020-01-01": 339,
    "2026-12-06": 318,
}


@pytest.mark.parametrize("on", SAMPLE_DAYS)
def test_lower_tier_authorities_on_sample_days(geo: Geo, on: str) -> None:
    types = (CSA_TYPES - {"shireCounty"}) | {"shireDistrict"}
    existing = [p for p in geo.of_kind(*types) if p.exists(on)]
    assert len(existing) == LOWER_TIER_ON[on]
    per_area = defaultdict(int)
    for p in existing:
        for m in geo.mappa_areas(p):
            per_area[m] += 1
    assert len(per_area) == 42, "a MAPPA area has no district or unitary"


# --------------------------------------------------------------------------- MAPPA areas


def test_police_areas_of_the_mappa_areas(geo: Geo) -> None:
    mappa = geo.of_kind("MappaArea")
    assert len(mappa) == 42
    for m in mappa:
        areas = geo.police_areas_of[m.iri]
        assert areas, f"{m.label} has no police area"
        assert all(m.iri in geo.places[a].within for a in areas)
    london = next(m for m in mappa if m.label == "London")
    codes = {geo.places[a].code for a in geo.police_areas_of[london.iri]}
    assert codes == {"E23000001", "E23000034"}
    assert sum(len(geo.police_areas_of[m.iri]) for m in mappa) == 43


@pytest.mark.parametrize("on", ["2017-08-01", "2026-12-06"])
def test_every_mappa_area_has_a_police_force_and_a_childrens_services_authority(
    geo: Geo, on: str
) -> None:
    strict = on <= "2023-12-31"  # after the last lookup, only "possibly in force"
    for m in geo.of_kind("MappaArea"):
        inside = {p.iri for p in geo.places.values() if m.iri in p.within} | {m.iri}
        forces = {f for a in inside for f in geo.forces[a]}
        assert forces, f"{m.label}: no police force"
        csas = [
            p
            for p in geo.of_kind(*CSA_TYPES)
            if m.iri in p.within and (p.in_force(on) if strict else p.exists(on))
        ]
        assert csas, f"{m.label}: no children's services authority on {on}"
        assert all(geo.councils[p.iri] for p in csas), f"{m.label}: an authority has no council"


@pytest.mark.parametrize("on", SAMPLE_DAYS)
def test_every_authority_is_in_exactly_one_mappa_area(geo: Geo, on: str) -> None:
    types = CSA_TYPES | {"shireDistrict"}
    existing = [p for p in geo.of_kind(*types) if p.exists(on)]
    assert {p.kind for p in existing} == types
    for p in existing:
        assert len(geo.mappa_areas(p)) == 1, f"{p.label} ({p.kind}): {geo.mappa_areas(p)}"
        police = geo.inside(p, "PoliceArea")
        assert len(police) == 1, f"{p.label}: police areas {police}"
        assert police[0].exists(on)
    for p in existing:
        counties = geo.inside(p, "shireCounty")
        if p.kind == "shireDistrict":
            assert len(counties) == 1 and counties[0].exists(on), p.label
            assert geo.mappa_areas(counties[0]) == geo.mappa_areas(p)
        else:
            assert not counties, f"{p.label} ({p.kind}) lies in a county"


def test_missing_codes_are_recorded_as_missing(real_store: Settings, geo: Geo) -> None:
    store = open_store(real_store)
    without = [p for p in geo.of_kind(*CSA_TYPES, "shireDistrict") if p.code is None]
    assert {p.label for p in without} == {
        "Bedfordshire",
        "Cheshire",
        "Cornwall",
        "Durham",
        "Northumberland",
        "Shropshire",
        "Wiltshire",
    }
    for p in without:
        notes = [
            q.object.value
            for q in store.quads_for_pattern(
                ox.NamedNode(p.iri), ox.NamedNode(SG + "verificationNote"), None
            )
        ]
        assert any("No GSS code" in n for n in notes), p.label


def test_every_geography_fact_has_a_source_and_a_status(real_store: Settings) -> None:
    store = open_store(real_store)
    missing = list(
        store.query(
            """
            PREFIX sg: <https://w3id.org/safeguarding-kg/ontology#>
            SELECT ?x WHERE {
              VALUES ?g {
                <https://w3id.org/safeguarding-kg/graph/areas>
                <https://w3id.org/safeguarding-kg/graph/geography-bodies>
              }
              GRAPH ?g {
                { ?x a sg:LocalAuthorityArea } UNION { ?x a sg:PoliceArea } UNION { ?x a sg:Body }
              }
              FILTER NOT EXISTS { ?x sg:source ?s . ?x sg:verificationStatus ?v }
            }
            """,
        )
    )
    assert [r["x"].value for r in missing] == []


def test_merseyside_boroughs_keep_their_iris(geo: Geo) -> None:
    for name, code in [
        ("liverpool", "E08000012"),
        ("knowsley", "E08000011"),
        ("sefton", "E08000014"),
        ("st-helens", "E08000013"),
        ("wirral", "E08000015"),
    ]:
        place = geo.places[SGD + "la-area-" + name]
        assert place.code == code
        assert place.kind == "metropolitanDistrict"
        assert geo.places[SGD + "mappa-area-merseyside"].iri in place.within
