"""A gated score of per-row predictions is the number the evaluate stage wrote for them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlgate.model.evaluation import score_predictions
from mlgate.model.predictions import RowPredictions
from mlgate.model.regression_scores import score_regression
from mlgate.review.row_scores import score_rows
from tests.support.row_predictions import classifier_rows


def test_classification_scores_are_the_evaluate_stages() -> None:
    rng = np.random.default_rng(0)
    rows = classifier_rows(rng.random(50) < 0.8, rng.integers(0, 2, 50))
    assert rows.proba is not None
    expected = score_predictions(pd.Series(rows.target), rows.proba, [0, 1], 1)
    for metric, value in expected.items():
        assert score_rows(rows, metric) == value


def test_regression_scores_are_the_evaluate_stages() -> None:
    target = np.array([1.0, 2.0, 3.0, 4.0])
    rows = RowPredictions(
        "regression", np.arange(4), target, target + np.array([0.5, -0.5, 1.0, 0.0])
    )
    for metric, value in score_regression(rows.target, rows.predicted).items():
        assert score_rows(rows, metric) == value


@pytest.mark.filterwarnings("ignore:Only one class is present")
def test_an_undefined_score_is_none() -> None:
    rows = classifier_rows(np.ones(10, dtype=bool), np.ones(10, dtype=np.int64))
    assert score_rows(rows, "roc_auc") is None
    target = np.array([0.0, 2.0])
    regression = RowPredictions("regression", np.arange(2), target, target + 1)
    assert score_rows(regression, "mape") is None
