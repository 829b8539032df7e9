"""The review's uncertainty section: one row per gated score, paired or unpaired said, and one
line when there are no intervals."""

from __future__ import annotations

import numpy as np

from mlgate.config import BootstrapConfig
from mlgate.review.bootstrap import DeltaInterval, delta_interval
from mlgate.review.interval_section import interval_section
from mlgate.review.intervals import ScoreIntervals
from tests.support.markdown import table_with
from tests.support.row_predictions import classifier_rows


def _intervals(*, paired: bool) -> ScoreIntervals:
    target = np.random.default_rng(0).integers(0, 2, 114)
    base = classifier_rows(np.arange(114) >= 5, target)
    head = classifier_rows(np.arange(114) >= 25, target)
    found = {}
    for metric in ("accuracy", "roc_auc", "f1"):
        result = delta_interval(metric, base, head, BootstrapConfig(), paired=paired)
        assert isinstance(result, DeltaInterval)
        found[metric] = result
    return ScoreIntervals(found, paired=paired, rows=(114, 114))


def test_each_gated_score_has_a_row_with_its_interval_and_significance() -> None:
    intervals = _intervals(paired=True)
    text = interval_section(intervals, ["accuracy", "roc_auc", "rmse"])
    rows = table_with(text, "95% interval")
    assert [row["metric"] for row in rows] == ["accuracy", "ROC AUC"]  # gated, of this task
    accuracy = intervals.intervals["accuracy"]
    low, high = (f"{v:+.4f}".replace("-", "−") for v in (accuracy.low, accuracy.high))
    assert rows[0]["95% interval"] == f"[{low}, {high}]"
    assert rows[0]["Δ"] == f"{accuracy.delta:+.4f}".replace("-", "−")
    assert rows[0]["resampling"] == "paired"
    assert rows[0]["significant"] == "**yes, worse**"
    assert "same 114 test rows" in text


def test_unpaired_intervals_say_the_rows_differ() -> None:
    text = interval_section(_intervals(paired=False), ["accuracy"])
    assert table_with(text, "95% interval")[0]["resampling"] == "unpaired"
    assert "each side is resampled on its own" in text


def test_missing_base_predictions_are_one_line() -> None:
    missing = ScoreIntervals(unavailable="the base `main` (abc1234) has no per-row predictions")
    text = interval_section(missing, ["accuracy"])
    assert text.splitlines()[-1] == (
        "No intervals: the base `main` (abc1234) has no per-row predictions."
    )


def test_no_gated_score_no_section() -> None:
    assert interval_section(_intervals(paired=True), []) == ""
    assert interval_section(_intervals(paired=True), ["rmse"]) == ""
