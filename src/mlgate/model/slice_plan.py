"""Which slices the card scores and how it ranks them, resolved for the data at hand.

`card.slices.numeric_bins: auto` bins the numeric features the model relies on most (the evaluate
stage's permutation importance) into quartiles of the training split, so the default fits any
dataset; a configured mapping is taken as written. `card.slices.metric: auto` is accuracy for a
classification (what the card ranked by before auto existed) and RMSE for a regression.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mlgate.config import NumericBins, SliceSettings
from mlgate.data.feature_schema import FeatureSchema
from mlgate.errors import ArtifactError, ConfigError
from mlgate.model.scores import ScoreName, TaskName, resolve_score
from mlgate.model.slice_masks import check_bins_columns, cut_points

if TYPE_CHECKING:
    import pandas as pd

AUTO_BINNED_FEATURES = 3  # auto: how many numeric features are binned, most important first
AUTO_QUANTILES = 4  # auto: quartiles of the training split (ties collapse into fewer bins)
SLICE_DEFAULT_SCORE: dict[TaskName, ScoreName] = {
    "classification": "accuracy",
    "regression": "rmse",
}


@dataclass(frozen=True)
class SlicePlan:
    """The slices to score: numeric bins by feature (in slicing order), what ranks them."""

    numeric_bins: Mapping[str, NumericBins]
    automatic: bool  # the numeric features were chosen by importance (numeric_bins: auto)
    min_rows: int
    metric: ScoreName


def importance_order(body: object, origin: str) -> tuple[str, ...]:
    """The features of reports/plots/importance.json, strongest first, as evaluate wrote them."""
    rows = body if isinstance(body, list) else None
    if rows is None or not all(
        isinstance(row, dict)
        and isinstance(row.get("feature"), str)
        and isinstance(row.get("importance"), int | float)
        for row in rows
    ):
        raise ArtifactError(
            f"{origin}: expected a list of {{feature, importance}} rows; "
            "re-run `dvc repro evaluate`"
        )
    return tuple(row["feature"] for row in rows)


def _splits(values: pd.Series, bins: NumericBins) -> bool:
    """Whether the bins put the (non-missing) training values into two bins or more."""
    import numpy as np

    known = values.dropna().to_numpy(dtype="float64")
    cuts = np.asarray(cut_points(values, bins), dtype="float64")
    return np.unique(np.searchsorted(cuts, known, side="left")).size >= 2


def auto_bins(
    schema: FeatureSchema, train: pd.DataFrame, importance: Sequence[str]
) -> dict[str, NumericBins]:
    """Quartiles of the most important numeric features whose training values fall into two
    quartile bins or more (constant or empty columns are passed over; heavily tied ones get
    fewer bins); features the importance does not rank come after, in the schema's order."""
    quartiles = NumericBins.model_validate(AUTO_QUANTILES)
    ranked = [name for name in importance if name in schema.numeric]
    ranked += [name for name in schema.numeric if name not in ranked]
    chosen: dict[str, NumericBins] = {}
    for feature in ranked:
        if len(chosen) == AUTO_BINNED_FEATURES:
            break
        if _splits(train[feature], quartiles):
            chosen[feature] = quartiles
    return chosen


def slice_metric(settings: SliceSettings, task: TaskName) -> ScoreName:
    """The score that ranks the slices: as set, or the task's slice default for auto."""
    try:
        return resolve_score(settings.metric, task, default=SLICE_DEFAULT_SCORE[task])
    except ValueError as exc:
        raise ConfigError(f"card.slices.metric: {exc}") from None


def plan_slices(
    settings: SliceSettings,
    schema: FeatureSchema,
    train: pd.DataFrame,
    importance: Sequence[str],
) -> SlicePlan:
    """Resolve `card.slices` for this data: the metric for the task, the bins (configured ones
    must be numeric features; auto's are chosen by `importance`, strongest first)."""
    metric = slice_metric(settings, schema.task)
    if settings.numeric_bins is None:
        bins = auto_bins(schema, train, importance)
    else:
        check_bins_columns(settings, schema)
        bins = dict(settings.numeric_bins)
    return SlicePlan(
        numeric_bins=bins,
        automatic=settings.auto_bins,
        min_rows=settings.min_rows,
        metric=metric,
    )
