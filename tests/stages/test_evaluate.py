"""`mlgate evaluate` writes reports/predictions.parquet: one row per test row, which the review's
intervals resample."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from mlgate.model.predictions import RowPredictions
from mlgate.model.regression_scores import score_regression
from tests.support.cli import STAGES, run_stages
from tests.support.datasets import make_regression_frame, params_with, write_params

PREDICTIONS = Path("reports/predictions.parquet")
TEST = Path("data/processed/test.parquet")


def test_evaluate_writes_each_test_rows_prediction_and_class_probabilities(
    workdir: Path,
) -> None:
    run_stages(*STAGES)
    rows = RowPredictions.from_parquet(PREDICTIONS)
    test = pd.read_parquet(TEST)
    target = json.loads(Path("reports/data_validation.json").read_text())["schema"]["target"]
    assert rows.task == "classification"
    assert rows.row_ids.tolist() == test.index.tolist()
    assert rows.target.tolist() == test[target].tolist()
    assert rows.proba is not None
    assert rows.proba.shape == (len(test), len(rows.labels))
    assert np.allclose(rows.proba.sum(axis=1), 1.0)
    assert rows.predicted.tolist() == [rows.labels[i] for i in rows.proba.argmax(axis=1)]
    accuracy = json.loads(Path("reports/metrics.json").read_text())["model"]["accuracy"]
    assert round(float(np.mean(rows.predicted == rows.target)), 6) == accuracy


def test_evaluate_writes_a_regressions_predictions_without_probabilities(workdir: Path) -> None:
    make_regression_frame().to_parquet("data/external/prices.parquet", index=False)
    data = {
        "source": "data/external/prices.parquet",
        "target": "sale price",
        "task": "regression",
        "drop": ["listing id"],
    }
    write_params(workdir, params_with(data=data, model={"estimator": "auto"}))
    run_stages(*STAGES)
    rows = RowPredictions.from_parquet(PREDICTIONS)
    assert (rows.task, rows.labels, rows.proba) == ("regression", (), None)
    assert len(rows) == len(pd.read_parquet(TEST))
    rmse = json.loads(Path("reports/metrics.json").read_text())["model"]["rmse"]
    assert score_regression(rows.target, rows.predicted)["rmse"] == rmse
