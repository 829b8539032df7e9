"""The ranking table: ranked, failed, then the baseline; the best line and what to do next."""

from __future__ import annotations

from rich.console import Console

from mlgate.experiments.plan import SweepPlan
from mlgate.experiments.ranking import SweepOutcome, rank
from mlgate.experiments.render import print_outcome
from mlgate.experiments.results import read_baseline, read_results
from tests.support.sweep_examples import METRICS, PLANNED, dvc_exp, dvc_show


def test_table_lists_ranked_then_failed_experiments_and_the_baseline() -> None:
    show = dvc_show(
        dvc_exp("s-1", "success", {"roc_auc": 0.90, "log_loss": 0.3}, 2),
        dvc_exp("s-2", "success", {"roc_auc": 0.97, "log_loss": 0.2}, 4),
        dvc_exp("s-3", "failed", None, 6),
    )
    plan = SweepPlan(tuple(PLANNED[:3]), "roc_auc", "higher", 2)
    ranked, unfinished = rank(
        read_results(show, PLANNED[:3], "roc_auc", METRICS), "roc_auc", "higher"
    )
    baseline = read_baseline(show, ["model.params.max_depth"], METRICS)
    outcome = SweepOutcome(plan, ranked, unfinished, baseline, 12.3)
    console = Console(width=80, record=True, color_system=None)
    print_outcome(outcome, console)
    text = console.export_text()
    rows = [
        [cell.strip() for cell in line.split("│")[1:-1]]
        for line in text.splitlines()
        if line.startswith("│")
    ]
    # rank, experiment, max_depth, ROC AUC (the ranking metric first), ..., log loss
    assert [[*row[:4], row[-1]] for row in rows] == [
        ["1", "s-2", "4", "0.97", "0.2"],
        ["2", "s-1", "2", "0.9", "0.3"],
        ["✗", "s-3", "6", "", ""],
        ["", "main", "8", "0.99", "0.11"],
    ]
    assert "2 of 3 experiments succeeded in 12.3 s (2 at a time)" in text
    assert "✗ s-3: failed: see `dvc queue logs s-3`" in text
    assert "best: s-2 (model.params.max_depth=4), ROC AUC 0.97" in text
    assert not outcome.ok


def test_best_with_the_baselines_own_values_is_not_proposed() -> None:
    show = dvc_show(
        dvc_exp("s-1", "success", {"roc_auc": 0.95}, 2),
        dvc_exp("s-4", "success", {"roc_auc": 0.99}, 8),  # max_depth 8, as main has
    )
    planned = [PLANNED[0], PLANNED[3]]
    plan = SweepPlan(tuple(planned), "roc_auc", "higher", 1)
    ranked, unfinished = rank(read_results(show, planned, "roc_auc", METRICS), "roc_auc", "higher")
    baseline = read_baseline(show, ["model.params.max_depth"], METRICS)
    console = Console(width=120, record=True, color_system=None)
    print_outcome(SweepOutcome(plan, ranked, unfinished, baseline, 1.0), console)
    text = console.export_text()
    assert "the best has the values main has: nothing to propose" in text
    assert "dvc exp branch" not in text
