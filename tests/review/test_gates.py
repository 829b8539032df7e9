"""The gate's rules are direction-aware and agree with the thresholds exactly at the boundary."""

from __future__ import annotations

import numpy as np
import pytest

from mlgate.config import BootstrapConfig, parse_gates
from mlgate.model.predictions import RowPredictions
from mlgate.model.slice_report import Slice, SliceReport, worst_slice
from mlgate.review.bootstrap import DeltaInterval, delta_interval
from mlgate.review.changes import MetricChange
from mlgate.review.gates import check_gates, judge
from mlgate.review.intervals import ScoreIntervals
from mlgate.review.row_scores import score_rows
from tests.support.row_predictions import classifier_rows


def metrics(**values: tuple[float | None, float | None]) -> list[MetricChange]:
    return [MetricChange(name.replace("__", "."), b, h) for name, (b, h) in values.items()]


def verdict_of(gates: dict[str, object], **values: tuple[float | None, float | None]):  # type: ignore[no-untyped-def]
    return check_gates(metrics(**values), parse_gates(gates, "params.yaml"), "test")


def test_threshold_is_a_floor_for_scores_and_a_ceiling_for_log_loss() -> None:
    verdict = verdict_of(
        {"thresholds": {"accuracy": 0.9, "log_loss": 0.3}},
        model__accuracy=(None, 0.95),
        model__log_loss=(None, 0.35),
    )
    status = {r.score: r.status for r in verdict.results}
    assert status == {"accuracy": "passed", "log_loss": "failed"}
    assert not verdict.passed
    assert verdict.failures[0].requirement == "≤ 0.3"


def test_gate_set_exactly_at_the_value_passes() -> None:
    verdict = verdict_of(
        {"thresholds": {"accuracy": 0.95614}, "max_regression": {"f1": 0.01}},
        model__accuracy=(None, 0.95614),
        model__f1=(0.97, 0.96),
    )
    assert verdict.passed, verdict.results


def test_gate_fails_when_auc_drops_beyond_relative_tolerance() -> None:
    verdict = verdict_of(
        {"max_regression": {"roc_auc": "1%"}},
        model__roc_auc=(0.99, 0.97),  # allowed drop 0.0099, actual 0.02
    )
    (result,) = verdict.results
    assert result.status == "failed"
    assert "drop 0.0200, allowed 0.0099" in result.detail


def test_rise_in_log_loss_is_a_regression_and_a_fall_is_not() -> None:
    worse = verdict_of({"max_regression": {"log_loss": 0.05}}, model__log_loss=(0.10, 0.20))
    better = verdict_of({"max_regression": {"log_loss": 0.05}}, model__log_loss=(0.20, 0.10))
    assert worse.results[0].status == "failed"
    assert "rise 0.1000" in worse.results[0].detail
    assert better.results[0].status == "passed"


def test_regression_gate_is_skipped_without_a_base_value() -> None:
    verdict = verdict_of({"max_regression": {"accuracy": 0.01}}, model__accuracy=(None, 0.5))
    assert verdict.results[0].status == "skipped"
    assert verdict.passed


def test_missing_metric_fails_its_gates() -> None:
    verdict = verdict_of(
        {"thresholds": {"f1": 0.5}, "max_regression": {"f1": 0.1}}, model__accuracy=(0.9, 0.9)
    )
    assert [r.status for r in verdict.results] == ["failed", "failed"]
    assert all(r.detail == "metric missing" for r in verdict.results)


@pytest.mark.parametrize(
    ("score", "model", "baseline", "status"),
    [
        ("accuracy", 0.75, 0.6, "passed"),
        ("accuracy", 0.65, 0.6, "failed"),
        ("log_loss", 0.5, 0.7, "passed"),  # lower is better: 0.2 under the baseline
        ("log_loss", 0.65, 0.7, "failed"),
    ],
)
def test_model_must_beat_the_baseline_by_the_margin(
    score: str, model: float, baseline: float, status: str
) -> None:
    verdict = check_gates(
        [
            MetricChange(f"model.{score}", None, model),
            MetricChange(f"baseline.{score}", None, baseline),
        ],
        parse_gates({"baseline_margin": {score: 0.1}}, "p"),
        "test",
    )
    assert verdict.results[0].status == status


