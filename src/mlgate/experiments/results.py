"""The sweep's results: the planned experiments and the baseline, from `dvc exp show --json`.

Pure: the JSON comes in already parsed, so a test can hand in DVC's shape without running DVC.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mlgate.experiments.plan import PARAMS_FILE, PlannedExperiment


@dataclass(frozen=True)
class ExperimentResult:
    """One experiment as `dvc exp show` reports it."""

    name: str
    values: Mapping[str, Any]  # the grid values it ran with
    state: str  # success, failed, queued, running, or missing (not in `dvc exp show`)
    rev: str | None = None
    scores: Mapping[str, float] = field(default_factory=dict)
    problem: str | None = None


def _lookup(tree: Any, key: str) -> Any:
    for part in key.split("."):
        if not isinstance(tree, dict) or part not in tree:
            return None
        tree = tree[part]
    return tree


def _file_data(data: Mapping[str, Any] | None, kind: str, path: str) -> Mapping[str, Any] | None:
    entry = ((data or {}).get(kind) or {}).get(path) or {}
    body = entry.get("data")
    return body if isinstance(body, dict) else None


def _scores(metrics: Mapping[str, Any] | None) -> dict[str, float]:
    model = (metrics or {}).get("model")
    if not isinstance(model, dict):
        return {}
    return {
        name: float(value)
        for name, value in model.items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    }


def read_results(
    show: Sequence[Mapping[str, Any]],
    planned: Sequence[PlannedExperiment],
    metric: str,
    metrics_file: str,
) -> list[ExperimentResult]:
    """The planned experiments, found by name in `dvc exp show --json`, in grid order."""
    found: dict[str, tuple[Mapping[str, Any], Mapping[str, Any]]] = {}
    for baseline in show:
        for experiment in baseline.get("experiments") or []:
            revs = experiment.get("revs") or [{}]
            name = experiment.get("name") or revs[0].get("name")
            if name and name not in found:
                found[name] = (experiment, revs[0])
    results = []
    for plan in planned:
        if plan.name not in found:
            results.append(
                ExperimentResult(
                    plan.name, plan.values, "missing", problem="not listed by `dvc exp show`"
                )
            )
            continue
        experiment, head = found[plan.name]
        state = (experiment.get("executor") or {}).get("state") or "success"
        data = head.get("data")
        metrics = _file_data(data, "metrics", metrics_file)
        scores = _scores(metrics)
        problem = None
        if state == "failed":
            problem = f"failed: see `dvc queue logs {plan.name}`"
        elif state != "success":
            problem = f"still {state}"
        elif head.get("error"):
            state, problem = "failed", str(head["error"].get("msg") or head["error"])
        elif not math.isfinite(scores.get(metric, math.nan)):
            state, problem = "failed", f"no {metric} in {metrics_file}"
        params = _file_data(data, "params", PARAMS_FILE)
        values = {key: _lookup(params, key) for key in plan.values} if params else dict(plan.values)
        results.append(ExperimentResult(plan.name, values, state, head.get("rev"), scores, problem))
    return results


def read_baseline(
    show: Sequence[Mapping[str, Any]], keys: Sequence[str], metrics_file: str
) -> ExperimentResult | None:
    """HEAD's committed params and scores, for comparison (never ranked)."""
    for baseline in show:
        if baseline.get("rev") != "workspace" and baseline.get("data"):
            data = baseline["data"]
            params = _file_data(data, "params", PARAMS_FILE)
            return ExperimentResult(
                name=str(baseline.get("name") or "HEAD"),
                values={key: _lookup(params, key) for key in keys},
                state="baseline",
                rev=baseline.get("rev"),
                scores=_scores(_file_data(data, "metrics", metrics_file)),
            )
    return None
