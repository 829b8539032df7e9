"""Scores per slice of the test split: each category of every categorical feature (missing values
as a slice of their own) and each configured bin of a numeric feature.

The model is scored on each slice with the evaluate stage's own score functions; a slice that
lacks a class has no ROC AUC or log loss. Slices of at least `min_rows` rows are ranked, and the
worst of them (by the chosen score, direction-aware) is what the card highlights and the
`worst_slice` gate judges.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from mlgate.config import NumericBins, SliceSettings
from mlgate.data.feature_schema import DataLabel, FeatureSchema
from mlgate.errors import ConfigError
from mlgate.model.evaluate import DIGITS, label_scores, probability_scores
from mlgate.model.scores import ScoreName, direction_of

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from sklearn.base import ClassifierMixin

SCORES: tuple[ScoreName, ...] = ("accuracy", "precision", "recall", "f1", "roc_auc", "log_loss")
MISSING = "(missing)"
SIGNIFICANT_DIGITS = 6  # quantile cut points are rounded, so they print exactly as they bin


class Slice(BaseModel):
    """One slice of the test split and the model's scores on it (None: not defined there)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    feature: str
    kind: Literal["categorical", "numeric"]
    name: str
    missing: bool = False  # the rows where the feature is missing (name: "(missing)")
    rows: int
    labels: dict[str, int]
    ranked: bool
    scores: dict[ScoreName, float | None]


class WorstSlice(BaseModel):
    """The worst ranked slice by one score."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    metric: ScoreName
    feature: str
    kind: Literal["categorical", "numeric"]
    name: str
    missing: bool
    rows: int
    value: float

    def describe(self) -> str:
        """Plain text, e.g. `colour = red`, `mean radius ≤ 12.3`, `size missing`."""
        if self.missing:
            return f"{self.feature} missing"
        if self.kind == "categorical":
            return f"{self.feature} = {self.name}"
        if self.name.startswith("("):
            return f"{self.feature} in {self.name}"
        return f"{self.feature} {self.name}" if self.name.startswith(("≤", ">")) else self.feature


class SliceReport(BaseModel):
    """What reports/slices.json holds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    metric: ScoreName
    min_rows: int
    classes: tuple[str, ...]
    test_rows: int
    slices: tuple[Slice, ...]
    worst: WorstSlice | None

    def worst_by(self, metric: ScoreName) -> WorstSlice | None:
        """The ranked slice with the worst `metric` (None when no ranked slice has it)."""
        return worst_slice(self.slices, metric)

    def to_json_dict(self) -> dict[str, object]:
        return self.model_dump(mode="json")


def worst_slice(slices: Sequence[Slice], metric: ScoreName) -> WorstSlice | None:
    """Lowest score (highest loss) among ranked slices; on a tie, the bigger slice, then the first
    listed."""
    sign = -1.0 if direction_of(metric) == "lower" else 1.0
    candidates = [
        (sign * value, -item.rows, position, item, value)
        for position, item in enumerate(slices)
        if item.ranked and (value := item.scores.get(metric)) is not None
    ]
    if not candidates:
        return None
    _, _, _, chosen, value = min(candidates, key=lambda candidate: candidate[:3])
    return WorstSlice(
        metric=metric,
        feature=chosen.feature,
        kind=chosen.kind,
        name=chosen.name,
        missing=chosen.missing,
        rows=chosen.rows,
        value=value,
    )


@dataclass(frozen=True)
class SliceMask:
    """Which test rows belong to one slice."""

    feature: str
    kind: Literal["categorical", "numeric"]
    name: str
    missing: bool
    rows: np.ndarray  # boolean, one entry per test row


def cut_points(train: pd.Series, bins: NumericBins) -> tuple[float, ...]:
    """The configured cut points, or the interior quantiles of the training split (rounded to
    six significant digits; ties collapse, so heavily tied columns get fewer bins)."""
    import numpy as np

    if bins.quantiles is None:
        return bins.edges
    values = train.dropna().to_numpy(dtype="float64")
    if values.size == 0:
        return ()
    shares = [step / bins.quantiles for step in range(1, bins.quantiles)]
    quantiles = np.quantile(values, shares)
    return tuple(sorted({float(f"{q:.{SIGNIFICANT_DIGITS}g}") for q in quantiles}))


def _cut(value: float) -> str:
    return f"{value:.15g}"  # exact for cut points as written or rounded above: 12, 0.1, 11.7


def bin_names(cuts: Sequence[float]) -> list[str]:
    """Readable names of the bins `cuts` make: ≤ a, (a, b], ..., > z."""
    if not cuts:
        return ["all values"]
    inner = [f"({_cut(low)}, {_cut(high)}]" for low, high in pairwise(cuts)]
    return [f"≤ {_cut(cuts[0])}", *inner, f"> {_cut(cuts[-1])}"]


