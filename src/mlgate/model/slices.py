"""Scores per slice of the test split: each category of every categorical feature (missing values
as a slice of their own) and each configured bin of a numeric feature.

The model is scored on each slice with the evaluate stage's own score functions; a slice that
lacks a class has no ROC AUC or log loss. Slices of at least `min_rows` rows are ranked, and the
worst of them (by the chosen score, direction-aware) is what the card highlights and the
`worst_slice` gate judges.

The slices' rows are found in `slice_masks` and reported in `slice_report`'s types.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from mlgate.config import SliceSettings
from mlgate.data.feature_schema import DataLabel, FeatureSchema
from mlgate.model.evaluation import DIGITS, label_scores, probability_scores
from mlgate.model.scores import ScoreName
from mlgate.model.slice_masks import check_bins_columns, slice_masks
from mlgate.model.slice_report import Slice, SliceReport, WorstSlice, worst_slice

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from sklearn.base import ClassifierMixin

# The model card and `mlgate card` import these from here, where they were defined first.
__all__ = [
    "SCORES",
    "Slice",
    "SliceReport",
    "WorstSlice",
    "check_bins_columns",
    "score_slice",
    "score_slices",
]

SCORES: tuple[ScoreName, ...] = ("accuracy", "precision", "recall", "f1", "roc_auc", "log_loss")


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
