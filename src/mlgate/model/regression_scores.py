"""A regressor's scores on the test split: RMSE, MAE, R² and MAPE, and which way is better.

MAPE divides by the true values, so it is left out (None) when any true value is zero: a
percentage of nothing means nothing. Rounded as the classification scores are, so the same data
and params give byte-identical metrics.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

RegressionScore = Literal["rmse", "mae", "r2", "mape"]  # their directions: model/scores.py
DIGITS = 6


def score_regression(
    y_true: ArrayLike, predicted: ArrayLike
) -> dict[RegressionScore, float | None]:
    """RMSE, MAE, R² (None on fewer than two rows) and MAPE (None where a true value is 0)."""
    import numpy as np
    from sklearn import metrics

    truth = np.asarray(y_true, dtype=float)
    guess = np.asarray(predicted, dtype=float)
    scores: dict[RegressionScore, float | None] = {
        "rmse": float(np.sqrt(metrics.mean_squared_error(truth, guess))),
        "mae": float(metrics.mean_absolute_error(truth, guess)),
        "r2": float(metrics.r2_score(truth, guess)) if len(truth) >= 2 else None,
        "mape": None
        if (truth == 0).any()
        else float(metrics.mean_absolute_percentage_error(truth, guess)),
    }
    return {name: None if value is None else round(value, DIGITS) for name, value in scores.items()}
