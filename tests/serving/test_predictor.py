"""The served model in-process: a packaged folder loads and answers, on the 3-class custom data."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

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
from mlgate.serving.predictor import LOG_DIR_VARIABLE, SAMPLE_RATE_VARIABLE, Predictor
from tests.support.datasets import BASE_PARAMS, make_custom_frame


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What `mlgate bento` stores, for a model trained on the custom data."""
    params = parse_params(BASE_PARAMS)
    frame = make_custom_frame()
    report = validate_frame(frame, params.data)
    assert report.schema_ is not None
    train = conform_frame(frame, report.schema_)
    model = train_model(train, report.schema_, params.model)
    serving = ServingConfig()
    contract = build_contract(report.schema_, train, report.null_fraction, serving)
    model_bytes = dump_model(model)
    info = serving_metadata(
        model_version=hashlib.md5(model_bytes).hexdigest(),  # the md5 dvc.lock records
        estimator=params.model.estimator,
        git_sha="f" * 40,
        git_branch="main",
        metrics={"model": {"accuracy": 0.9}},
        digest=params_digest(BASE_PARAMS),
        config=serving,
        registry_version="v1.2.0",
    )
    target = tmp_path_factory.mktemp("model")
    write_model_folder(target, model_bytes, contract, info)
    return target


@pytest.fixture
def predictor(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Predictor:
    monkeypatch.setenv(LOG_DIR_VARIABLE, str(tmp_path / "log"))
    monkeypatch.setenv(SAMPLE_RATE_VARIABLE, "1.0")  # params' default samples 1%
    return Predictor.from_folder(folder)


def _md5_of(folder: Path) -> str:
    """The packaged model's md5: the version it answers with (and the hash checked on load)."""
    return hashlib.md5((folder / "model.skops").read_bytes()).hexdigest()


def records(rows: int = 3) -> list[dict[str, object]]:
    frame = make_custom_frame(rows=rows, seed=5).drop(columns=["row_id", "outcome"])
    return json.loads(frame.to_json(orient="records"))  # what a client sends: JSON, nulls


def test_predicts_one_known_label_per_record(predictor: Predictor, folder: Path) -> None:
    answer = predictor.predict(records(5))
    assert len(answer["predictions"]) == 5
    assert set(answer["predictions"]) <= {"high", "low", "mid"}
    assert answer["model_version"] == _md5_of(folder)


def test_probabilities_sum_to_one_per_record(predictor: Predictor) -> None:
    rows = predictor.predict_proba(records(4))["probabilities"]
    assert all(set(row) == {"high", "low", "mid"} for row in rows)
    assert all(abs(sum(row.values()) - 1) < 1e-5 for row in rows)


def test_missing_values_seen_in_training_are_accepted(predictor: Predictor) -> None:
    record = records(1)[0] | {"size": None, "colour": None}
    assert predictor.predict([record])["predictions"]


def test_contract_knows_the_training_categories_and_nulls(predictor: Predictor) -> None:
    assert predictor.packaged.contract.categories == {
        "colour": frozenset({"red", "green", "blue"}),
        "region": frozenset({"north", "south"}),
    }
    assert predictor.packaged.contract.nullable == {"size", "weight", "colour"}
    with pytest.raises(RequestError, match="unknown category 'purple'"):
        predictor.predict([records(1)[0] | {"colour": "purple"}])


def test_metadata_reports_version_commit_metrics_task_and_classes(
    predictor: Predictor, folder: Path
) -> None:
    info = predictor.metadata()
    assert info["task"] == "classification"
    assert (info["model_version"], info["git_branch"]) == (_md5_of(folder), "main")
    assert info["registry_version"] == "v1.2.0"
    assert info["metrics"] == {"model": {"accuracy": 0.9}}
    assert info["classes"] == ["high", "low", "mid"]
    assert len(info["params_digest"]) == 12


def test_a_model_packaged_before_regression_existed_is_served_as_a_classifier(
    folder: Path, tmp_path: Path
) -> None:
    import shutil

    copy = tmp_path / "model"
    shutil.copytree(folder, copy)
    contract = json.loads((copy / "contract.json").read_text())
    del contract["schema"]["task"]
    (copy / "contract.json").write_text(json.dumps(contract))
    predictor = Predictor.from_folder(copy)
    assert predictor.metadata()["task"] == "classification"
    assert set(predictor.predict_proba(records(1))["probabilities"][0]) == {"high", "low", "mid"}


def test_an_unregistered_model_has_a_null_registry_version() -> None:
    info = serving_metadata(
        model_version="abc123",
        estimator="sklearn.dummy.DummyClassifier",
        git_sha="f" * 40,
        git_branch="main",
        metrics={},
        digest="d",
        config=ServingConfig(),
    )
    assert info["registry_version"] is None


def test_predictions_are_logged_for_monitoring(predictor: Predictor, tmp_path: Path) -> None:
    sent = records(2)
    answer = predictor.predict(sent)
    (log,) = (tmp_path / "log").iterdir()
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [line["prediction"] for line in lines] == answer["predictions"]
    assert lines[0]["inputs"] == sent[0]


def test_logged_fields_must_be_features_of_the_model() -> None:
    from mlgate.config import PredictionLogConfig
    from mlgate.errors import ConfigError
    from mlgate.serving.package import check_logged_fields

    schema = validate_frame(make_custom_frame(), parse_params(BASE_PARAMS).data).schema_
    assert schema is not None
    feature = schema.features[0]
    check_logged_fields(PredictionLogConfig(fields=(feature,), hash_fields=(feature,)), schema)
    with pytest.raises(ConfigError, match=r"^serving\.prediction_log: 'ssn' not among the model"):
        check_logged_fields(PredictionLogConfig(hash_fields=("ssn",)), schema)


def test_the_packaged_log_settings_limit_and_hash_what_is_logged(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    copy = tmp_path / "model"
    shutil.copytree(folder, copy)
    info = json.loads((copy / "metadata.json").read_text())
    sent = records(1)
    first, second = list(sent[0])[:2]
    info["prediction_log"] |= {"fields": [first, second], "hash_fields": [second]}
    (copy / "metadata.json").write_text(json.dumps(info))
    monkeypatch.setenv(LOG_DIR_VARIABLE, str(tmp_path / "log"))
    monkeypatch.setenv(SAMPLE_RATE_VARIABLE, "1.0")
    monkeypatch.setenv("MLGATE_PREDICTION_LOG_HASH_KEY", "a secret")
    predictor = Predictor.from_folder(copy)
    predictor.predict(sent)
    (log,) = (tmp_path / "log").iterdir()
    logged = json.loads(log.read_text())["inputs"]
    assert list(logged) == [first, second]
    assert logged[first] == sent[0][first]
    assert str(logged[second]).startswith("hmac-sha256:")
    assert predictor.metadata()["prediction_log"]["hash_fields"] == [second]
