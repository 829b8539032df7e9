"""The quality gate: pure rules over metric changes, shared by `mlgate gate` and the report.

Every rule knows which way is better, so "regression" means a drop in accuracy but a rise in
log loss.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from mlgate.config import GatesConfig, Tolerance, WorstSliceGate
from mlgate.model.scores import Direction, TaskName, direction_of, task_of_score
from mlgate.review.bootstrap import DeltaInterval
from mlgate.review.changes import MetricChange
from mlgate.review.gate_verdict import GateResult, GateVerdict
from mlgate.review.significance import significance_judged
from mlgate.review.slice_gate import check_slice_regression

if TYPE_CHECKING:
    from mlgate.model.slice_report import SliceReport
    from mlgate.review.intervals import ScoreIntervals
    from mlgate.review.serving_cost import CostOutcome

# Metrics are rounded to 6 digits; a gate set exactly at a value must pass.
SLACK = 1e-9


def _higher_is_better(score: str) -> bool:
    direction: Direction | None = direction_of(score)  # gate keys are known scores
    return direction != "lower"


def _fmt(value: float) -> str:
    """Four decimals, unless that would print a non-zero amount as 0.0000."""
    return f"{value:.2e}" if 0 < abs(value) < 5e-5 else f"{value:.4f}"


def _threshold(score: str, limit: float, value: float | None) -> GateResult:
    higher = _higher_is_better(score)
    requirement = f"{'≥' if higher else '≤'} {limit:g}"
    if value is None:
        return GateResult("threshold", score, requirement, None, None, "failed", "metric missing")
    ok = value >= limit - SLACK if higher else value <= limit + SLACK
    verb = "meets" if ok else "misses"
    return GateResult(
        "threshold",
        score,
        requirement,
        value,
        None,
        "passed" if ok else "failed",
        f"{_fmt(value)} {verb} {requirement}",
    )


def _regression(
    score: str,
    tolerance: Tolerance,
    base: float | None,
    value: float | None,
    interval: DeltaInterval | str | None = None,
    *,
    significance: bool = False,
) -> GateResult:
    higher = _higher_is_better(score)
    worse = "drop" if higher else "rise"
    relative = " of base" if tolerance.relative else ""
    requirement = f"{worse} ≤ {tolerance.describe()}{relative}"
    if significance:
        requirement += " or not significant"
    if value is None:
        return GateResult(
            "max_regression", score, requirement, None, base, "failed", "metric missing"
        )
    if base is None:
        return GateResult(
            "max_regression", score, requirement, value, None, "skipped", "no base value"
        )
    regression = base - value if higher else value - base
    allowed = tolerance.allowed(base)
    ok = regression <= allowed + SLACK
    moved = f"{_fmt(base)} → {_fmt(value)}"
    if regression <= 0:
        detail = f"{moved}: no {worse}"
    else:
        detail = f"{moved}: {worse} {_fmt(regression)}, allowed {_fmt(allowed)}"
    if interval is not None:
        ok, detail = significance_judged(ok, detail, interval, significance=significance)
    return GateResult(
        "max_regression", score, requirement, value, base, "passed" if ok else "failed", detail
    )


def _margin(
    score: str, margin: Tolerance, baseline: float | None, value: float | None
) -> GateResult:
    higher = _higher_is_better(score)
    amount = f"{margin.describe()} of it" if margin.relative else margin.describe()
    requirement = f"{'≥' if higher else '≤'} baseline {'+' if higher else '−'} {amount}"
    if value is None or baseline is None:
        missing = "metric missing" if value is None else "baseline metric missing"
        return GateResult("baseline_margin", score, requirement, value, baseline, "failed", missing)
    achieved = value - baseline if higher else baseline - value
    ok = achieved >= margin.allowed(baseline) - SLACK
    return GateResult(
        "baseline_margin",
        score,
        requirement,
        value,
        baseline,
        "passed" if ok else "failed",
        f"{_fmt(value)} vs baseline {_fmt(baseline)}: margin {_fmt(achieved)}",
    )


def _worst_slice(gate: WorstSliceGate, slices: SliceReport | None) -> GateResult:
    higher = _higher_is_better(gate.metric)
    requirement = f"{'≥' if higher else '≤'} {gate.limit:g}"
    if slices is None:
        return GateResult(
            "worst_slice", gate.metric, requirement, None, None, "failed", "no slice report"
        )
    worst = slices.worst_by(gate.metric)
    if worst is None:
        detail = f"no slice of {slices.min_rows}+ rows has a {gate.metric}"
        return GateResult("worst_slice", gate.metric, requirement, None, None, "failed", detail)
    ok = worst.value >= gate.limit - SLACK if higher else worst.value <= gate.limit + SLACK
    verb = "meets" if ok else "misses"
    return GateResult(
        "worst_slice",
        gate.metric,
        requirement,
        worst.value,
        None,
        "passed" if ok else "failed",
        f"{worst.describe()} ({worst.rows} rows): {_fmt(worst.value)} {verb} {requirement}",
    )


def check_gates(
    metrics: Sequence[MetricChange],
    gates: GatesConfig,
    source: str,
    slices: SliceReport | None = None,
    *,
    base_slices: SliceReport | None = None,
    serving: CostOutcome | None = None,
    intervals: ScoreIntervals | None = None,
) -> GateVerdict:
    """Apply every configured gate to the model's scores (`model.<score>` in the metrics) and,
    when `worst_slice` is on, to the worst ranked slice in `slices` (reports/slices.json); when
    `slice_regression` is on, to each slice's move from `base_slices` (the base's slices.json).
    With `intervals`, each max_regression result states its PR−base interval, and with
    `gates.significance` a drop beyond the tolerance fails only when it is significant.

    One params.yaml serves either task, so gates on the other task's scores are set aside (and
    listed); with no scores to tell the task by, every gate applies, and fails on its missing
    metric. `max_latency_ratio` judges `serving`, the review's timing of both models."""
    by_name = {metric.name: metric for metric in metrics}
    task = evaluated_task(metrics)

    def head(name: str) -> float | None:
        metric = by_name.get(name)
        return None if metric is None else metric.head

    def applies(score: str) -> bool:
        return task is None or task_of_score(score) == task

    results: list[GateResult] = []
    for score, limit in gates.thresholds.items():
        if applies(score):
            results.append(_threshold(score, limit, head(f"model.{score}")))
    for score, tolerance in gates.max_regression.items():
        if applies(score):
            metric = by_name.get(f"model.{score}")
            base = None if metric is None else metric.base
            interval = None if intervals is None else intervals.lookup(score)
            results.append(
                _regression(
                    score,
                    tolerance,
                    base,
                    head(f"model.{score}"),
                    interval,
                    significance=gates.significance,
                )
            )
    for score, margin in gates.baseline_margin.items():
        if applies(score):
            model, baseline = head(f"model.{score}"), head(f"baseline.{score}")
            results.append(_margin(score, margin, baseline, model))
    if gates.worst_slice is not None and applies(gates.worst_slice.metric):
        results.append(_worst_slice(gates.worst_slice, slices))
    sliced = gates.slice_regression
    if sliced is not None and (sliced.metric == "auto" or applies(sliced.metric)):
        results.append(check_slice_regression(sliced, task, base_slices, slices))
    if gates.max_latency_ratio is not None:
        from mlgate.review.latency_gate import latency_gate

        results.append(latency_gate(gates.max_latency_ratio, serving))
    return GateVerdict(tuple(results), source, task, _set_aside(gates, applies))


