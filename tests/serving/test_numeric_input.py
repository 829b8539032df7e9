"""The pandas-free input of an all-numeric model gives exactly the DataFrame path's predictions;
any other pipeline keeps the DataFrame path."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_limits

from mlgate.config import ServingConfig, parse_params
from mlgate.data.conform import conform_frame
from mlgate.data.schema import validate_frame
from mlgate.model.fitting import train_model
from mlgate.serving.contract import check_records, records_to_frame
from mlgate.serving.package import build_contract
from mlgate.serving.predictor import Packaged, Predictor
from mlgate.serving.predlog import PredictionLog
from tests.support.datasets import make_custom_frame, make_regression_frame, params_with

FOREST = {"n_estimators": 30, "max_depth": 5, "random_state": 0, "n_jobs": 1}
BOOSTING = {"learning_rate": 0.05, "max_iter": 40, "random_state": 0}
ESTIMATORS = {
    "classification": {
        "sklearn.ensemble.RandomForestClassifier": FOREST,
        "sklearn.ensemble.HistGradientBoostingClassifier": BOOSTING,
    },
    "regression": {
        "sklearn.ensemble.RandomForestRegressor": FOREST,
        "sklearn.ensemble.HistGradientBoostingRegressor": BOOSTING,
    },
}


def _predictor(
    frame: pd.DataFrame, data: dict[str, Any], model: dict[str, Any]
) -> tuple[Predictor, pd.DataFrame]:
    """A Predictor of a model trained on `frame`, and the frame's feature rows."""
    params = parse_params(params_with(data=data, model=model))
    report = validate_frame(frame, params.data)
    schema = report.schema_
    assert schema is not None
    train = conform_frame(frame, schema)
    contract = build_contract(schema, train, report.null_fraction, ServingConfig())
    packaged = Packaged(contract, {"model_version": "0" * 32}, PredictionLog(None, 0.0))
    with threadpool_limits(limits=1, user_api="openmp"):  # OpenMP on a busy machine crawls
        model = train_model(train, schema, params.model)
    return Predictor(packaged, model), train


def _records(predictor: Predictor, train: pd.DataFrame, seed: int) -> list[dict[str, Any]]:
    """The training rows as JSON records, plus shuffled values, whole numbers and nulls."""
    schema = predictor.packaged.contract.schema
    features = train.loc[:, list(schema.features)]
    records: list[dict[str, Any]] = json.loads(features.to_json(orient="records"))
    rng = np.random.default_rng(seed)
    for _ in range(300):
        record = dict(records[int(rng.integers(len(records)))])
        for name in schema.numeric:
            column = features[name].dropna()
            value = float(column.iloc[int(rng.integers(len(column)))])
            record[name] = round(value) if rng.random() < 0.2 else value
            if name in predictor.packaged.contract.nullable and rng.random() < 0.2:
                record[name] = None
        records.append(record)
    assert any(value is None for record in records for value in record.values())
    return list(check_records(records, predictor.packaged.contract))


@pytest.mark.parametrize("task", ["classification", "regression"])
@pytest.mark.parametrize("imputer", ["median", "mean"])
@pytest.mark.parametrize("scale", [True, False])
def test_numeric_records_predict_exactly_as_the_dataframe_path(
    task: str, imputer: str, scale: bool
) -> None:
    if task == "classification":
        frame = make_custom_frame(rows=300, seed=3).drop(columns=["colour", "region"])
        data: dict[str, Any] = {}
    else:
        frame = make_regression_frame(rows=300, seed=3).drop(columns=["district/zone", "country"])
        data = {"target": "sale price", "drop": ["listing id"], "task": "regression"}
    method = "predict_proba" if task == "classification" else "predict"
    preprocessing = {"numeric_imputer": imputer, "scale_numeric": scale}
    for estimator, params in ESTIMATORS[task].items():
        model = {"estimator": estimator, "params": params, "preprocessing": preprocessing}
        predictor, train = _predictor(frame, data, model)
        assert predictor.numeric is not None, "an all-numeric pipeline takes the matrix path"
        records = _records(predictor, train, seed=len(estimator))
        expected = getattr(predictor.model, method)(
            records_to_frame(records, predictor.packaged.contract.schema)
        )
        assert np.array_equal(predictor.model_output(records, method), expected), estimator


def test_categorical_records_keep_the_dataframe_path_and_its_predictions() -> None:
    model = {"estimator": "sklearn.ensemble.HistGradientBoostingClassifier", "params": BOOSTING}
    predictor, train = _predictor(make_custom_frame(rows=300, seed=3), {}, model)
    assert predictor.numeric is None
    records = _records(predictor, train, seed=0)
    expected = predictor.model.predict_proba(
        records_to_frame(records, predictor.packaged.contract.schema)
    )
    assert np.array_equal(predictor.model_output(records, "predict_proba"), expected)


def test_a_pipeline_of_another_shape_keeps_the_dataframe_path() -> None:
    from sklearn.preprocessing import MinMaxScaler

    frame = make_custom_frame(rows=200, seed=1).drop(columns=["colour", "region"])
    predictor, _ = _predictor(
        frame, {}, {"estimator": "sklearn.ensemble.RandomForestClassifier", "params": FOREST}
    )
    assert predictor.numeric is not None
    numeric = predictor.model.steps[0][1].transformers_[0][1]
    numeric.steps[-1] = ("scale", MinMaxScaler())
    changed = Predictor(predictor.packaged, predictor.model)
    assert changed.numeric is None


def test_a_prediction_runs_on_the_predictors_openmp_threads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from threadpoolctl import threadpool_info

    frame = make_custom_frame(rows=200, seed=1).drop(columns=["colour", "region"])
    model = {"estimator": "sklearn.ensemble.HistGradientBoostingClassifier", "params": BOOSTING}
    predictor, train = _predictor(frame, {}, model)
    assert predictor.numeric is not None
    estimator = predictor.numeric.estimator
    seen: list[int] = []

    def predict_proba(matrix: Any) -> Any:
        seen.extend(
            pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "openmp"
        )
        return type(estimator).predict_proba(estimator, matrix)

    monkeypatch.setattr(estimator, "predict_proba", predict_proba)
    records = _records(predictor, train, seed=0)[:3]
    for threads in (1, 2):
        seen.clear()
        predictor.openmp_threads = threads
        predictor.model_output(records, "predict_proba")
        assert set(seen) == {threads}
