"""Scores per slice of the test split: each category of every categorical feature (missing values
as a slice of their own) and each planned bin of a numeric feature.

The model is scored on each slice with the evaluate stage's own score functions: a classifier's
(a slice that lacks a class has no ROC AUC or log loss) or a regressor's (RMSE, MAE, R² where
the slice's truth varies, MAPE where no true value is 0). Slices of at least `min_rows` rows are
ranked, and the worst of them (by the planned score, direction-aware) is what the card
highlights and the `worst_slice` gate judges.

The slices are planned in `slice_plan`, their rows found in `slice_masks` and reported in
`slice_report`'s types.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from mlgate.data.feature_schema import DataLabel, FeatureSchema
from mlgate.model.evaluation import DIGITS, label_scores, probability_scores
from mlgate.model.regression_scores import score_regression
from mlgate.model.scores import TASK_SCORES, ScoreName, direction_of
from mlgate.model.slice_masks import SliceMask, check_bins_columns, slice_masks
from mlgate.model.slice_report import Slice, SliceReport, WorstSlice, worst_slice

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from sklearn.pipeline import Pipeline

    from mlgate.model.slice_plan import SlicePlan

# The model card and `mlgate card` import these from here, where they were defined first.
__all__ = [
    "SCORES",
    "Slice",
    "SliceReport",
    "WorstSlice",
    "check_bins_columns",
    "score_regression_slice",
    "score_slice",
    "score_slices",
]

SCORES: tuple[ScoreName, ...] = TASK_SCORES["classification"]


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


def score_regression_slice(
    y_true: pd.Series, predicted: np.ndarray
) -> dict[ScoreName, float | None]:
    """The evaluate stage's regression scores on one slice; None where not defined there: all of
    them on an empty slice, R² where the truth does not vary, MAPE where a true value is 0."""
    if len(y_true) == 0:
        return dict.fromkeys(TASK_SCORES["regression"])
    scores: dict[ScoreName, float | None] = {
        name: value for name, value in score_regression(y_true.tolist(), predicted.tolist()).items()
    }
    if y_true.nunique() < 2:  # sklearn would call it 0 (or 1): neither is a score of the model
        scores["r2"] = None
    return scores


def _slice(mask: SliceMask, plan: SlicePlan, **facts: object) -> Slice:
    rows = int(mask.rows.sum())
    return Slice.model_validate(
        {
            "feature": mask.feature,
            "kind": mask.kind,
            "name": mask.name,
            "missing": mask.missing,
            "rows": rows,
            "ranked": rows >= plan.min_rows,
            **facts,
        }
    )


def _classifier_slices(
    model: Pipeline,
    test: pd.DataFrame,
    schema: FeatureSchema,
    masks: list[SliceMask],
    plan: SlicePlan,
    positive_label: DataLabel | None,
) -> tuple[list[DataLabel], list[Slice]]:
    classes: list[DataLabel] = [c.item() if hasattr(c, "item") else c for c in model.classes_]
    proba = model.predict_proba(test.loc[:, list(schema.features)])
    y_true = test[schema.target]
    slices = []
    for mask in masks:
        truth = y_true[mask.rows]
        counts = truth.astype("string").value_counts()
        labels = {str(label): int(counts.get(str(label), 0)) for label in classes}
        scores = score_slice(truth, proba[mask.rows], classes, positive_label)
        slices.append(_slice(mask, plan, labels=labels, scores=scores))
    return classes, slices


def _regressor_slices(
    model: Pipeline,
    test: pd.DataFrame,
    schema: FeatureSchema,
    masks: list[SliceMask],
    plan: SlicePlan,
) -> list[Slice]:
    predicted = model.predict(test.loc[:, list(schema.features)])
    y_true = test[schema.target].astype("float64")
    slices = []
    for mask in masks:
        truth = y_true[mask.rows]
        mean = _defined(truth.mean()) if len(truth) else None
        scores = score_regression_slice(truth, predicted[mask.rows])
        slices.append(_slice(mask, plan, labels={}, scores=scores, target_mean=mean))
    return slices


def score_slices(
    model: Pipeline,
    train: pd.DataFrame,
    test: pd.DataFrame,
    schema: FeatureSchema,
    plan: SlicePlan,
    positive_label: DataLabel | None,
) -> SliceReport:
    """Score the model on every slice of the test split and find the worst ranked one."""
    masks = slice_masks(test, train, schema, plan.numeric_bins)
    classes: list[DataLabel] = []
    if schema.task == "regression":
        slices = _regressor_slices(model, test, schema, masks, plan)
    else:
        classes, slices = _classifier_slices(model, test, schema, masks, plan, positive_label)
    direction = direction_of(plan.metric)
    assert direction is not None  # every score has one
    return SliceReport(
        metric=plan.metric,
        direction=direction,
        min_rows=plan.min_rows,
        classes=tuple(str(label) for label in classes),
        test_rows=len(test),
        slices=tuple(slices),
        worst=worst_slice(slices, plan.metric),
    )