def evaluated_task(metrics: Sequence[MetricChange]) -> TaskName | None:
    """The task whose scores the PR's metrics hold (None: none, or both)."""
    tasks = {
        task_of_score(metric.name.removeprefix("model."))
        for metric in metrics
        if metric.name.startswith("model.") and metric.head is not None
    } - {None}
    return next(iter(tasks)) if len(tasks) == 1 else None


def _set_aside(gates: GatesConfig, applies: Callable[[str], bool]) -> tuple[str, ...]:
    named = [*gates.thresholds, *gates.max_regression, *gates.baseline_margin]
    if gates.worst_slice is not None:
        named.append(gates.worst_slice.metric)
    if gates.slice_regression is not None and gates.slice_regression.metric != "auto":
        named.append(gates.slice_regression.metric)
    return tuple(dict.fromkeys(name for name in named if not applies(name)))


def judge(
    metrics: Sequence[MetricChange],
    *,
    workspace: GatesConfig,
    base: GatesConfig | None,
    workspace_label: str,
    base_label: str,
    base_has_none: bool = False,
    slices: SliceReport | None = None,
    base_slices: SliceReport | None = None,
    serving: CostOutcome | None = None,
    intervals: ScoreIntervals | None = None,
) -> GateVerdict:
    """The base's gates judge a PR when given (so a PR cannot loosen its own gate); a PR that
    edits them also learns how it would fare under its new gates."""
    judged_by = partial(
        check_gates,
        metrics,
        slices=slices,
        base_slices=base_slices,
        serving=serving,
        intervals=intervals,
    )
    if base is None:
        note = " (the base has no gates yet)" if base_has_none else ""
        return judged_by(workspace, workspace_label + note)
    source = base_label
    if base != workspace:
        own = judged_by(workspace, "")
        outcome = (
            f"{len(own.failures)} of {len(own.results)} would fail"
            if own.failures
            else f"all {len(own.results)} would pass"
        )
        source += f"; this PR changes `gates:` (applied once merged): under them, {outcome}"
    return judged_by(base, source)
