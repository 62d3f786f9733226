"""Materialisation rules: SPARQL CONSTRUCT queries applied until nothing new appears.

Every ``*.rq`` file in the rules folder (``queries/rules`` by default) is one rule.
Each round runs every rule, in file name order, over the union of all graphs;
the triples a rule constructs that exist in no graph yet are added to the
``inferred`` graph at once, so later rules of the same round see them. The build
stops when a round adds nothing (the fixpoint) and fails when that takes more
than the iteration guard.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import RuleError
from kg.query import query_keywords, split_sparql_error


@dataclass(frozen=True)
class Rule:
    name: str
    path: Path
    text: str


@dataclass
class RulesReport:
    rules: list[str] = field(default_factory=list)
    #: rounds run, including the last one that found nothing new
    iterations: int = 0
    added: int = 0
    added_by_rule: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def load_rules(rules_dir: Path, display: Callable[[Path], str] = str) -> list[Rule]:
    """Read and check every ``*.rq`` file in ``rules_dir`` (sorted by name).

    A missing folder means no rules.

    Raises:
        RuleError: a file is not a valid SPARQL CONSTRUCT query.
    """
    if not rules_dir.is_dir():
        return []
    rules = []
    probe = ox.Store()  # empty, only used to parse and classify each query
    for path in sorted(rules_dir.glob("*.rq")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise RuleError(f"cannot read rule: {e}", file=display(path)) from None
        if "SERVICE" in query_keywords(text):
            raise RuleError(
                "a rule must not use SERVICE: the build never fetches anything",
                file=display(path),
            )
        try:
            result = probe.query(text, use_default_graph_as_union=True)
        except SyntaxError as e:
            message, line, column = split_sparql_error(str(e))
            raise RuleError(
                f"invalid SPARQL: {message}", file=display(path), line=line, column=column
            ) from None
        if not isinstance(result, ox.QueryTriples):
            raise RuleError("a rule must be a CONSTRUCT query", file=display(path))
        rules.append(Rule(name=path.stem, path=path, text=text))
    return rules


def _exists(store: ox.Store, t: ox.Triple) -> bool:
    return (
        next(iter(store.quads_for_pattern(t.subject, t.predicate, t.object, None)), None)
        is not None
    )


def apply_rules(
    store: ox.Store,
    rules: list[Rule],
    target_graph: str,
    max_iterations: int,
    progress: Callable[[str], None] = lambda _msg: None,
) -> RulesReport:
    """Run ``rules`` over ``store`` to a fixpoint, adding new triples to ``target_graph``.

    Raises:
        RuleError: no fixpoint after ``max_iterations`` rounds.
    """
    report = RulesReport(rules=[r.name for r in rules])
    report.added_by_rule = {r.name: 0 for r in rules}
    if not rules:
        return report
    started = time.perf_counter()
    graph = ox.NamedNode(target_graph)
    # A rule needs to run again only if something was added since it last started:
    # otherwise it would construct exactly what it constructed then, all of it present.
    added_total = 0
    last_started: dict[str, int] = {}
    for iteration in range(1, max_iterations + 1):
        report.iterations = iteration
        added_this_round = 0
        for rule in rules:
            if last_started.get(rule.name) == added_total:
                continue
            last_started[rule.name] = added_total
            # Read the whole result before writing; later rules see earlier ones' output.
            constructed = set(store.query(rule.text, use_default_graph_as_union=True))
            new = {t for t in constructed if not _exists(store, t)}
            if new:
                store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in new)
                report.added_by_rule[rule.name] += len(new)
                added_this_round += len(new)
                added_total += len(new)
        if not added_this_round:
            report.seconds = time.perf_counter() - started
            return report
        report.added += added_this_round
        progress(f"rules round {iteration}: {added_this_round} new triples")
    raise RuleError(
        f"the rules did not reach a fixpoint in {max_iterations} rounds "
        "(a rule whose template creates blank nodes never does; "
        "raise the guard with KG_MAX_RULE_ITERATIONS if the rules are fine)"
    )
