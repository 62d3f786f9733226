"""Data checks: each ``queries/checks/*.rq`` is a SELECT returning ``?resource ?problem``
rows for data that breaks one of the project's conventions (see docs/modelling.md).

The build runs them on the new store before publishing it, so a data file that
leaves a duty without a bearer, a reference dangling or a date malformed never
replaces a good build. Each problem names the data files that describe the resource.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.config import GRAPH_BASE, INFERRED_GRAPH, ONTOLOGY_GRAPH
from kg.errors import DataCheckError, RuleError
from kg.query import split_sparql_error


@dataclass(frozen=True)
class Check:
    name: str
    text: str


@dataclass(frozen=True)
class Problem:
    check: str
    resource: str
    problem: str
    #: data files (relative names) whose graphs describe or mention the resource
    files: tuple[str, ...]

    def __str__(self) -> str:
        where = ", ".join(self.files) or "(no data file)"
        return f"{where}: <{self.resource}> {self.problem} [check {self.check}]"


def load_checks(checks_dir: Path, display: Callable[[Path], str] = str) -> list[Check]:
    """Read every ``*.rq`` in ``checks_dir`` (sorted); a missing folder means no checks."""
    if not checks_dir.is_dir():
        return []
    probe = ox.Store()
    checks = []
    for path in sorted(checks_dir.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        try:
            result = probe.query(text)
        except SyntaxError as e:
            message, line, column = split_sparql_error(str(e))
            raise RuleError(
                f"invalid check: {message}", file=display(path), line=line, column=column
            ) from None
        if not isinstance(result, ox.QuerySolutions) or {v.value for v in result.variables} != {
            "resource",
            "problem",
        }:
            raise RuleError("a check must be a SELECT of ?resource ?problem", file=display(path))
        checks.append(Check(name=path.stem, text=text))
    return checks


def _files_for(store: ox.Store, resource: ox.NamedNode | ox.BlankNode) -> tuple[str, ...]:
    graphs: set[str] = set()
    for quad in store.quads_for_pattern(resource, None, None):
        graphs.add(quad.graph_name.value)
    for quad in store.quads_for_pattern(None, None, resource):
        graphs.add(quad.graph_name.value)
    names = []
    for graph in sorted(graphs - {INFERRED_GRAPH}):
        if graph == ONTOLOGY_GRAPH:
            names.append("ontology/")
        elif graph.startswith(GRAPH_BASE):
            names.append(f"data/{graph[len(GRAPH_BASE) :]}.ttl")
    return tuple(names)


def run_checks(store: ox.Store, checks: list[Check]) -> list[Problem]:
    """All problems the checks find, in check order."""
    problems = []
    for check in checks:
        for row in store.query(check.text, use_default_graph_as_union=True):
            resource, problem = row["resource"], row["problem"]
            problems.append(
                Problem(
                    check=check.name,
                    resource=resource.value,
                    problem=problem.value if problem is not None else "fails the check",
                    files=_files_for(store, resource),
                )
            )
    return problems


def raise_for_problems(problems: list[Problem], shown: int = 20) -> None:
    """Raise :class:`DataCheckError` listing the first ``shown`` problems, if any."""
    if not problems:
        return
    lines = [str(p) for p in problems[:shown]]
    if len(problems) > shown:
        lines.append(f"... and {len(problems) - shown} more")
    raise DataCheckError(
        f"{len(problems)} data check problem(s); the previous store is kept",
        detail="\n".join(lines),
    )
