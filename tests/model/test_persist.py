import hashlib
import io
import zipfile

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression

from mlgate.config import ModelConfig
from mlgate.data.feature_schema import FeatureSchema
from mlgate.data.splitting import split_frame
from mlgate.errors import ArtifactError
from mlgate.model.fitting import train_model
from mlgate.model.persist import canonical_model_bytes, dump_model, load_model
from tests.support.payloads import SneakyClassifier

SCHEMA = FeatureSchema(
    target="outcome",
    labels=("high", "low", "mid"),
    numeric=("size", "weight"),
    categorical=("colour", "region"),
)


FOREST = "sklearn.ensemble.RandomForestClassifier"


def _load(data: bytes, estimator: str = FOREST, **extra: object) -> object:
    """load_model with the file's own hash as the recorded one (the hash check is not tested here)."""
    return load_model(
        data,
        origin="models/model.skops",
        expected_md5=hashlib.md5(data).hexdigest(),
        recorded_in="dvc.lock",
        estimator=estimator,
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def fitted() -> tuple[object, pd.DataFrame]:
    from tests.support.datasets import make_custom_frame

    train, test = split_frame(make_custom_frame(), SCHEMA, test_size=0.25, seed=0)
    config = ModelConfig.model_validate(
        {
            "estimator": "sklearn.ensemble.RandomForestClassifier",
            "params": {"n_estimators": 10, "random_state": 0},
        }
    )
    return train_model(train, SCHEMA, config), test.loc[:, list(SCHEMA.features)]


def test_round_trip_gives_identical_predictions(fitted: tuple[object, pd.DataFrame]) -> None:
    model, features = fitted
    loaded = _load(dump_model(model))  # type: ignore[arg-type]
    np.testing.assert_array_equal(loaded.predict_proba(features), model.predict_proba(features))  # type: ignore[attr-defined]


def test_same_model_gives_same_bytes(fitted: tuple[object, pd.DataFrame]) -> None:
    model, _ = fitted
    raw_first, raw_second = sio.dumps(model), sio.dumps(model)
    assert raw_first != raw_second  # skops alone names files after id() and stamps the time
    assert canonical_model_bytes(raw_first) == canonical_model_bytes(raw_second)


def test_canonical_archive_has_fixed_timestamps(fitted: tuple[object, pd.DataFrame]) -> None:
    model, _ = fitted
    with zipfile.ZipFile(io.BytesIO(dump_model(model))) as archive:  # type: ignore[arg-type]
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert archive.namelist() == sorted(archive.namelist())


def test_type_outside_allow_list_is_refused() -> None:
    data = sio.dumps(SneakyClassifier())
    with pytest.raises(
        ArtifactError,
        match=r"refusing to load types outside the allow-list for tests\.support\.payloads\.SneakyClassifier: tests\.support\.payloads\.SneakyClassifier \(ObjectNode\)",
    ):
        _load(data, estimator="tests.support.payloads.SneakyClassifier")


def test_the_estimator_package_is_not_trusted_wholesale() -> None:
    """Naming an estimator outside the table trusts nothing of its package: only listed types."""
    data = sio.dumps(SneakyClassifier())
    with pytest.raises(ArtifactError, match="outside the allow-list"):
        _load(data, estimator="tests.support.payloads.SneakyClassifier")
    loaded = _load(
        data,
        estimator="tests.support.payloads.SneakyClassifier",
        trusted_types=("tests.support.payloads.SneakyClassifier",),
    )
    assert isinstance(loaded, SneakyClassifier)


def test_a_pickle_is_not_a_model_file() -> None:
    import pickle

    with pytest.raises(ArtifactError, match="not a skops model file"):
        _load(pickle.dumps(LogisticRegression()))


def test_functions_are_refused_even_from_trusted_packages(tmp_path: object) -> None:
    """A crafted file naming a code-running function must not load (skops would call it)."""
    from numpy.testing._private import utils
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    crafted = make_pipeline(FunctionTransformer(utils.runstring))
    data = sio.dumps(crafted)
    assert "numpy.testing._private.utils.runstring" in sio.get_untrusted_types(data=data)
    with pytest.raises(
        ArtifactError, match=r"numpy\.testing\._private\.utils\.runstring \(FunctionNode\)"
    ):
        _load(data)


def test_truncated_array_inside_a_model_is_reported(fitted: tuple[object, pd.DataFrame]) -> None:
    model, _ = fitted
    source = zipfile.ZipFile(io.BytesIO(dump_model(model)))  # type: ignore[arg-type]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            target.writestr(name, content[:20] if name.endswith(".npy") else content)
    with pytest.raises(ArtifactError, match="corrupt model file"):
        _load(buffer.getvalue())
