"""``kg changes`` output: text (sentences by instrument), CSV (one row a change) or
JSON (the web page's JSON twin, the same dictionary)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

FORMATS = ("text", "csv", "json")

CSV_COLUMNS = (
    "instrument_kind",
    "instrument",
    "change",
    "certainty",
    "earliest",
    "latest",
    "when",
    "item",
    "label",
    "what",
    "scope",
    "count",
    "sentence",
    "reason",
)


def render(result: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return _csv(result)
    return _text(result)


def _text(r: dict[str, Any]) -> str:
    lines = [f"What changed {r['window_text']}{_filters(r)}", ""]
    if not r["groups"]:
        lines += ["No change is recorded in this period.", ""]
    for g in r["groups"]:
        lines.append(f"{g['heading']}")
        for e in g["events"]:
            tag = "certain " if e["certainty"] == "certain" else "possibly"
            lines.append(f"  [{tag}] {e['sentence']}")
        lines.append("")
    if r["open"]:
        lines.append(
            f"Dates known on one side only ({len(r['open'])}): these may have changed in "
            "this period, or outside it"
        )
        lines += [f"  [open    ] {e['sentence']}" for e in r["open"]]
        lines.append("")
    summary = r["per_area"]["summary"]
    if summary:
        lines.append(
            f"Per-area changes, counted ({r['per_area']['total']}; ask for an area to list them)"
        )
        lines += [f"  {row['sentence']}" for row in summary]
        lines.append("")
    c = r["counts"]
    lines.append(
        f"{_n(c['listed'], 'change')} listed ({c['certain']} certain, {c['possibly']} possibly) "
        f"in {_n(c['groups'], 'group')}; {c['open']} with one side of their date only; "
        f"{_n(c['per_area'], 'per-area change')} counted."
    )
    return "\n".join(lines) + "\n"


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _filters(r: dict[str, Any]) -> str:
    shown = [f"{name} {v['label']}" for name, v in r["filters"].items() if v]
    return f" ({'; '.join(shown)})" if shown else ""


def _csv(r: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    events = [e for g in r["groups"] for e in g["events"]] + r["open"]
    for e in events:
        instr = e["instrument"]
        writer.writerow(
            [
                instr["kind"],
                " ; ".join(i["iri"] for i in instr["instruments"]),
                e["change"],
                e["certainty"],
                e["when"]["earliest"] or "",
                e["when"]["latest"] or "",
                e["when_text"],
                e["item"]["iri"],
                e["item"]["label"],
                e["what"],
                e["scope"],
                1,
                e["sentence"],
                e["reason"] or "",
            ]
        )
    for row in r["per_area"]["summary"]:
        writer.writerow(
            [
                "",
                "",
                row["change"],
                row["certainty"],
                row["first"] or "",
                row["last"] or "",
                "",
                "",
                row["what"],
                row["item_type"],
                "per-area (counted)",
                row["count"],
                row["sentence"],
                "",
            ]
        )
    return out.getvalue()
