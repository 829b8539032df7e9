"""The `slice_regression` gate: no slice of the test split big enough to judge may move for the
worse against the same slice at the base by more than the tolerance.

The average can hold while one slice loses ten points; the `max_regression` gate would not see it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlgate.model.scores import ScoreName, TaskName, direction_of, resolve_score, task_of_score
from mlgate.model.slice_plan import SLICE_DEFAULT_SCORE
from mlgate.review.gate_verdict import GateResult, GateStatus
from mlgate.review.slice_moves import SliceComparison, SliceMove, compare_slices

if TYPE_CHECKING:
    from mlgate.config import SliceRegressionGate
    from mlgate.model.slice_report import SliceReport

# Slice scores are rounded to 6 digits; a move exactly at the tolerance must pass.
SLACK = 1e-9


def gate_metric(gate: SliceRegressionGate, task: TaskName | None) -> ScoreName | None:
    """The score the gate judges (`auto`: the card's default slice score for the task, accuracy or
    RMSE); None when `auto` has no task to resolve it by."""
    if gate.metric != "auto":
        return gate.metric
    return None if task is None else resolve_score("auto", task, SLICE_DEFAULT_SCORE[task])


def _slices(count: int) -> str:
    return f"{count} slice" if count == 1 else f"{count} slices"


def _fmt(value: float) -> str:
    return f"{value:.4f}"


def _requirement(gate: SliceRegressionGate, worse: str) -> str:
    relative = " of base" if gate.tolerance.relative else ""
    return f"{worse} ≤ {gate.tolerance.describe()}{relative} on slices of {gate.min_rows}+ rows"


def _left_out(comparison: SliceComparison) -> str:
    """The slices not compared, e.g. `; unmatched: 4 PR and 4 base slices`, or ""."""
    parts = []
    if comparison.only_head or comparison.only_base:
        parts.append(f"unmatched: {comparison.only_head} PR and {comparison.only_base} base slices")
    if comparison.undefined:
        parts.append(f"{comparison.undefined} without {comparison.metric} on one side")
    return "".join(f"; {part}" for part in parts)


def _moved(move: SliceMove) -> str:
    return (
        f"{move.describe()} ({move.base_rows} → {move.head_rows} rows): "
        f"{_fmt(move.base)} → {_fmt(move.head)}"
    )


def check_slice_regression(
    gate: SliceRegressionGate,
    task: TaskName | None,
    base: SliceReport | None,
    head: SliceReport | None,
) -> GateResult:
    """Compare every slice with at least `min_rows` test rows on both sides; fail on the first
    whose move for the worse exceeds the tolerance, naming it (and how many more did)."""
    if task is None and head is not None:
        task = task_of_score(head.metric)
    metric = gate_metric(gate, task)
    score = metric or "auto"
    worse = "rise" if metric is not None and direction_of(metric) == "lower" else "drop"
    requirement = _requirement(gate, worse)

    def result(status: GateStatus, detail: str, move: SliceMove | None = None) -> GateResult:
        value = None if move is None else move.head
        reference = None if move is None else move.base
        return GateResult("slice_regression", score, requirement, value, reference, status, detail)

    if head is None:
        return result("failed", "no slice report")
    if metric is None:
        return result("failed", "no task to resolve metric auto by")
    if base is None:
        return result("skipped", "the base has no slice report (reports/slices.json)")
    comparison = compare_slices(base, head, metric, gate.min_rows)
    left_out = _left_out(comparison)
    judged = comparison.ranked
    if not judged:
        return result(
            "skipped", f"no slice of {gate.min_rows}+ rows on both sides to compare{left_out}"
        )
    failing = [
        move for move in judged if move.worsening > gate.tolerance.allowed(move.base) + SLACK
    ]
    if failing:
        first = failing[0]
        more = f" (and {len(failing) - 1} more)" if len(failing) > 1 else ""
        detail = (
            f"{_moved(first)}: {worse} {_fmt(first.worsening)}, "
            f"allowed {_fmt(gate.tolerance.allowed(first.base))}{more}"
        )
        return result("failed", detail, first)
    worst = judged[0]
    if worst.worsening <= 0:
        detail = (
            f"{_slices(len(judged))} of {gate.min_rows}+ rows compared: none got worse{left_out}"
        )
        return result("passed", detail)
    detail = (
        f"{_slices(len(judged))} of {gate.min_rows}+ rows compared; largest {worse}: "
        f"{_moved(worst)}: {worse} {_fmt(worst.worsening)}{left_out}"
    )
    return result("passed", detail, worst)