def test_verdict_json_lists_every_gate() -> None:
    verdict = verdict_of(
        {"thresholds": {"accuracy": 0.99}, "max_regression": {"accuracy": 0.1}},
        model__accuracy=(0.9, 0.95),
    )
    body = verdict.to_json_dict()
    assert body["passed"] is False
    assert (body["failed"], body["total"]) == (1, 2)
    assert [g["kind"] for g in body["gates"]] == ["threshold", "max_regression"]


def test_base_gates_judge_and_the_prs_own_gates_are_previewed() -> None:
    scores = metrics(model__accuracy=(0.95, 0.95))
    strict = parse_gates({"thresholds": {"accuracy": 0.99}}, "p")
    loose = parse_gates({"thresholds": {"accuracy": 0.5}}, "p")
    tightening = judge(scores, workspace=strict, base=loose, workspace_label="w", base_label="b")
    assert tightening.passed
    assert (
        tightening.source
        == "b; this PR changes `gates:` (applied once merged): under them, 1 of 1 would fail"
    )
    loosening = judge(scores, workspace=loose, base=strict, workspace_label="w", base_label="b")
    assert not loosening.passed
    assert loosening.source.endswith("under them, all 1 would pass")


def test_workspace_gates_apply_when_the_base_has_none() -> None:
    scores = metrics(model__accuracy=(None, 0.95))
    gates = parse_gates({"thresholds": {"accuracy": 0.99}}, "p")
    verdict = judge(
        scores, workspace=gates, base=None, workspace_label="w", base_label="b", base_has_none=True
    )
    assert not verdict.passed
    assert verdict.source == "w (the base has no gates yet)"
    same = judge(scores, workspace=gates, base=gates, workspace_label="w", base_label="b")
    assert same.source == "b"


def test_relative_tolerance_on_a_zero_base_allows_nothing_and_says_so() -> None:
    verdict = verdict_of({"max_regression": {"log_loss": "5%"}}, model__log_loss=(0.0, 0.00001))
    (result,) = verdict.results
    assert result.status == "failed"
    assert result.detail == "0.0000 → 1.00e-05: rise 1.00e-05, allowed 0.0000"


# ------------------------------------------------------------------ worst_slice


def slice_report(*slices: tuple[str, int, bool, dict[str, float | None]]) -> SliceReport:
    items = tuple(
        Slice(
            feature="colour",
            kind="categorical",
            name=name,
            rows=rows,
            labels={},
            ranked=ranked,
            scores=scores,  # type: ignore[arg-type]
        )
        for name, rows, ranked, scores in slices
    )
    return SliceReport(
        metric="accuracy",
        min_rows=10,
        classes=("a", "b"),
        test_rows=sum(item.rows for item in items),
        slices=items,
        worst=worst_slice(items, "accuracy"),
    )


SLICES = slice_report(
    ("red", 40, True, {"accuracy": 0.92, "log_loss": 0.2}),
    ("blue", 30, True, {"accuracy": 0.78, "log_loss": 0.6}),
    ("green", 4, False, {"accuracy": 0.25, "log_loss": 2.0}),  # too small to rank
)


def slice_verdict(gate: dict[str, object], slices: SliceReport | None = SLICES):  # type: ignore[no-untyped-def]
    return check_gates([], parse_gates({"worst_slice": gate}, "params.yaml"), "test", slices)


def test_worst_slice_gate_fails_below_its_floor_and_names_the_slice() -> None:
    verdict = slice_verdict({"metric": "accuracy", "min": 0.8})
    (result,) = verdict.results
    assert (result.kind, result.score, result.status, result.value) == (
        "worst_slice",
        "accuracy",
        "failed",
        0.78,
    )
    assert result.requirement == "≥ 0.8"
    assert result.detail == "colour = blue (30 rows): 0.7800 misses ≥ 0.8"
    assert not verdict.passed


def test_worst_slice_gate_passes_at_its_floor_and_ignores_unranked_slices() -> None:
    assert slice_verdict({"metric": "accuracy", "min": 0.78}).passed


