"""Slice reports (reports/slices.json) built in a line, for the review's slice tests."""

from __future__ import annotations

from typing import Literal

from mlgate.model.scores import ScoreName, direction_of, task_of_score
from mlgate.model.slice_report import Slice, SliceReport, worst_slice


def category(
    name: str,
    value: float | None,
    rows: int = 30,
    *,
    feature: str = "colour",
    metric: ScoreName = "accuracy",
    min_rows: int = 10,
) -> Slice:
    """A categorical slice with one score."""
    return _slice(feature, "categorical", name, value, rows, metric, min_rows)


def numeric_bin(
    feature: str,
    name: str,
    value: float | None,
    rows: int = 30,
    *,
    metric: ScoreName = "accuracy",
    min_rows: int = 10,
) -> Slice:
    """A numeric bin (named by its bounds, e.g. `≤ 12.3` or `(12.3, 15.0]`) with one score."""
    return _slice(feature, "numeric", name, value, rows, metric, min_rows)


def _slice(
    feature: str,
    kind: Literal["categorical", "numeric"],
    name: str,
    value: float | None,
    rows: int,
    metric: ScoreName,
    min_rows: int,
) -> Slice:
    return Slice(
        feature=feature,
        kind=kind,
        name=name,
        rows=rows,
        labels={},
        ranked=rows >= min_rows,
        scores={metric: value},
    )


def slice_report(*slices: Slice, metric: ScoreName = "accuracy", min_rows: int = 10) -> SliceReport:
    """A report of these slices, ranked by `metric`."""
    direction = direction_of(metric)
    assert direction is not None
    regression = task_of_score(metric) == "regression"
    return SliceReport(
        metric=metric,
        direction=direction,
        min_rows=min_rows,
        classes=() if regression else ("a", "b"),
        test_rows=sum(item.rows for item in slices),
        slices=slices,
        worst=worst_slice(slices, metric),
    )
