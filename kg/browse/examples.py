"""The shipped competency queries (``queries/cq*.rq``), ready to run in an editor."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from kg.config import PREFIXES, Settings
from kg.errors import KGError
from kg.query import load_query, runnable_text

_CQ_TITLE_RE = re.compile(r"^#\s*(?:Competency question\s*\d+\s*:)?\s*(?P<title>.*)$", re.I)


def prefix_block() -> str:
    """``PREFIX`` lines for the project's usual prefixes."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def competency_queries(settings: Settings) -> list[dict[str, Any]]:
    """Each ``queries/cq*.rq``: its name, title, description and text.

    Each parameter's default is in a ``VALUES`` line of the text (marked ``# param``),
    so that the query runs as it is on a plain SPARQL endpoint and the defaults can
    be edited in place.
    """
    out = []
    for path in sorted(settings.queries_dir.glob("cq*.rq")):
        entry = query_entry(path, settings)
        if entry is not None:
            out.append(entry)
    return out


def query_entry(path: Path, settings: Settings) -> dict[str, Any] | None:
    """A shipped query's name, title (its first comment paragraph), parameters and
    runnable text; None when it does not load."""
    try:
        query = load_query(path, settings)
        text = runnable_text(query)
    except KGError:
        return None
    comments = []
    for line in query.text.splitlines():
        if not line.startswith("#"):
            break
        comments.append(line.lstrip("#").strip())
    first = _CQ_TITLE_RE.match(query.text.splitlines()[0]) if query.text else None
    title = " ".join(comments[: comments.index("")] if "" in comments else comments[:1])
    if first and title.lower().startswith("competency question"):
        title = title.split(":", 1)[-1].strip()
    return {
        "name": path.stem,
        "title": title,
        "parameters": sorted(query.params),
        # what each parameter is, from the comment on its VALUES line
        "parameter_notes": [
            {"name": name, "about": query.params[name].about} for name in sorted(query.params)
        ],
        "text": text,
    }
