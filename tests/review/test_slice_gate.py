"""The slice_regression gate: a slice that loses more than the tolerance against the same slice at
the base fails the gate, whichever way the score is better; small and unmatched slices do not."""

from __future__ import annotations

from mlgate.config import parse_gates
from mlgate.model.slice_report import SliceReport
from mlgate.review.changes import MetricChange
from mlgate.review.gate_verdict import GateVerdict
from mlgate.review.gates import check_gates, judge
from mlgate.review.slice_gate import check_slice_regression
from tests.support.slice_reports import category, numeric_bin, slice_report

BASE = slice_report(
    category("red", 0.95, 40), category("blue", 0.90, 30), category("green", 0.90, 5)
)
ACCURACY = [MetricChange("model.accuracy", 0.93, 0.93)]


def verdict(
    gate: dict[str, object],
    head: SliceReport | None,
    base: SliceReport | None = BASE,
    metrics: list[MetricChange] = ACCURACY,
) -> GateVerdict:
    gates = parse_gates({"slice_regression": gate}, "params.yaml")
    return check_gates(metrics, gates, "test", head, base_slices=base)


def test_a_slice_that_drops_beyond_the_tolerance_fails_and_is_named_in_one_line() -> None:
    head = slice_report(
        category("red", 0.95, 40), category("blue", 0.75, 30), category("green", 0.90, 5)
    )
    outcome = verdict({"tolerance": 0.1, "min_rows": 20}, head)
    (result,) = outcome.results
    assert not outcome.passed
    assert (result.kind, result.score, result.status) == ("slice_regression", "accuracy", "failed")
    assert (result.reference, result.value) == (0.90, 0.75)
    assert result.requirement == "drop ≤ 0.1 on slices of 20+ rows"
    assert result.detail == (
        "colour = blue (30 → 30 rows): 0.9000 → 0.7500: drop 0.1500, allowed 0.1000"
    )
    assert "\n" not in result.detail


def test_a_drop_within_the_tolerance_passes_and_reports_the_largest() -> None:
    head = slice_report(
        category("red", 0.90, 40), category("blue", 0.85, 30), category("green", 0.90, 5)
    )
    (result,) = verdict({"tolerance": 0.05, "min_rows": 20}, head).results
    assert result.status == "passed"  # both drop exactly 0.05: at the tolerance passes
    assert result.detail.startswith("2 slices of 20+ rows compared; largest drop: colour = ")


def test_slices_under_min_rows_on_either_side_are_ignored() -> None:
    head = slice_report(
        category("red", 0.95, 40), category("blue", 0.40, 19), category("green", 0.0, 5)
    )
    assert verdict({"tolerance": 0.1, "min_rows": 20}, head).passed
    assert not verdict({"tolerance": 0.1, "min_rows": 5}, head).passed


def test_unmatched_slices_are_counted_in_the_detail_and_do_not_fail() -> None:
    base = slice_report(category("red", 0.95, 40), numeric_bin("radius", "≤ 12.0", 0.9, 30))
    head = slice_report(category("red", 0.96, 40), numeric_bin("radius", "≤ 12.5", 0.2, 30))
    (result,) = verdict({}, head, base).results
    assert result.status == "passed"
    assert (
        result.detail
        == "1 slice of 20+ rows compared: none got worse; unmatched: 1 PR and 1 base slices"
    )


def test_for_rmse_a_rise_is_the_regression_and_a_percentage_is_of_the_base() -> None:
    def report(red: float, blue: float) -> SliceReport:
        slices = (
            category("red", red, 40, metric="rmse"),
            category("blue", blue, 40, metric="rmse"),
        )
        return slice_report(*slices, metric="rmse")

    rmse = [MetricChange("model.rmse", 20.0, 20.0)]
    gate = {"metric": "auto", "tolerance": "10%", "min_rows": 20}
    (failed,) = verdict(gate, report(10.0, 23.0), report(10.0, 20.0), rmse).results
    assert (failed.score, failed.status) == ("rmse", "failed")
    assert failed.requirement == "rise ≤ 10% of base on slices of 20+ rows"
    assert failed.detail == (
        "colour = blue (40 → 40 rows): 20.0000 → 23.0000: rise 3.0000, allowed 2.0000"
    )
    assert verdict(gate, report(8.0, 21.5), report(10.0, 20.0), rmse).passed
    assert verdict(gate, report(5.0, 5.0), report(10.0, 20.0), rmse).passed  # falls are better


def test_a_missing_base_slice_report_skips_the_gate_with_a_reason() -> None:
    outcome = verdict({}, BASE, base=None)
    (result,) = outcome.results
    assert (result.status, result.detail) == (
        "skipped",
        "the base has no slice report (reports/slices.json)",
    )
    assert outcome.passed


def test_a_missing_workspace_slice_report_fails() -> None:
    (result,) = verdict({}, None).results
    assert (result.status, result.detail) == ("failed", "no slice report")


def test_a_metric_of_the_other_task_is_set_aside_and_auto_follows_the_task() -> None:
    outcome = verdict({"metric": "rmse"}, BASE)
    assert outcome.results == ()
    assert outcome.not_applicable == ("rmse",)
    gate = parse_gates({"slice_regression": {}}, "p").slice_regression
    assert gate is not None
    assert check_slice_regression(gate, None, BASE, BASE).score == "accuracy"  # by the report


def test_the_gate_is_off_by_default_and_judge_passes_the_base_slices_on() -> None:
    assert parse_gates({}, "p").slice_regression is None
    head = slice_report(
        category("red", 0.95, 40), category("blue", 0.50, 30), category("green", 0.90, 5)
    )
    on = parse_gates({"slice_regression": {}}, "p")
    judged = judge(
        ACCURACY,
        workspace=on,
        base=on,
        workspace_label="w",
        base_label="b",
        slices=head,
        base_slices=BASE,
    )
    assert [result.status for result in judged.results] == ["failed"]
    assert check_gates(ACCURACY, parse_gates({}, "p"), "t", head, base_slices=BASE).results == ()
