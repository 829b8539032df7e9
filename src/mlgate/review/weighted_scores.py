"""Every score of the test rows under many resamples at once, for the bootstrap.

A resample is a row of weights (how often each test row was drawn), so a score is a few matrix
products instead of one scikit-learn call per resample: 1000 resamples of a few hundred rows
take milliseconds. With all weights 1 each function equals the evaluate stage's score (a test
holds them to review/row_scores.py). NaN marks a resample where a score is undefined (one class
only, for ROC AUC).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlgate.model.predictions import RowPredictions

if TYPE_CHECKING:
    import numpy as np


def _ratio(numerator: np.ndarray, denominator: np.ndarray, undefined: float) -> np.ndarray:
    import numpy as np

    out = np.full(numerator.shape, undefined, dtype=float)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def _binary_auc(truth: np.ndarray, score: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted ROC AUC: the share of (positive, negative) pairs ranked right, ties half."""
    import numpy as np

    order = np.argsort(score, kind="mergesort")
    ordered, positive = score[order], truth[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])  # groups of equal scores
    drawn = weights[:, order]
    pos = np.add.reduceat(drawn * positive, starts, axis=1)
    neg = np.add.reduceat(drawn * ~positive, starts, axis=1)
    below = np.cumsum(neg, axis=1) - neg
    pairs = pos.sum(axis=1) * neg.sum(axis=1)
    return _ratio((pos * (below + 0.5 * neg)).sum(axis=1), pairs, np.nan)


def _label_counts(
    rows: RowPredictions, weights: np.ndarray, label: object
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """True positives, false positives and false negatives of one class, per resample."""
    actual, called = rows.target == label, rows.predicted == label
    return (
        weights @ (actual & called).astype(float),
        weights @ (~actual & called).astype(float),
        weights @ (actual & ~called).astype(float),
    )


def _label_score(rows: RowPredictions, metric: str, weights: np.ndarray) -> np.ndarray:
    """Precision, recall or F1: the positive class's when binary, else the classes' mean (an
    undefined one counts 0, as the evaluate stage's `zero_division=0`)."""
    import numpy as np

    binary = len(rows.labels) == 2 and rows.positive_label is not None
    labels = [rows.positive_label] if binary else list(rows.labels)
    per_label = []
    for label in labels:
        tp, fp, fn = _label_counts(rows, weights, label)
        if metric == "precision":
            per_label.append(_ratio(tp, tp + fp, 0.0))
        elif metric == "recall":
            per_label.append(_ratio(tp, tp + fn, 0.0))
        else:
            per_label.append(_ratio(2 * tp, 2 * tp + fp + fn, 0.0))
    return np.asarray(np.mean(per_label, axis=0), dtype=float)


def _classification(rows: RowPredictions, metric: str, weights: np.ndarray) -> np.ndarray:
    import numpy as np

    drawn = weights.sum(axis=1)
    if metric == "accuracy":
        correct = (rows.predicted == rows.target).astype(float)
        return np.asarray((weights @ correct) / drawn, dtype=float)
    if metric in ("precision", "recall", "f1"):
        return _label_score(rows, metric, weights)
    assert rows.proba is not None  # a classification's file always has them
    if metric == "log_loss":
        eps = np.finfo(float).eps
        index = np.array([rows.labels.index(value) for value in rows.target.tolist()])
        chosen = np.clip(rows.proba[np.arange(len(rows)), index], eps, 1 - eps)
        return np.asarray((weights @ -np.log(chosen)) / drawn, dtype=float)
    if metric == "roc_auc":
        if len(rows.labels) == 2:
            positive = rows.positive_label
            column = rows.labels.index(positive)
            return _binary_auc(rows.target == positive, rows.proba[:, column], weights)
        per_class = [
            _binary_auc(rows.target == label, rows.proba[:, i], weights)
            for i, label in enumerate(rows.labels)
        ]
        # one-vs-rest, macro: NaN when a class is absent
        return np.asarray(np.mean(per_class, axis=0), dtype=float)
    raise ValueError(f"{metric} is not a classification score")


def _regression(rows: RowPredictions, metric: str, weights: np.ndarray) -> np.ndarray:
    import numpy as np

    truth = rows.target.astype(float)
    error = rows.predicted.astype(float) - truth
    drawn = weights.sum(axis=1)
    if metric == "rmse":
        return np.asarray(np.sqrt((weights @ error**2) / drawn), dtype=float)
    if metric == "mae":
        return np.asarray((weights @ np.abs(error)) / drawn, dtype=float)
    if metric == "mape":
        if (truth == 0).any():
            return np.full(len(weights), np.nan)
        return np.asarray((weights @ np.abs(error / truth)) / drawn, dtype=float)
    if metric == "r2":
        mean = (weights @ truth) / drawn
        total = weights @ truth**2 - drawn * mean**2
        return 1 - _ratio(weights @ error**2, total, np.nan)
    raise ValueError(f"{metric} is not a regression score")


def weighted_scores(rows: RowPredictions, metric: str, weights: np.ndarray) -> np.ndarray:
    """`metric` on the rows under each resample: `weights` is resamples × rows (draw counts)."""
    if rows.task == "regression":
        return _regression(rows, metric, weights)
    return _classification(rows, metric, weights)
