"""Rewrite raw ``sg:evidence <url>`` objects in data/*.ttl to the evidence documents
of data/evidence.ttl.

Every address an evidence document records (``sg:officialCopy``, ``sg:unofficialCopy``,
``sg:addressRead``) maps back to that document. For each data file other than
data/evidence.ttl, the objects of ``sg:evidence`` are rewritten in place, as text:
``sg:evidence <https://www.scribd.com/...PC54>`` becomes
``sg:evidence sgd:evidence-pc-54-2004``. Nothing else in the file changes; when two
addresses of one list name the same document, the document is written once.

Other people edit these files at the same time, so the script first checks every file
and stops without writing anything if any address is not in the mapping. It then
rewrites one file at a time, reading it again immediately before writing it (and
trying again if it changed in between), so that each read-modify-write is as short as
possible.

Usage (from the repository root)::

    .venv/bin/python scripts/rewrite_evidence.py            # rewrite and report
    .venv/bin/python scripts/rewrite_evidence.py --dry-run  # report only
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
EVIDENCE_FILE = DATA / "evidence.ttl"

SG = "https://w3id.org/safeguarding-kg/ontology#"
SGD = "https://w3id.org/safeguarding-kg/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
ADDRESS_PROPERTIES = (SG + "officialCopy", SG + "unofficialCopy", SG + "addressRead")

#: One object of sg:evidence: an IRI in angle brackets or an sgd: prefixed name.
_OBJECT = r"(?:<[^<>\s\"]*>|sgd:[A-Za-z0-9][A-Za-z0-9_.-]*)"
#: ``sg:evidence`` followed by its object list (objects separated by commas, with any
#: whitespace, line breaks included). Comments inside an object list are not expected.
EVIDENCE_RE = re.compile(
    r"(?P<head>\bsg:evidence(?=\s))(?P<objects>\s+" + _OBJECT + r"(?:\s*,\s*" + _OBJECT + r")*)"
)
#: One object with the separator before it.
OBJECT_RE = re.compile(r"(?P<sep>\s*,\s*|\s+)(?P<object>" + _OBJECT + r")")


class MappingError(Exception):
    """An address is missing from, or ambiguous in, data/evidence.ttl."""


@dataclass
class Mapping:
    """Address -> evidence document (as an ``sgd:`` prefixed name)."""

    documents: set[str] = field(default_factory=set)
    by_address: dict[str, str] = field(default_factory=dict)
    ambiguous: dict[str, set[str]] = field(default_factory=dict)

    def document_for(self, address: str) -> str:
        if address in self.ambiguous:
            raise MappingError(
                f"<{address}> is an address of several evidence documents: "
                + ", ".join(sorted(self.ambiguous[address]))
            )
        if address not in self.by_address:
            raise MappingError(f"<{address}> is not an address of any evidence document")
        return self.by_address[address]


def load_mapping(path: Path = EVIDENCE_FILE) -> Mapping:
    """Read the evidence documents and the addresses they record."""
    mapping = Mapping()
    triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    for t in triples:
        if t.predicate.value == RDF_TYPE and t.object.value == SG + "EvidenceDocument":
            mapping.documents.add(_short(t.subject.value))
    for t in triples:
        if t.predicate.value not in ADDRESS_PROPERTIES or not isinstance(t.object, ox.NamedNode):
            continue
        address, document = t.object.value, _short(t.subject.value)
        previous = mapping.by_address.setdefault(address, document)
        if previous != document:
            mapping.ambiguous.setdefault(address, {previous}).add(document)
    return mapping


def _short(iri: str) -> str:
    if not iri.startswith(SGD):
        raise MappingError(f"evidence document <{iri}> is not an sgd: resource")
    return "sgd:" + iri[len(SGD) :]


def rewrite_text(text: str, mapping: Mapping) -> tuple[str, Counter[str]]:
    """The text with every sg:evidence object list rewritten, and what changed.

    Raises:
        MappingError: an address is not in the mapping (or is ambiguous).
    """
    changes: Counter[str] = Counter()

    def objects(match: re.Match[str]) -> str:
        kept: list[str] = []
        seen: set[str] = set()
        for item in OBJECT_RE.finditer(match.group("objects")):
            sep, obj = item.group("sep"), item.group("object")
            if obj.startswith("<"):
                new = mapping.document_for(obj[1:-1])
                changes[f"{obj[1:-1]} -> {new}"] += 1
            else:
                if obj not in mapping.documents:
                    raise MappingError(f"{obj} is not an evidence document of data/evidence.ttl")
                new = obj
            if new in seen:
                changes[f"duplicate {new} dropped"] += 1
                continue
            seen.add(new)
            # each object keeps the separator before it (the first: the whitespace)
            kept.append(sep + new)
        return match.group("head") + "".join(kept)

    return EVIDENCE_RE.sub(objects, text), changes


def data_files() -> list[Path]:
    return sorted(p for p in DATA.glob("*.ttl") if p.resolve() != EVIDENCE_FILE.resolve())


def check_all(mapping: Mapping) -> list[str]:
    """Problems found when rewriting every data file in memory (nothing is written)."""
    problems = []
    for path in data_files():
        try:
            rewrite_text(path.read_text(encoding="utf-8"), mapping)
        except MappingError as e:
            problems.append(f"{path.relative_to(REPO)}: {e}")
    return problems


def rewrite_file(path: Path, mapping: Mapping, dry_run: bool, attempts: int = 3) -> Counter[str]:
    """Rewrite one file; read it again just before writing, and retry if it changed."""
    for _ in range(attempts):
        before = path.read_text(encoding="utf-8")
        after, changes = rewrite_text(before, mapping)
        if dry_run or after == before:
            return changes
        if path.read_text(encoding="utf-8") != before:
            continue  # someone saved the file meanwhile: start again from their version
        path.write_text(after, encoding="utf-8")
        return changes
    raise RuntimeError(f"{path.relative_to(REPO)} kept changing; not rewritten")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="report, do not write")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every rewrite")
    args = parser.parse_args(argv)

    try:
        mapping = load_mapping()
    except (MappingError, SyntaxError, OSError) as e:
        print(f"data/evidence.ttl: {e}", file=sys.stderr)
        return 1
    problems = check_all(mapping)
    if problems:
        print("Not rewriting anything: addresses without an evidence document:", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1

    total = 0
    for path in data_files():
        try:
            changes = rewrite_file(path, mapping, args.dry_run)
        except MappingError as e:
            print(
                f"{path.relative_to(REPO)}: {e}; this file and the rest are not rewritten",
                file=sys.stderr,
            )
            return 1
        rewritten = sum(n for change, n in changes.items() if not change.startswith("duplicate"))
        dropped = sum(n for change, n in changes.items() if change.startswith("duplicate"))
        total += rewritten
        verb = "would rewrite" if args.dry_run else "rewrote"
        print(
            f"{path.relative_to(REPO)}: {verb} {rewritten} address(es)"
            + (f", dropped {dropped} duplicate(s)" if dropped else "")
        )
        if args.verbose:
            for change, n in sorted(changes.items()):
                print(f"    {n} x {change}")
    print(f"total: {total} address(es) {'to rewrite' if args.dry_run else 'rewritten'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