def test_worst_slice_gate_on_log_loss_is_a_ceiling() -> None:
    failed = slice_verdict({"metric": "log_loss", "max": 0.5}).results[0]
    assert (failed.status, failed.requirement, failed.value) == ("failed", "≤ 0.5", 0.6)
    assert slice_verdict({"metric": "log_loss", "max": 0.6}).passed


REGRESSION_SLICES = slice_report(
    ("red", 40, True, {"rmse": 12.0, "r2": 0.7}),
    ("blue", 30, True, {"rmse": 18.5, "r2": 0.4}),
    ("green", 4, False, {"rmse": 90.0, "r2": -2.0}),  # too small to rank
)


def test_worst_slice_gate_on_rmse_is_a_ceiling_and_on_r2_a_floor() -> None:
    failed = slice_verdict({"metric": "rmse", "max": 15}, REGRESSION_SLICES).results[0]
    assert (failed.status, failed.requirement, failed.value) == ("failed", "≤ 15", 18.5)
    assert failed.detail == "colour = blue (30 rows): 18.5000 misses ≤ 15"
    assert slice_verdict({"metric": "rmse", "max": 18.5}, REGRESSION_SLICES).passed
    failed = slice_verdict({"metric": "r2", "min": 0.5}, REGRESSION_SLICES).results[0]
    assert (failed.status, failed.requirement, failed.value) == ("failed", "≥ 0.5", 0.4)
    assert slice_verdict({"metric": "r2", "min": 0.4}, REGRESSION_SLICES).passed


def test_worst_slice_gate_fails_when_no_ranked_slice_has_the_score() -> None:
    (result,) = slice_verdict({"metric": "roc_auc", "min": 0.5}).results
    assert result.status == "failed"
    assert result.detail == "no slice of 10+ rows has a roc_auc"


def test_worst_slice_gate_without_a_slice_report_fails() -> None:
    (result,) = slice_verdict({"min": 0.5}, slices=None).results
    assert (result.status, result.detail) == ("failed", "no slice report")


def test_worst_slice_gate_is_off_by_default() -> None:
    assert parse_gates({}, "p").worst_slice is None
    assert check_gates([], parse_gates({}, "p"), "test", SLICES).results == ()


def test_base_worst_slice_gate_judges_with_the_workspace_slices() -> None:
    strict = parse_gates({"worst_slice": {"min": 0.9}}, "p")
    verdict = judge(
        [],
        workspace=parse_gates({}, "p"),
        base=strict,
        workspace_label="w",
        base_label="b",
        slices=SLICES,
    )
    assert not verdict.passed
    assert verdict.failures[0].kind == "worst_slice"


def test_gates_on_the_other_tasks_scores_are_set_aside_and_listed() -> None:
    gates = parse_gates(
        {
            "thresholds": {"accuracy": 0.9},
            "max_regression": {"roc_auc": "1%", "rmse": "5%"},
            "baseline_margin": {"rmse": "10%"},
        },
        "p",
    )
    verdict = check_gates(
        [
            MetricChange("model.rmse", 10.0, 10.4),
            MetricChange("baseline.rmse", None, 12.0),
            MetricChange("model.r2", 0.6, 0.58),
        ],
        gates,
        "test",
    )
    assert verdict.task == "regression"
    assert [(r.kind, r.score, r.status) for r in verdict.results] == [
        ("max_regression", "rmse", "passed"),  # a 4% rise, 5% allowed
        ("baseline_margin", "rmse", "passed"),  # 10.4 <= 12 - 1.2
    ]
    assert verdict.not_applicable == ("accuracy", "roc_auc")
    assert verdict.not_applicable_note() == (
        "Not applied (not regression scores): accuracy, ROC AUC."
    )


@pytest.mark.parametrize(("model", "status"), [(10.8, "passed"), (10.9, "failed")])
def test_a_relative_margin_is_a_share_of_the_baseline(model: float, status: str) -> None:
    verdict = check_gates(
        [MetricChange("model.rmse", None, model), MetricChange("baseline.rmse", None, 12.0)],
        parse_gates({"baseline_margin": {"rmse": "10%"}}, "p"),
        "test",
    )
    assert verdict.results[0].status == status
    assert verdict.results[0].requirement == "≤ baseline − 10% of it"


