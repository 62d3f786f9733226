"""List dated facts beside the fact-sheet lines they cite, for a human audit.

    .venv/bin/python scripts/audit_dates.py [--sample 30] [--seed N] [--all]

Reads the built store (run `kg build` first). For each resource with a start or an
end it prints the dates as the pages say them (exact days or bounds), the verification
status, the date note, and the fact-sheet references it cites (F1.2, D4, row 21 ...)
with the matching lines of ../shared/reference/legal-facts.md when that file is there,
so that a reviewer can compare each fact with its source in one place. --sample draws
a random sample (reproducible with --seed) from the statute and seed graphs, leaving
out the generated geography.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kg.browse.catalog import load_catalog  # noqa: E402
from kg.browse.pages import period  # noqa: E402
from kg.config import SG, Settings  # noqa: E402
from kg.store import open_store  # noqa: E402

FACT_SHEET = REPO.parent / "shared" / "reference" / "legal-facts.md"
_REF_RE = re.compile(r"\b(F\d+\.\d+|D\d+|row \d+)\b")
_GENERATED = ("la-area-", "police-area-", "council-", "police-force-")


def fact_sheet_lines(refs: list[str]) -> list[str]:
    if not FACT_SHEET.is_file():
        return []
    lines = FACT_SHEET.read_text(encoding="utf-8").splitlines()
    # "row N" is a row of the table of duties (section 11), not of the areas table
    table = next((i for i, line in enumerate(lines) if line.startswith("## 11.")), 0)
    out = []
    for ref in refs:
        if ref.startswith("row "):
            number = ref.split()[1]
            out += [line for line in lines[table:] if line.startswith(f"| {number} |")][:1]
        else:
            out += [line for line in lines if re.match(rf"^#+ {re.escape(ref)}\b", line)][:1]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=30)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--all", action="store_true", help="every dated fact, no sample")
    args = parser.parse_args()
    settings = Settings.from_env()
    cat = load_catalog(open_store(settings), settings)
    dated = []
    for iri in sorted(cat.out):
        if any(g in iri for g in _GENERATED):
            continue
        when = period(cat, iri)
        if when.start.known or when.end.known:
            dated.append((iri, when))
    chosen = dated if args.all else random.Random(args.seed).sample(dated, args.sample)
    print(f"{len(chosen)} of {len(dated)} dated facts\n")
    for iri, when in chosen:
        status = cat.iri(iri, SG + "verificationStatus")
        notes = " ".join(
            t for t in (cat.text(iri, SG + "dateNote"), cat.text(iri, SG + "verificationNote")) if t
        )
        refs = sorted(set(_REF_RE.findall(notes)))
        print(f"{cat.label(iri)}\n  <{iri}>")
        tag = status.rsplit("#", 1)[-1] if status else "-"
        print(f"  dates: {when.describe() or '-'}   status: {tag}")
        if notes:
            print(f"  notes: {notes}")
        for line in fact_sheet_lines(refs):
            print(f"  fact sheet: {line[:160]}")
        print()


if __name__ == "__main__":
    main()
