"""A packaged regressor in-process: numbers from /predict, a clear refusal from /predict_proba,
the task in the contract and the metadata, numbers in the prediction log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from mlgate.serving.contract import RequestError
from mlgate.serving.predictor import (
    LOG_DIR_VARIABLE,
    SAMPLE_RATE_VARIABLE,
    NoProbabilities,
    Predictor,
)

Records = list[dict[str, Any]]


@pytest.fixture
def predictor(regressor_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Predictor:
    monkeypatch.setenv(LOG_DIR_VARIABLE, str(tmp_path / "log"))
    monkeypatch.setenv(SAMPLE_RATE_VARIABLE, "1.0")
    return Predictor.from_folder(regressor_folder)


def test_predict_answers_one_number_per_record_rounded_to_6_digits(
    predictor: Predictor, price_records: Records
) -> None:
    sent = price_records[:5]
    answer = predictor.predict(sent)["predictions"]
    frame = pd.DataFrame.from_records(sent)
    expected = [round(float(value), 6) for value in predictor.model.predict(frame)]
    assert all(type(value) is float for value in answer)
    assert answer == expected


def test_a_batch_answers_each_record_as_it_would_alone(
    predictor: Predictor, price_records: Records
) -> None:
    sent = price_records[:6]
    together = predictor.predict(sent)["predictions"]
    alone = [predictor.predict([record])["predictions"][0] for record in sent]
    assert together == alone


def test_predict_proba_of_a_regressor_is_a_404_naming_predict(
    predictor: Predictor, price_records: Records
) -> None:
    with pytest.raises(NoProbabilities) as refused:
        predictor.predict_proba(price_records[:2])
    assert str(refused.value) == (
        "this model is a regression: /predict_proba has no classes; use /predict"
    )
    assert refused.value.status == 404


def test_the_refusal_comes_before_the_records_are_checked(predictor: Predictor) -> None:
    """Fixing the records would not help: say what would."""
    with pytest.raises(NoProbabilities):
        predictor.predict_proba([{"nonsense": 1}])
    assert not issubclass(NoProbabilities, RequestError)  # not a 400


def test_the_contract_carries_the_task(regressor_folder: Path, predictor: Predictor) -> None:
    contract = json.loads((regressor_folder / "contract.json").read_text())
    assert contract["schema"]["task"] == "regression"
    assert contract["schema"]["labels"] == []
    assert predictor.packaged.task == "regression"


def test_metadata_states_the_task_and_no_classes(predictor: Predictor) -> None:
    info = predictor.metadata()
    assert info["task"] == "regression"
    assert info["classes"] == []
    assert info["estimator"] == "sklearn.ensemble.HistGradientBoostingRegressor"


def test_the_log_holds_the_number_and_no_probabilities(
    predictor: Predictor, price_records: Records, tmp_path: Path
) -> None:
    sent = price_records[:2]
    answer = predictor.predict(sent)["predictions"]
    (log,) = (tmp_path / "log").iterdir()
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [line["prediction"] for line in lines] == answer
    assert all("probabilities" not in line for line in lines)
    assert lines[0]["inputs"] == sent[0]


def test_monitoring_reads_a_regressors_log_as_its_features(
    predictor: Predictor, price_records: Records, tmp_path: Path
) -> None:
    from mlgate.monitor.batches import conform_batch, load_batch

    predictor.predict(price_records[:4])
    schema = predictor.packaged.contract.schema
    batch = conform_batch(load_batch(str(tmp_path / "log" / "*.jsonl")), schema, "log")
    assert list(batch.columns) == list(schema.features)
    assert len(batch) == 4
