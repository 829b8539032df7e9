"""A regressor's scores: known values, the better direction, MAPE only where it means something."""

from __future__ import annotations

import pytest

from mlgate.model.regression_scores import score_regression
from mlgate.model.scores import SCORE_DIRECTIONS, TASK_SCORES


def test_scores_of_known_errors() -> None:
    scores = score_regression([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 6.0])
    assert scores["rmse"] == pytest.approx(1.0)  # sqrt(4 / 4)
    assert scores["mae"] == pytest.approx(0.5)
    assert scores["r2"] == pytest.approx(1 - 4 / 5)  # SSE 4 over SST 5
    assert scores["mape"] == pytest.approx(0.5 / 4)  # |4-6|/4 = 0.5, over four rows


def test_a_perfect_model_and_which_way_is_better() -> None:
    scores = score_regression([2.0, 5.0, 9.0], [2.0, 5.0, 9.0])
    assert scores == {"rmse": 0.0, "mae": 0.0, "r2": 1.0, "mape": 0.0}
    assert {name: SCORE_DIRECTIONS[name] for name in TASK_SCORES["regression"]} == {
        "rmse": "lower",
        "mae": "lower",
        "r2": "higher",
        "mape": "lower",
    }


def test_mape_is_left_out_when_a_true_value_is_zero() -> None:
    assert score_regression([0.0, 1.0], [0.5, 1.0])["mape"] is None
