"""Loading a model file never runs code: its hash, then its exact types, before anything is built.

Every payload here ran code or wrote a file through the previous loader (a prefix check on type
names); each must now be refused in one line, with the marker never created.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from mlgate.config import ModelConfig
from mlgate.data.feature_schema import FeatureSchema
from mlgate.data.splitting import split_frame
from mlgate.errors import ArtifactError
from mlgate.model.fitting import train_model
from mlgate.model.persist import dump_model, load_model
from tests.support.datasets import make_custom_frame
from tests.support.payloads import payloads, rewrite

FOREST = "sklearn.ensemble.RandomForestClassifier"
SCHEMA = FeatureSchema(
    target="outcome",
    labels=("high", "low", "mid"),
    numeric=("size", "weight"),
    categorical=("colour", "region"),
)
NAMES = sorted(payloads(Path("m"), Path("v")))


@pytest.fixture(scope="module")
def model_bytes() -> bytes:
    train, _ = split_frame(make_custom_frame(), SCHEMA, test_size=0.25, seed=0)
    config = ModelConfig.model_validate(
        {"estimator": FOREST, "params": {"n_estimators": 3, "random_state": 0}}
    )
    return dump_model(train_model(train, SCHEMA, config))


def _load(data: bytes, expected: bytes | None = None) -> object:
    return load_model(
        data,
        origin="models/model.skops",
        expected_md5=hashlib.md5(data if expected is None else expected).hexdigest(),
        recorded_in="dvc.lock",
        estimator=FOREST,
    )


@pytest.mark.parametrize("name", NAMES)
def test_crafted_model_is_refused_in_one_line_before_it_runs(
    name: str, model_bytes: bytes, tmp_path: Path
) -> None:
    marker, victim = tmp_path / "ran", tmp_path / "victim.txt"
    victim.write_text("precious data, 16+ bytes long\n")
    crafted = rewrite(model_bytes, payloads(marker, victim)[name])
    with pytest.raises(ArtifactError) as refused:
        _load(crafted)  # its hash matches: as if the file had been reviewed and committed
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith("models/model.skops: refusing to load types outside the allow-list")
    assert not marker.exists(), "the payload ran"
    assert victim.read_text() == "precious data, 16+ bytes long\n", "the payload wrote a file"


def test_a_file_other_than_the_recorded_one_is_refused_naming_both_hashes(
    model_bytes: bytes, tmp_path: Path
) -> None:
    marker = tmp_path / "ran"
    crafted = rewrite(model_bytes, payloads(marker, tmp_path / "v")["reexported-popen"])
    with pytest.raises(ArtifactError) as refused:
        _load(crafted, expected=model_bytes)
    actual, recorded = hashlib.md5(crafted).hexdigest(), hashlib.md5(model_bytes).hexdigest()
    assert str(refused.value) == (
        f"models/model.skops: md5 {actual} is not the md5 {recorded} recorded in dvc.lock; "
        "refusing to load it (`dvc checkout` restores the recorded file)"
    )
    assert not marker.exists()


def test_the_valid_model_loads(model_bytes: bytes) -> None:
    assert type(_load(model_bytes)).__name__ == "Pipeline"


def test_refused_names_are_listed_short_and_printable(model_bytes: bytes, tmp_path: Path) -> None:
    from tests.support.payloads import at_top, call

    long_name = "x" * 5000 + "\nforged: gate passed"
    crafted = rewrite(model_bytes, at_top(call("os", long_name)))
    with pytest.raises(ArtifactError) as refused:
        _load(crafted)
    assert "\n" not in str(refused.value)
    assert len(str(refused.value)) < 400


def test_a_reviewed_extra_type_loads_only_when_listed_exactly(model_bytes: bytes) -> None:
    extra = rewrite(model_bytes, payloads(Path("m"), Path("v"))["one-extra-unknown-type"])
    digest = hashlib.md5(extra).hexdigest()
    common = {"origin": "m", "expected_md5": digest, "recorded_in": "dvc.lock", "estimator": FOREST}
    with pytest.raises(ArtifactError, match=r"sklearn\.svm\._classes\.SVC \(ObjectNode\)"):
        load_model(extra, **common, trusted_types=("sklearn.svm.SVC",))  # not its exact name
    assert load_model(extra, **common, trusted_types=("sklearn.svm._classes.SVC",)) is not None
