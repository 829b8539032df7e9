"""What a pull request changes, as plain values: metrics, params, DVC-tracked data, plot data.

Collected from DVC by `mlgate.review.collect`; judged by `gates`; rendered by `render`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from mlgate.model.scores import Direction, direction_of
from mlgate.review.revisions import Revision

Movement = Literal["better", "worse", "changed", "unchanged", "added", "removed"]

# Relative moves are measured against at least this, so a base of 0 does not dominate.
RELATIVE_FLOOR = 0.01


@dataclass(frozen=True)
class MetricChange:
    """One metric at the base and in the workspace (None where that side lacks it)."""

    name: str  # as DVC flattens it: "model.roc_auc", "baseline.accuracy", "test_rows"
    base: float | None
    head: float | None

    @property
    def group(self) -> str:
        """ "model", "baseline", or "" for top-level metrics such as test_rows."""
        return self.name.rpartition(".")[0]

    @property
    def score(self) -> str:
        return self.name.rpartition(".")[2]

    @property
    def direction(self) -> Direction | None:
        return direction_of(self.score)

    @property
    def delta(self) -> float | None:
        if self.base is None or self.head is None:
            return None
        return self.head - self.base

    @property
    def relative_delta(self) -> float | None:
        """|Δ| as a share of the base, so moves of different metrics compare."""
        delta = self.delta
        if delta is None or self.base is None:
            return None
        return abs(delta) / max(abs(self.base), RELATIVE_FLOOR)

    @property
    def movement(self) -> Movement:
        delta = self.delta
        if self.base is None:
            return "unchanged" if self.head is None else "added"
        if self.head is None:
            return "removed"
        assert delta is not None
        if abs(delta) < 1e-12:
            return "unchanged"
        if self.direction is None:
            return "changed"
        improved = delta > 0 if self.direction == "higher" else delta < 0
        return "better" if improved else "worse"


@dataclass(frozen=True)
class ParamChange:
    name: str  # "model.params.max_depth"; prefixed with the file when not params.yaml
    base: Any
    head: Any


@dataclass(frozen=True)
class Shape:
    rows: int
    columns: int


@dataclass(frozen=True)
class DataChange:
    """A DVC-tracked file or folder whose content hash differs between base and workspace."""

    path: str
    change: Literal["added", "deleted", "modified", "renamed"]
    base_hash: str | None
    head_hash: str | None
    base_shape: Shape | None  # None: not a table, or the base's copy is not in the local cache
    head_shape: Shape | None


@dataclass(frozen=True)
class RawDataSummary:
    """Rows and columns of the validated raw data, from the committed validation report."""

    rows: int
    columns: tuple[str, ...]


@dataclass(frozen=True)
class PlotData:
    """The evaluate stage's plot data at one revision: a classifier's curves and confusion, or
    a regressor's predictions."""

    roc: tuple[tuple[float, float], ...] = ()  # (false positive rate, true positive rate)
    confusion: tuple[tuple[str, str], ...] = ()  # (actual, predicted) per test row
    predicted: tuple[tuple[float, float], ...] = ()  # a regression's (actual, predicted)

    @property
    def is_regression(self) -> bool:
        return bool(self.predicted)


@dataclass(frozen=True)
class Comparison:
    """Everything the review reports, for one base and the current workspace."""

    base: Revision
    head: Revision
    workspace_dirty: bool
    metrics: tuple[MetricChange, ...]
    params: tuple[ParamChange, ...]
    data: tuple[DataChange, ...]
    raw_data: tuple[RawDataSummary | None, RawDataSummary | None]
    plots: tuple[PlotData | None, PlotData | None]

    @property
    def base_has_metrics(self) -> bool:
        """Whether the base has the model's metrics (other metrics files do not count)."""
        return any(metric.base is not None for metric in self.metrics if ":" not in metric.name)

    def metric(self, name: str) -> MetricChange | None:
        return next((metric for metric in self.metrics if metric.name == name), None)

    def metrics_changed(self) -> bool:
        return any(metric.movement != "unchanged" for metric in self.metrics)

    def biggest_move(self) -> MetricChange | None:
        """The model score that moved most relative to its base value."""
        moved = [
            metric
            for metric in self.metrics
            if metric.group == "model" and metric.movement in ("better", "worse")
        ]
        return max(
            moved, key=lambda metric: (metric.relative_delta or 0.0, metric.name), default=None
        )
