"""Shared test inputs: the project's params.yaml and dvc.yaml, a grid, and `dvc exp show` JSON."""

from __future__ import annotations

import copy
from typing import Any

import yaml

from mlgate.experiments.plan import PlannedExperiment
from tests.support.paths import REPO_ROOT

PARAMS: dict[str, Any] = yaml.safe_load((REPO_ROOT / "params.yaml").read_text())
PIPELINE: dict[str, Any] = yaml.safe_load((REPO_ROOT / "dvc.yaml").read_text())
METRICS = "reports/metrics.json"
GRID = {"model.params.max_leaf_nodes": [15, 31], "model.params.max_iter": [50, 100]}


def with_sweep(**sweep: Any) -> dict[str, Any]:
    raw = copy.deepcopy(PARAMS)
    raw["sweep"] = {"grid": GRID, **sweep}
    return raw


def dvc_exp(name: str, state: str | None, scores: dict[str, float] | None, depth: int) -> dict:
    """One experiment as `dvc exp show --json` lists it."""
    data: dict[str, Any] = {
        "params": {"params.yaml": {"data": {"model": {"params": {"max_depth": depth}}}}},
        "metrics": {METRICS: {"data": {"model": scores}}} if scores is not None else {},
    }
    return {
        "revs": [{"rev": f"{name}-sha", "name": name, "data": data, "error": None}],
        "executor": None if state is None else {"state": state, "name": None, "local": None},
        "name": name,
    }


def dvc_show(*experiments: dict) -> list[dict]:
    baseline = {
        "rev": "abc123",
        "name": "main",
        "data": {
            "params": {"params.yaml": {"data": {"model": {"params": {"max_depth": 8}}}}},
            "metrics": {METRICS: {"data": {"model": {"roc_auc": 0.99, "log_loss": 0.11}}}},
        },
        "experiments": list(experiments),
    }
    return [baseline]


PLANNED = [
    PlannedExperiment(f"s-{i}", {"model.params.max_depth": depth})
    for i, depth in enumerate([2, 4, 6, 8, 10], start=1)
]
