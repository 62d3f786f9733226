"""Benchmark ``kg validate`` on a national-scale set of area configurations.

Generates one YAML configuration per MAPPA area (42, from data/areas.ttl), each with
its responsible authority, duty-to-co-operate bodies, SMB, lay advisers, annual
reports, two to eight local authorities with their LSCBs and Board partners, a
protocol with a liaison role and an information-sharing rule, then prints the median
time to validate one area and all 42 (each area on its own, as a business manager
would), as at 2017-08-01.

    python bench/validate_bench.py [--runs 7] [--keep DIR] [--pyshacl] [--uploads-only]

It also times three large Turtle uploads (8,000 subjects each, one with 8,000 prefixes);
``--uploads-only`` times only those.

``--pyshacl`` also times stock pyshacl on the largest area's data graph, once.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kg.validation.inputs import load_source  # noqa: E402
from kg.validation.reference import SGD, default_reference  # noqa: E402
from kg.validation.validator import Validator  # noqa: E402

AS_AT = date(2017, 8, 1)


def area_config(slug: str, label: str, n_las: int) -> dict:
    las = [f"{slug}-la-{i + 1}" for i in range(n_las)]
    bodies = [
        # the area's police force (London: both), as the statutory frame expects them
        {
            "id": "police",
            "label": f"{label} Police",
            "kind": "chief-officer-of-police",
            "area": slug,
        },
        {
            "id": "nps",
            "label": "National Probation Service",
            "kinds": ["national-probation-service", "secretary-of-state-probation"],
        },
        {"id": "prisons", "label": "HM Prison Service", "kind": "prisons-minister"},
        {"id": "crc", "label": f"{label} CRC", "kind": "community-rehabilitation-company"},
        {"id": "nhse", "label": "NHS England", "kind": "nhs-commissioning-board"},
        {"id": "cafcass", "label": "Cafcass", "kind": "cafcass"},
        {"id": "dwp", "label": "Jobcentre Plus", "kind": "jobcentre-plus"},
        {
            "id": "em",
            "label": "Electronic monitoring provider",
            "kind": "electronic-monitoring-provider",
        },
        {"id": "rsl", "label": "Registered social landlords", "kind": "registered-social-landlord"},
        {
            "id": "prp",
            "label": "Private registered providers",
            "kind": "private-registered-provider",
        },
        {
            "id": "immigration",
            "label": "Home Office Immigration Enforcement",
            "kind": "home-office-immigration",
        },
    ]
    areas = []
    boards = [
        {
            "id": "smb",
            "type": "smb",
            "label": f"{label} MAPPA SMB",
            "area": slug,
            "established_by": "ra",
            "members": ["police", "nps", "prisons"],
        },
    ]
    dtc = ["dwp", "em", "rsl", "prp", "immigration", "nhse"]
    for la in las:
        areas.append({"id": f"{la}-area", "label": la, "within": slug})
        bodies += [
            {
                "id": f"{la}-council",
                "label": f"{la} council",
                "kind": "local-authority",
                "area": f"{la}-area",
            },
            {
                "id": f"{la}-education",
                "label": f"{la} education",
                "kind": "local-education-authority",
            },
            {
                "id": f"{la}-social",
                "label": f"{la} social services",
                "kind": "social-services-authority",
            },
            {"id": f"{la}-housing", "label": f"{la} housing", "kind": "local-housing-authority"},
            {
                "id": f"{la}-yot",
                "label": f"{la} YOT",
                "kind": "youth-offending-team",
                "area": f"{la}-area",
            },
            {
                "id": f"{la}-ccg",
                "label": f"{la} CCG",
                "kind": "clinical-commissioning-group",
                "area": f"{la}-area",
            },
            {
                "id": f"{la}-trust",
                "label": f"{la} NHS trust",
                "kind": "nhs-trust",
                "area": f"{la}-area",
            },
        ]
        dtc += [
            f"{la}-education",
            f"{la}-social",
            f"{la}-housing",
            f"{la}-yot",
            f"{la}-ccg",
            f"{la}-trust",
        ]
        boards.append(
            {
                "id": f"{la}-lscb",
                "type": "lscb",
                "label": f"{la} LSCB",
                "area": f"{la}-area",
                "established_by": f"{la}-council",
                "valid_from": "2006-04-01",
                "members": [
                    "police",
                    "nps",
                    "crc",
                    f"{la}-yot",
                    "nhse",
                    f"{la}-ccg",
                    f"{la}-trust",
                    "cafcass",
                ],
            }
        )
    return {
        "configuration": slug,
        "title": f"{label} MAPPA and LSCB arrangements",
        "area": slug,
        "date": "2017-08-01",
        "areas": areas,
        "bodies": bodies,
        "people": [
            {"id": "adviser-1", "name": "First lay adviser"},
            {"id": "adviser-2", "name": "Second lay adviser"},
            {
                "id": "rep",
                "name": "LSCB representative",
                "post": {"title": "Board Manager", "in": f"{las[0]}-lscb"},
            },
        ],
        "responsible_authority": {
            "id": "ra",
            "members": ["police", "nps", "prisons"],
            "duty_to_cooperate": dtc,
            "lay_advisers": [{"person": "adviser-1"}, {"person": "adviser-2"}],
            "annual_reports": [
                {"year": "2015-16", "published": "2016-10-31"},
                {"year": "2016-17", "published": "2017-07-31"},
            ],
        },
        "boards": boards,
        "protocols": [
            {
                "id": "protocol",
                "title": f"{label} SMB and LSCBs protocol",
                "parties": ["smb"] + [f"{la}-lscb" for la in las],
                "adopted": "2017-06-01",
                "review_within_months": 12,
                "review_due": "2018-06-01",
                "liaison_roles": [
                    {
                        "id": "liaison",
                        "label": "LSCB representative on the SMB",
                        "sits_on": "smb",
                        "holders": ["rep"],
                    }
                ],
                "information_sharing": [
                    {"label": "Mark and store under GSC", "marking_scheme": "gsc"}
                ],
            }
        ],
    }


def generate(folder: Path) -> list[Path]:
    reference = default_reference(REPO)
    paths = []
    for iri in sorted(reference.mappa_areas):
        slug = iri[len(SGD) + len("mappa-area-") :]
        n_las = 2 + int(hashlib.sha256(slug.encode()).hexdigest(), 16) % 7  # 2..8, about 150 in all
        path = folder / f"{slug}.yaml"
        path.write_text(
            yaml.safe_dump(area_config(slug, reference.areas[iri], n_las), sort_keys=False)
        )
        paths.append(path)
    return paths


def median_seconds(action, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=7,
        help="runs per measurement (default 7; 3 for the national set)",
    )
    parser.add_argument(
        "--keep", type=Path, help="write the generated configurations here and keep them"
    )
    parser.add_argument(
        "--pyshacl", action="store_true", help="also time stock pyshacl on one area (slow)"
    )
    parser.add_argument(
        "--uploads-only", action="store_true", help="time only the large Turtle uploads"
    )
    args = parser.parse_args()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="kg-validate-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    validator = Validator(reference=default_reference(REPO))
    cold = time.perf_counter() - started
    if not args.uploads_only:
        paths = generate(folder)
        sizes = {p: len(load_source(p, validator.reference).triples) for p in paths}
        largest = max(paths, key=lambda p: sizes[p])
        first = validator.validate([largest], as_at=AS_AT)
        print(
            f"{len(paths)} areas, {sum(sizes.values())} configuration triples "
            f"({min(sizes.values())}-{max(sizes.values())} per area), "
            f"{len(validator.reference.quads)} reference quads; written to {folder}"
        )
        print(f"loading reference data and shapes (once per process): {cold:.2f} s")
        print(f"largest area ({largest.stem}, {sizes[largest]} triples): {first.summary()}")

        one, one_times = median_seconds(
            lambda: validator.validate([largest], as_at=AS_AT), args.runs
        )
        print(
            f"one area, median of {args.runs}: {one:.3f} s  "
            f"(runs: {', '.join(f'{t:.3f}' for t in one_times)})"
        )

        def national() -> None:
            for path in paths:
                report = validator.validate([path], as_at=AS_AT)
                assert report.violations == 0, (path, report.summary())

        runs = max(3, args.runs // 2)
        allt, all_times = median_seconds(national, runs)
        print(
            f"all {len(paths)} areas, one by one, median of {runs}: {allt:.2f} s  "
            f"(runs: {', '.join(f'{t:.2f}' for t in all_times)})"
        )

    # large uploads (issue 13): finding each subject's source line was quadratic, first
    # in lines x subjects, then in prefixes x subjects; one index makes it linear
    ontology = "@prefix sg: <https://w3id.org/safeguarding-kg/ontology#> .\n"
    uploads = {
        "8,000 relative subjects with labels": ontology
        + "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        + "@base <https://example.org/upload/> .\n"
        + "".join(f'<body-{i}> a sg:Body ; rdfs:label "Body {i}"@en .\n' for i in range(8000)),
        "8,000 relative subjects": ontology
        + "@base <https://example.org/upload/> .\n"
        + "".join(f"<s{i}> a sg:Body .\n" for i in range(8000)),
        "8,000 prefixes and 8,000 subjects": "".join(
            f"@prefix p{i}: <https://example.org/n{i}/> .\n" for i in range(8000)
        )
        + "@base <https://example.org/upload/> .\n"
        + "".join(f'<s{i}> <https://example.org/p> "x" .\n' for i in range(8000)),
    }
    for label, text in uploads.items():
        path = folder / (label.replace(",", "").replace(" ", "-") + ".ttl")
        path.write_text(text, encoding="utf-8")
        walls, cpus = [], []
        for _ in range(max(3, args.runs // 2)):
            wall, cpu = time.perf_counter(), time.process_time()
            validator.validate([path], as_at=AS_AT)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        # CPU time beside wall time: on a shared machine the wall time is mostly waiting
        print(
            f"upload of {path.stat().st_size // 1024} KB, {label}: median "
            f"{statistics.median(walls):.2f} s wall, {statistics.median(cpus):.2f} s CPU "
            f"(wall runs: {', '.join(f'{t:.2f}' for t in walls)})"
        )

    if args.pyshacl:
        import pyoxigraph as ox
        import pyshacl
        import rdflib

        parsed = [load_source(largest, validator.reference)]
        store, _locations, _scope = validator.build_store(parsed, AS_AT)
        data = rdflib.Graph()
        data.parse(
            data=ox.serialize((q.triple for q in store), format=ox.RdfFormat.N_TRIPLES).decode(),
            format="nt",
        )
        shapes = rdflib.Graph()
        for path in sorted((REPO / "shapes").glob("*.ttl")):
            shapes.parse(data=path.read_text(encoding="utf-8"), format="turtle")
        started = time.perf_counter()
        pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
        print(
            f"stock pyshacl, same area and shapes, once: {time.perf_counter() - started:.1f} s "
            f"({len(data)} triples)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