def test_without_scores_every_gate_applies_and_fails_on_its_missing_metric() -> None:
    verdict = check_gates([], parse_gates({"thresholds": {"accuracy": 0.9, "r2": 0.5}}, "p"), "t")
    assert [(r.score, r.detail) for r in verdict.results] == [
        ("accuracy", "metric missing"),
        ("r2", "metric missing"),
    ]


def _intervals_for(base: RowPredictions, head: RowPredictions) -> ScoreIntervals:
    interval = delta_interval("accuracy", base, head, BootstrapConfig(), paired=True)
    assert isinstance(interval, DeltaInterval)
    return ScoreIntervals({"accuracy": interval}, paired=True, rows=(len(base), len(head)))


def _accuracy_verdict(base: RowPredictions, head: RowPredictions, *, significance: bool):  # type: ignore[no-untyped-def]
    gates = parse_gates(
        {"max_regression": {"accuracy": 0.005}, "significance": significance}, "params.yaml"
    )
    change = metrics(model__accuracy=(score_rows(base, "accuracy"), score_rows(head, "accuracy")))
    return check_gates(change, gates, "test", intervals=_intervals_for(base, head))


def _base_and_flipped(flipped: int) -> tuple[RowPredictions, RowPredictions]:
    """114 rows, the base right on 105; the PR wrong on `flipped` more of them."""
    target = np.random.default_rng(0).integers(0, 2, 114)
    right = np.arange(114) >= 9
    worse = right.copy()
    worse[9 : 9 + flipped] = False
    return classifier_rows(right, target), classifier_rows(worse, target)


def test_a_one_row_drop_fails_the_tolerance_but_not_a_significance_gate() -> None:
    base, head = _base_and_flipped(1)
    plain = _accuracy_verdict(base, head, significance=False)
    noisy = _accuracy_verdict(base, head, significance=True)
    assert plain.results[0].status == "failed"
    assert "not significant" in plain.results[0].detail
    (result,) = noisy.results
    assert result.status == "passed"
    assert result.requirement == "drop ≤ 0.005 or not significant"
    assert "drop 0.0088, allowed 0.0050" in result.detail
    assert result.detail.endswith("not significant, so it passes (gates.significance)")


def test_a_real_degradation_fails_a_significance_gate() -> None:
    base, head = _base_and_flipped(15)
    verdict = _accuracy_verdict(base, head, significance=True)
    (result,) = verdict.results
    assert result.status == "failed"
    assert "(paired): significant" in result.detail


def test_significance_unknown_is_stated_and_judged_on_the_tolerance_alone() -> None:
    gates = parse_gates({"max_regression": {"accuracy": 0.01}, "significance": True}, "p")
    missing = ScoreIntervals(unavailable="the base has no per-row predictions")
    verdict = check_gates(metrics(model__accuracy=(0.95, 0.90)), gates, "test", intervals=missing)
    (result,) = verdict.results
    assert result.status == "failed"
    assert result.detail.endswith(
        "significance unknown: the base has no per-row predictions; judged on the tolerance alone"
    )


def test_without_intervals_the_regression_detail_is_unchanged() -> None:
    verdict = verdict_of({"max_regression": {"accuracy": 0.01}}, model__accuracy=(0.95, 0.90))
    assert verdict.results[0].detail == "0.9500 → 0.9000: drop 0.0500, allowed 0.0100"


def test_judge_passes_the_intervals_to_the_gates_that_judge() -> None:
    base, head = _base_and_flipped(1)
    gates = parse_gates({"max_regression": {"accuracy": 0.005}, "significance": True}, "p")
    change = metrics(model__accuracy=(score_rows(base, "accuracy"), score_rows(head, "accuracy")))
    verdict = judge(
        change,
        workspace=gates,
        base=gates,
        workspace_label="w",
        base_label="b",
        intervals=_intervals_for(base, head),
    )
    assert verdict.passed
