"""Data checks and integrity rules: each ``*.rq`` in ``queries/checks/`` (conventions:
required fields, references, date syntax) and ``queries/integrity/`` (rules over the
whole graph: nothing in force before or after its legal basis, nothing local outside
the life of its kind, extent, provenance) is a SELECT returning ``?resource ?problem``
rows for data that breaks it (see docs/modelling.md).

The build runs them on the new store before publishing it, so a data file that
breaks one never replaces a good build. Each problem names the rule, the resource,
the data files and lines that describe it, and the fix: the comment line
``# Fix: ...`` at the top of the rule's file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
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
    #: what to do about a problem it finds (the ``# Fix:`` comment), if it says
    fix: str | None = None


@dataclass(frozen=True)
class Problem:
    check: str
    resource: str
    problem: str
    #: data files (relative names) whose graphs describe or mention the resource
    files: tuple[str, ...]
    fix: str | None = None
    #: ``file:line`` where the resource is described, when found
    lines: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = ", ".join(self.lines or self.files) or "(no data file)"
        text = f"{where}: <{self.resource}> {self.problem} [rule {self.check}]"
        if self.fix:
            text += f"\n    fix: {self.fix}"
        return text


_FIX_RE = re.compile(r"^#\s*Fix:\s*(.+(?:\n#\s{2,}.+)*)", re.MULTILINE)


def _fix(text: str) -> str | None:
    """The ``# Fix:`` comment of a rule (continued on indented comment lines)."""
    m = _FIX_RE.search(text)
    if not m:
        return None
    return " ".join(line.lstrip("#").strip() for line in m.group(1).splitlines())


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
        checks.append(Check(name=path.stem, text=text, fix=_fix(text)))
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
                    fix=check.fix,
                )
            )
    return problems


def locate(
    problems: list[Problem], resolve: Callable[[str], Path | None], prefixes: Mapping[str, str]
) -> list[Problem]:
    """The problems with ``file:line`` where each resource's description begins.

    Data files write each subject at the start of a line (docs/modelling.md), as
    ``prefix:local`` or ``<iri>``; only the files a problem names are read, and
    only when there are problems, so a good build pays nothing.
    """
    texts: dict[str, list[str]] = {}
    out = []
    for problem in problems:
        forms = [f"<{problem.resource}>"]
        for prefix, ns in prefixes.items():
            if problem.resource.startswith(ns):
                forms.append(f"{prefix}:{problem.resource[len(ns) :]}")
        found = []
        for name in problem.files:
            if name not in texts:
                path = resolve(name)
                try:
                    texts[name] = path.read_text(encoding="utf-8").splitlines() if path else []
                except (OSError, UnicodeDecodeError):
                    texts[name] = []
            for number, line in enumerate(texts[name], start=1):
                if any(
                    line.startswith(form) and line[len(form) : len(form) + 1] in (" ", "\t", "")
                    for form in forms
                ):
                    found.append(f"{name}:{number}")
                    break
        out.append(
            Problem(
                check=problem.check,
                resource=problem.resource,
                problem=problem.problem,
                files=problem.files,
                fix=problem.fix,
                lines=tuple(found),
            )
        )
    return out


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
