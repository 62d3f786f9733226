"""The shipped competency queries (``queries/cq*.rq``), ready to run in an editor."""

from __future__ import annotations

import re
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
        try:
            query = load_query(path, settings)
            text = runnable_text(query)
        except KGError:
            continue
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
                # what each parameter is, from the comment on its VALUES line
                "parameter_notes": [
                    {"name": name, "about": query.params[name].about}
                    for name in sorted(query.params)
                ],
                "text": text,
            }
        )
    return out
