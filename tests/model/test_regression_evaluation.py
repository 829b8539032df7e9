"""A regressor's evaluation: scores against a mean baseline, plot rows, importance."""

from __future__ import annotations

import pandas as pd
import pytest

from mlgate.config import ModelConfig
from mlgate.data.feature_schema import FeatureSchema
from mlgate.data.splitting import split_frame
from mlgate.model import regression_evaluation
from mlgate.model.evaluation import fit_baseline, importance_rows
from mlgate.model.fitting import train_model
from mlgate.model.regression_evaluation import evaluate_regressor
from tests.support.datasets import make_regression_frame

SCHEMA = FeatureSchema(
    target="sale price",
    task="regression",
    labels=(),
    numeric=("area (m²)", "rooms#"),
    categorical=("district/zone",),
)


@pytest.fixture(scope="module")
def fitted() -> tuple[object, object, pd.DataFrame]:
    train, test = split_frame(make_regression_frame(), SCHEMA, test_size=0.25, seed=0)
    config = ModelConfig.model_validate({"params": {"max_iter": 30, "random_state": 0}})
    model = train_model(train, SCHEMA, config)
    baseline = fit_baseline(train, SCHEMA, config.baseline_for("regression"), 0)
    return model, baseline, test


def test_the_auto_estimator_and_baseline_of_a_regression(fitted: tuple) -> None:
    model, baseline, _ = fitted
    assert type(model.steps[-1][1]).__name__ == "HistGradientBoostingRegressor"
    assert type(baseline).__name__ == "DummyRegressor"
    assert baseline.strategy == "mean"


def test_the_model_beats_the_mean_and_every_score_is_there(fitted: tuple) -> None:
    model, baseline, test = fitted
    result = evaluate_regressor(model, baseline, test, SCHEMA, importance_repeats=2, seed=0)
    scores, dummy = result.metrics["model"], result.metrics["baseline"]
    assert set(scores) == set(dummy) == {"rmse", "mae", "r2", "mape"}
    assert result.metrics["test_rows"] == len(test) == len(result.predicted_vs_actual)
    assert scores["rmse"] < 0.8 * dummy["rmse"]
    assert scores["r2"] > 0.5 > dummy["r2"]
    assert dummy["r2"] == pytest.approx(0.0, abs=0.05)  # the mean of the train split
    first = result.predicted_vs_actual[0]
    assert first["actual"] == round(float(test["sale price"].iloc[0]), 6)
    assert result.residuals[0] == {
        "predicted": first["predicted"],
        "residual": round(first["actual"] - first["predicted"], 6),
    }
    assert set(result.plots()) == {"predicted_vs_actual.json", "residuals.json"}


def test_importance_is_measured_in_rmse(fitted: tuple) -> None:
    model, baseline, test = fitted
    result = evaluate_regressor(model, baseline, test, SCHEMA, importance_repeats=2, seed=0)
    ranked = importance_rows(result.importance)
    assert ranked[0]["feature"] == "area (m²)"  # the price is mostly area
    assert ranked[0]["importance"] > 1_000  # in price units, not in log loss


def test_big_test_splits_plot_a_seeded_sample(
    fitted: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    model, baseline, test = fitted
    monkeypatch.setattr(regression_evaluation, "MAX_PLOTTED_ROWS", 20)
    first = evaluate_regressor(model, baseline, test, SCHEMA, importance_repeats=1, seed=5)
    again = evaluate_regressor(model, baseline, test, SCHEMA, importance_repeats=1, seed=5)
    assert len(first.predicted_vs_actual) == 20
    assert first.predicted_vs_actual == again.predicted_vs_actual
    assert first.metrics["test_rows"] == len(test)  # scores use every row


def test_a_classifier_baseline_strategy_is_refused_for_a_regression() -> None:
    config = ModelConfig.model_validate({"baseline": "prior"})
    with pytest.raises(
        ValueError, match=r"model.baseline: prior is not a strategy for a regression"
    ):
        config.baseline_for("regression")
