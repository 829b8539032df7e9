import numpy as np
import pandas as pd
import pytest

from mlgate.config import ModelConfig
from mlgate.data.schema import FeatureSchema
from mlgate.data.split import split_frame
from mlgate.errors import ModelConfigError
from mlgate.model.train import train_model

SCHEMA = FeatureSchema(
    target="outcome",
    labels=("high", "low", "mid"),
    numeric=("size", "weight"),
    categorical=("colour", "region"),
)
FOREST = ModelConfig.model_validate(
    {
        "estimator": "sklearn.ensemble.RandomForestClassifier",
        "params": {"n_estimators": 40, "random_state": 0},
    }
)


def test_model_learns_the_custom_dataset(custom_frame: pd.DataFrame) -> None:
    train, test = split_frame(custom_frame, SCHEMA, test_size=0.25, seed=0)
    model = train_model(train, SCHEMA, FOREST)
    accuracy = (model.predict(test.loc[:, list(SCHEMA.features)]) == test["outcome"]).mean()
    assert accuracy > 0.6  # three balanced-ish classes: chance is about 0.33
    assert list(model.classes_) == ["high", "low", "mid"]


def test_unseen_category_and_missing_values_are_handled(custom_frame: pd.DataFrame) -> None:
    train, _ = split_frame(custom_frame, SCHEMA, test_size=0.25, seed=0)
    model = train_model(train, SCHEMA, FOREST)
    request = pd.DataFrame(
        {"size": [np.nan], "weight": [50.0], "colour": ["purple"], "region": [None]}
    ).astype({"colour": "str", "region": "str"})
    assert model.predict_proba(request).shape == (1, 3)


def test_same_seed_gives_same_predictions(custom_frame: pd.DataFrame) -> None:
    train, test = split_frame(custom_frame, SCHEMA, test_size=0.25, seed=0)
    features = test.loc[:, list(SCHEMA.features)]
    first = train_model(train, SCHEMA, FOREST).predict_proba(features)
    second = train_model(train, SCHEMA, FOREST).predict_proba(features)
    np.testing.assert_array_equal(first, second)


def test_estimator_failing_to_fit_is_reported_as_config_error(custom_frame: pd.DataFrame) -> None:
    train, _ = split_frame(custom_frame, SCHEMA, test_size=0.25, seed=0)
    config = ModelConfig.model_validate(
        {"estimator": "sklearn.naive_bayes.CategoricalNB", "params": {"min_categories": 2}}
    )
    with pytest.raises(
        ModelConfigError, match=r"model\.estimator: training .*CategoricalNB failed"
    ):
        train_model(train, SCHEMA, config)
