"""The HTML report uses the same tests and thresholds as the JSON summary."""

from __future__ import annotations

from mlgate.config import DriftConfig
from mlgate.monitor.report import _per_column_thresholds


def test_columns_with_their_own_test_get_that_tests_default_or_their_own_threshold() -> None:
    config = DriftConfig(
        num_threshold=0.25,
        per_column_method={"x": "ks", "c": "chisquare", "z": "wasserstein"},
        per_column_threshold={"z": 0.4},
    )
    assert _per_column_thresholds(config) == {"x": 0.05, "c": 0.05, "z": 0.4}


def test_a_regression_report_shows_regression_quality_and_target_drift() -> None:
    """Numeric target and predictions: Evidently's regression preset, not the classification
    one (one render: Evidently is slow to import)."""
    import numpy as np
    import pandas as pd

    from mlgate.data.feature_schema import FeatureSchema
    from mlgate.monitor.report import render_drift_html

    schema = FeatureSchema(
        target="sale price", task="regression", labels=(), numeric=("x",), categorical=("c",)
    )
    rng = np.random.default_rng(0)

    def priced(rows: int) -> pd.DataFrame:
        x = rng.normal(0, 1, rows)
        price = np.abs(3 * x + rng.normal(0, 1, rows))
        price[0] = 0.0  # MAPE is undefined there; the report must still render
        return pd.DataFrame(
            {"x": x, "c": rng.choice(["r", "g"], rows), "sale price": price, "prediction": 3 * x}
        )

    html = render_drift_html(priced(300), priced(200), schema, DriftConfig(), labelled=True)
    assert "Regression Model Performance" in html
    assert "R2 Score" in html
    assert "Accuracy" not in html
    # as in the summary: the share over the features, target and predictions on their own
    assert "Drift is detected for 0.0% of columns (0 out of 2)" in html
    assert "Drift in column 'sale price'" in html
    assert "Drift in column 'prediction'" in html
