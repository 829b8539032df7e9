"""Crafted per-row predictions (mlgate.model.predictions.RowPredictions) for the review's
interval and gate tests: a binary classifier right on a chosen set of rows, or a regressor with
chosen errors."""

from __future__ import annotations

import numpy as np

from mlgate.model.predictions import RowPredictions


def classifier_rows(
    correct: np.ndarray, target: np.ndarray, row_ids: np.ndarray | None = None
) -> RowPredictions:
    """Binary labels 0/1 (positive 1): right where `correct`, 0.8 sure of what it predicts."""
    target = np.asarray(target, dtype=np.int64)
    predicted = np.where(correct, target, 1 - target)
    proba = np.column_stack(
        [np.where(predicted == 0, 0.8, 0.2), np.where(predicted == 1, 0.8, 0.2)]
    )
    ids = np.arange(len(target), dtype=np.int64) if row_ids is None else row_ids
    return RowPredictions("classification", ids, target, predicted, (0, 1), 1, proba)


def regressor_rows(target: np.ndarray, errors: np.ndarray) -> RowPredictions:
    """Predictions `target + errors`."""
    target = np.asarray(target, dtype=float)
    ids = np.arange(len(target), dtype=np.int64)
    return RowPredictions("regression", ids, target, target + errors)
