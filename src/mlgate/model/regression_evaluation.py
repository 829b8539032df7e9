"""Score a regressor and its dummy baseline on the test split; the plots' data.

The same shape as the classifier's evaluation (mlgate.model.evaluation), so the stage writes
either one the same way. Numbers are rounded: the same data and params give the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlgate.data.feature_schema import FeatureSchema
from mlgate.model.evaluation import permutation_importance_by_feature
from mlgate.model.regression_scores import DIGITS, score_regression

if TYPE_CHECKING:
    import pandas as pd
    from sklearn.base import RegressorMixin

# A scatter of more points than this says nothing more, and the plot files are in git.
MAX_PLOTTED_ROWS = 1000


@dataclass(frozen=True)
class RegressionEvaluation:
    """Everything the evaluate stage writes for a regressor."""

    metrics: dict[str, Any]
    predicted_vs_actual: list[dict[str, float]]
    residuals: list[dict[str, float]]
    importance: dict[str, float]

    def plots(self) -> dict[str, list[dict[str, Any]]]:
        """The DVC plots' data, by file name in reports/plots/."""
        return {
            "predicted_vs_actual.json": self.predicted_vs_actual,
            "residuals.json": self.residuals,
        }


def _plotted_rows(count: int, seed: int) -> list[int]:
    """Every row, or a seeded sample of MAX_PLOTTED_ROWS in their original order."""
    import numpy as np

    if count <= MAX_PLOTTED_ROWS:
        return list(range(count))
    picked = np.random.default_rng(seed).choice(count, size=MAX_PLOTTED_ROWS, replace=False)
    return sorted(int(i) for i in picked)


def evaluate_regressor(
    model: RegressorMixin,
    baseline: RegressorMixin,
    test: pd.DataFrame,
    schema: FeatureSchema,
    *,
    importance_repeats: int,
    seed: int,
    importance_max_rows: int | None = None,
) -> RegressionEvaluation:
    """RMSE, MAE, R² and MAPE for model and baseline; predicted-vs-actual, residuals, importance."""
    features = test.loc[:, list(schema.features)]
    actual = test[schema.target].to_numpy(dtype=float)
    predicted = model.predict(features).astype(float)
    metrics = {
        "model": score_regression(actual, predicted),
        "baseline": score_regression(actual, baseline.predict(features)),
        "test_rows": len(test),
    }
    rows = _plotted_rows(len(actual), seed)
    pairs = [(round(float(actual[i]), DIGITS), round(float(predicted[i]), DIGITS)) for i in rows]
    scatter = [{"actual": a, "predicted": p} for a, p in pairs]
    residuals = [{"predicted": p, "residual": round(a - p, DIGITS)} for a, p in pairs]
    importance = permutation_importance_by_feature(
        model, test, schema, importance_repeats, seed, importance_max_rows
    )
    return RegressionEvaluation(metrics, scatter, residuals, importance)
