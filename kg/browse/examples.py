"""The shipped competency queries (``queries/cq*.rq``), ready to run in an editor."""

from __future__ import annotations

import re
from typing import Any

from kg.config import PREFIXES, Settings
from kg.errors import KGError
from kg.query import load_query, resolve_bindings, with_values_clause

_CQ_TITLE_RE = re.compile(r"^#\s*(?:Competency question\s*\d+\s*:)?\s*(?P<title>.*)$", re.I)


def prefix_block() -> str:
    """``PREFIX`` lines for the project's usual prefixes."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def competency_queries(settings: Settings) -> list[dict[str, Any]]:
    """Each ``queries/cq*.rq``: its name, title, description and text.

    Declared parameters are bound to their defaults with a ``VALUES`` clause in the
    text, so that the query runs as it is on a plain SPARQL endpoint and the
    defaults can be edited in place.
    """
    out = []
    for path in sorted(settings.queries_dir.glob("cq*.rq")):
        try:
            query = load_query(path, settings)
            bindings = resolve_bindings(query)
        except KGError:
            continue
        text = query.text
        if bindings:
            text = with_values_clause(text, bindings) or text
        comments = []
        for line in query.text.splitlines():
            if not line.startswith("#"):
                break
            comments.append(line.lstrip("#").strip())
        first = _CQ_TITLE_RE.match(query.text.splitlines()[0]) if query.text else None
        title = " ".join(comments[: comments.index("")] if "" in comments else comments[:1])
        if first and title.lower().startswith("competency question"):
            title = title.split(":", 1)[-1].strip()
        out.append(
            {
                "name": path.stem,
                "title": title,
                "parameters": sorted(query.params),
                "text": text,
            }
        )
    return out
