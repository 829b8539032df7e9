"""A packaged regressor in-process: numbers from /predict, a clear refusal from /predict_proba,
the task in the contract and the metadata, numbers in the prediction log."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from mlgate.config import ServingConfig, parse_params
from mlgate.data.conform import conform_frame
from mlgate.data.schema import validate_frame
from mlgate.model.fitting import train_model
from mlgate.model.persist import dump_model
from mlgate.serving.contract import RequestError
from mlgate.serving.package import (
    build_contract,
    params_digest,
    serving_metadata,
    write_model_folder,
)
from mlgate.serving.predictor import (
    LOG_DIR_VARIABLE,
    SAMPLE_RATE_VARIABLE,
    NoProbabilities,
    Predictor,
)
from tests.support.datasets import make_custom_frame, params_with

PARAMS = params_with(
    data={"target": "price", "drop": ["row_id", "outcome"], "task": "regression"},
    model={"estimator": "auto"},
)


def make_price_frame(rows: int = 300, seed: int = 0) -> pd.DataFrame:
    """The custom data with a numeric target: a price from size, colour and noise."""
    frame = make_custom_frame(rows=rows, seed=seed)
    rng = np.random.default_rng(seed + 1)
    colour = frame["colour"].map({"red": 5.0, "green": 0.0, "blue": -5.0}).fillna(0.0)
    frame["price"] = (frame["size"].fillna(10.0) * 3 + colour + rng.normal(0, 1, rows)).round(2)
    return frame


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What `mlgate bento` stores for a forest regressor trained on the price data."""
    params = parse_params(PARAMS)
    frame = make_price_frame()
    report = validate_frame(frame, params.data)
    assert report.schema_ is not None
    assert report.schema_.task == "regression"
    train = conform_frame(frame, report.schema_)
    model = train_model(train, report.schema_, params.model)
    serving = ServingConfig()
    contract = build_contract(report.schema_, train, report.null_fraction, serving)
    model_bytes = dump_model(model)
    info = serving_metadata(
        model_version=hashlib.md5(model_bytes).hexdigest(),
        estimator=params.model.estimator_for("regression"),
        git_sha="f" * 40,
        git_branch="main",
        metrics={"model": {"rmse": 1.2}},
        digest=params_digest(PARAMS),
        config=serving,
    )
    target = tmp_path_factory.mktemp("regressor")
    write_model_folder(target, model_bytes, contract, info)
    return target


@pytest.fixture
def predictor(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Predictor:
    monkeypatch.setenv(LOG_DIR_VARIABLE, str(tmp_path / "log"))
    monkeypatch.setenv(SAMPLE_RATE_VARIABLE, "1.0")
    return Predictor.from_folder(folder)


def records(rows: int = 3) -> list[dict[str, Any]]:
    frame = make_price_frame(rows=rows, seed=5).drop(columns=["row_id", "outcome", "price"])
    return json.loads(frame.to_json(orient="records"))


def test_predict_answers_one_number_per_record_rounded_to_6_digits(predictor: Predictor) -> None:
    sent = records(5)
    answer = predictor.predict(sent)["predictions"]
    frame = pd.DataFrame.from_records(sent)
    expected = [round(float(value), 6) for value in predictor.model.predict(frame)]
    assert all(type(value) is float for value in answer)
    assert answer == expected


def test_a_batch_answers_each_record_as_it_would_alone(predictor: Predictor) -> None:
    sent = records(6)
    together = predictor.predict(sent)["predictions"]
    alone = [predictor.predict([record])["predictions"][0] for record in sent]
    assert together == alone


def test_predict_proba_of_a_regressor_is_a_404_naming_predict(predictor: Predictor) -> None:
    with pytest.raises(NoProbabilities) as refused:
        predictor.predict_proba(records(2))
    assert str(refused.value) == (
        "this model is a regression: /predict_proba has no classes; use /predict"
    )
    assert refused.value.status == 404


def test_the_refusal_comes_before_the_records_are_checked(predictor: Predictor) -> None:
    """Fixing the records would not help: say what would."""
    with pytest.raises(NoProbabilities):
        predictor.predict_proba([{"nonsense": 1}])
    assert not issubclass(NoProbabilities, RequestError)  # not a 400


def test_the_contract_carries_the_task(folder: Path, predictor: Predictor) -> None:
    contract = json.loads((folder / "contract.json").read_text())
    assert contract["schema"]["task"] == "regression"
    assert contract["schema"]["labels"] == []
    assert predictor.packaged.task == "regression"


def test_metadata_states_the_task_and_no_classes(predictor: Predictor) -> None:
    info = predictor.metadata()
    assert info["task"] == "regression"
    assert info["classes"] == []
    assert info["estimator"] == "sklearn.ensemble.RandomForestRegressor"


def test_the_log_holds_the_number_and_no_probabilities(
    predictor: Predictor, tmp_path: Path
) -> None:
    sent = records(2)
    answer = predictor.predict(sent)["predictions"]
    (log,) = (tmp_path / "log").iterdir()
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [line["prediction"] for line in lines] == answer
    assert all("probabilities" not in line for line in lines)
    assert lines[0]["inputs"] == sent[0]


def test_monitoring_reads_a_regressors_log_as_its_features(
    predictor: Predictor, tmp_path: Path
) -> None:
    from mlgate.monitor.batches import conform_batch, load_batch

    predictor.predict(records(4))
    schema = predictor.packaged.contract.schema
    batch = conform_batch(load_batch(str(tmp_path / "log" / "*.jsonl")), schema, "log")
    assert list(batch.columns) == list(schema.features)
    assert len(batch) == 4
