"""Reading `dvc exp show` and ranking: the better direction, ties, failures kept, the JSON."""

from __future__ import annotations

import json

from mlgate.experiments.plan import PlannedExperiment, SweepPlan
from mlgate.experiments.ranking import SweepOutcome, rank
from mlgate.experiments.results import ExperimentResult, read_results
from tests.support.sweep_examples import METRICS, PLANNED, dvc_exp, dvc_show


def test_results_are_ranked_in_the_metrics_better_direction() -> None:
    show = dvc_show(
        dvc_exp("s-1", "success", {"roc_auc": 0.90, "log_loss": 0.30}, 2),
        dvc_exp("s-2", None, {"roc_auc": 0.97, "log_loss": 0.20}, 4),  # no executor: a plain ref
        dvc_exp("s-3", "success", {"roc_auc": 0.95, "log_loss": 0.10}, 6),
    )
    results = read_results(show, PLANNED[:3], "roc_auc", METRICS)
    ranked, unfinished = rank(results, "roc_auc", "higher")
    assert [r.name for r in ranked] == ["s-2", "s-3", "s-1"]
    assert unfinished == []
    ranked, _ = rank(read_results(show, PLANNED[:3], "log_loss", METRICS), "log_loss", "lower")
    assert [r.name for r in ranked] == ["s-3", "s-2", "s-1"]
    assert ranked[0].values == {"model.params.max_depth": 6}
    assert ranked[0].rev == "s-3-sha"


def test_ties_keep_the_grid_order() -> None:
    show = dvc_show(
        dvc_exp("s-1", "success", {"roc_auc": 0.95}, 2),
        dvc_exp("s-2", "success", {"roc_auc": 0.97}, 4),
        dvc_exp("s-3", "success", {"roc_auc": 0.97}, 6),
    )
    ranked, _ = rank(read_results(show, PLANNED[:3], "roc_auc", METRICS), "roc_auc", "higher")
    assert [r.name for r in ranked] == ["s-2", "s-3", "s-1"]


def test_failed_missing_and_metricless_experiments_are_reported_not_dropped() -> None:
    show = dvc_show(
        dvc_exp("s-1", "success", {"roc_auc": 0.95}, 2),
        dvc_exp("s-2", "failed", None, 4),
        dvc_exp("s-3", "success", {"accuracy": 0.9}, 6),  # no roc_auc
        dvc_exp("s-4", "queued", None, 8),
    )
    results = read_results(show, PLANNED, "roc_auc", METRICS)
    ranked, unfinished = rank(results, "roc_auc", "higher")
    assert [r.name for r in ranked] == ["s-1"]
    problems = {r.name: (r.state, r.problem) for r in unfinished}
    assert problems == {
        "s-2": ("failed", "failed: see `dvc queue logs s-2`"),
        "s-3": ("failed", f"no roc_auc in {METRICS}"),
        "s-4": ("queued", "still queued"),
        "s-5": ("missing", "not listed by `dvc exp show`"),
    }


def test_json_outcome_is_plain_json() -> None:
    planned = (PlannedExperiment("s-1", {"model.params.max_depth": 2}),)
    plan = SweepPlan(planned, "log_loss", "lower", 1)
    result = ExperimentResult(
        "s-1", {"model.params.max_depth": 2}, "success", "r", {"log_loss": 0.2}
    )
    body = SweepOutcome(plan, [result], [], None, 3.0, branch="best").to_json_dict()
    assert json.loads(json.dumps(body))["ranked"] == [
        {
            "name": "s-1",
            "rev": "r",
            "state": "success",
            "params": {"model.params.max_depth": 2},
            "scores": {"log_loss": 0.2},
            "problem": None,
            "rank": 1,
        }
    ]
