"""A gated score of a model's per-row predictions, computed as the evaluate stage computes it
(the same scikit-learn calls), so the review's interval sits around the number metrics.json
holds."""

from __future__ import annotations

import math

from mlgate.model.predictions import RowPredictions


def score_rows(rows: RowPredictions, metric: str) -> float | None:
    """The score, or None when it is undefined on these rows (e.g. ROC AUC with one class, MAPE
    with a true zero) or not a score of their task."""
    import pandas as pd

    from mlgate.model.evaluation import label_scores, probability_scores
    from mlgate.model.regression_scores import score_regression

    if rows.task == "regression":
        regression = score_regression(rows.target, rows.predicted)
        return next((value for name, value in regression.items() if name == metric), None)
    labels = list(rows.labels)
    truth = pd.Series(rows.target).infer_objects()  # ints in an object array: still ints
    try:
        if metric in ("roc_auc", "log_loss"):
            assert rows.proba is not None  # a classification's file always has them
            scores = probability_scores(truth, rows.proba, labels, rows.positive_label)
        else:
            scores = label_scores(truth, rows.predicted.tolist(), labels, rows.positive_label)
    except ValueError:  # scikit-learn: undefined on these rows
        return None
    value = next((value for name, value in scores.items() if name == metric), None)
    if value is None or math.isnan(value):  # scikit-learn's NaN: undefined (a warning)
        return None
    return round(float(value), 6)