def check_bins_columns(settings: SliceSettings, schema: FeatureSchema) -> None:
    """Every binned column must be a numeric feature of the validated schema."""
    for column in settings.numeric_bins:
        if column in schema.numeric:
            continue
        if column in schema.categorical:
            why = "it is categorical (each category is a slice already)"
        elif column == schema.target:
            why = "it is the target"
        else:
            why = "no such feature"
        shown = ", ".join(repr(name) for name in schema.numeric) or "none"
        raise ConfigError(
            f"card.slices.numeric_bins.{column}: not a numeric feature of the validated data: "
            f"{why} (numeric features: {shown})"
        )


def slice_masks(
    test: pd.DataFrame, train: pd.DataFrame, schema: FeatureSchema, settings: SliceSettings
) -> list[SliceMask]:
    """Every categorical feature by category (sorted, missing last), then each binned numeric
    feature by bin (in params order, missing last); empty bins are listed too."""
    import numpy as np

    check_bins_columns(settings, schema)
    masks: list[SliceMask] = []
    for feature in schema.categorical:
        column = test[feature]
        absent = column.isna().to_numpy()
        text = column.astype("string")
        for category in sorted({str(value) for value in text[~absent]}):
            rows = (text == category).fillna(False).to_numpy(dtype=bool)
            masks.append(SliceMask(feature, "categorical", category, False, rows))
        if absent.any():
            masks.append(SliceMask(feature, "categorical", MISSING, True, absent))
    for feature, bins in settings.numeric_bins.items():
        cuts = cut_points(train[feature], bins)
        values = test[feature].to_numpy(dtype="float64")
        absent = np.isnan(values)
        index = np.searchsorted(np.asarray(cuts, dtype="float64"), values, side="left")
        for position, name in enumerate(bin_names(cuts)):
            masks.append(SliceMask(feature, "numeric", name, False, (index == position) & ~absent))
        if absent.any():
            masks.append(SliceMask(feature, "numeric", MISSING, True, absent))
    return masks


def _defined(value: float) -> float | None:
    return None if math.isnan(value) else round(float(value), DIGITS)


def score_slice(
    y_true: pd.Series,
    proba: np.ndarray,
    classes: list[DataLabel],
    positive_label: DataLabel | None,
) -> dict[ScoreName, float | None]:
    """The project's scores on one slice; None where a score is not defined there: precision or
    recall with nothing to divide by, ROC AUC and log loss unless every class is present."""
    if len(y_true) == 0:
        return dict.fromkeys(SCORES)
    predicted = [classes[i] for i in proba.argmax(axis=1)]
    scores: dict[ScoreName, float | None] = {
        name: _defined(value)
        for name, value in label_scores(
            y_true, predicted, classes, positive_label, zero_division=math.nan
        ).items()
    }
    present = {str(value) for value in y_true.unique()}
    if present >= {str(label) for label in classes}:
        probability = probability_scores(y_true, proba, classes, positive_label)
        scores |= {name: _defined(value) for name, value in probability.items()}
    else:
        scores["roc_auc"] = scores["log_loss"] = None
    return scores


def score_slices(
    model: ClassifierMixin,
    train: pd.DataFrame,
    test: pd.DataFrame,
    schema: FeatureSchema,
    settings: SliceSettings,
    positive_label: DataLabel | None,
) -> SliceReport:
    """Score the model on every slice of the test split and find the worst ranked one."""
    masks = slice_masks(test, train, schema, settings)
    classes: list[DataLabel] = [c.item() if hasattr(c, "item") else c for c in model.classes_]
    proba = model.predict_proba(test.loc[:, list(schema.features)])
    y_true = test[schema.target]
    slices = []
    for mask in masks:
        truth = y_true[mask.rows]
        counts = truth.astype("string").value_counts()
        slices.append(
            Slice(
                feature=mask.feature,
                kind=mask.kind,
                name=mask.name,
                missing=mask.missing,
                rows=int(mask.rows.sum()),
                labels={str(label): int(counts.get(str(label), 0)) for label in classes},
                ranked=int(mask.rows.sum()) >= settings.min_rows,
                scores=score_slice(truth, proba[mask.rows], classes, positive_label),
            )
        )
    return SliceReport(
        metric=settings.metric,
        min_rows=settings.min_rows,
        classes=tuple(str(label) for label in classes),
        test_rows=len(test),
        slices=tuple(slices),
        worst=worst_slice(slices, settings.metric),
    )
