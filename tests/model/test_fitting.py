import numpy as np
import pandas as pd
import pytest

from mlgate.config import ModelConfig
from mlgate.data.feature_schema import FeatureSchema
from mlgate.data.splitting import split_frame
from mlgate.errors import ModelConfigError
from mlgate.model.fitting import train_model

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


def test_fit_jobs_fits_in_parallel_and_saves_the_configured_n_jobs(
    custom_frame: pd.DataFrame,
) -> None:
    from mlgate.model.persist import dump_model

    train, _ = split_frame(custom_frame, SCHEMA, test_size=0.25, seed=0)
    config = {
        "estimator": "sklearn.ensemble.RandomForestClassifier",
        "params": {"n_estimators": 20, "random_state": 0, "n_jobs": 1},
    }
    parallel = train_model(train, SCHEMA, ModelConfig.model_validate({**config, "fit_jobs": 2}))
    serial = train_model(train, SCHEMA, ModelConfig.model_validate({**config, "fit_jobs": 1}))
    assert parallel.named_steps["estimator"].n_jobs == 1
    assert dump_model(parallel) == dump_model(serial)  # the same model, byte for byte


BOOSTING = {"learning_rate": 0.05, "max_iter": 100, "l2_regularization": 1.0, "random_state": 42}


def _synthetic(task: str, rows: int) -> tuple[pd.DataFrame, FeatureSchema]:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "a": rng.normal(size=rows),
            "b": rng.normal(size=rows),
            "c": rng.choice(np.array(["x", "y", "z"], dtype=object), size=rows),
        }
    )
    target = frame["a"] + frame["b"] ** 2 + rng.normal(size=rows)
    frame["t"] = (target > 1).astype(int) if task == "classification" else target
    labels = (0, 1) if task == "classification" else ()
    schema = FeatureSchema(
        target="t", task=task, labels=labels, numeric=("a", "b"), categorical=("c",)
    )
    return frame, schema


# 12,000 rows: above HistGradientBoosting's 10,000, where early_stopping "auto" holds out a
# seeded validation split and may stop before max_iter.
@pytest.mark.parametrize("task", ["classification", "regression"])
@pytest.mark.parametrize("rows", [400, 12_000])
def test_boosting_saves_the_same_bytes_for_any_fit_jobs_and_run(task: str, rows: int) -> None:
    from mlgate.model.persist import dump_model

    frame, schema = _synthetic(task, rows)

    def saved(fit_jobs: int) -> bytes:
        config = ModelConfig.model_validate({"params": BOOSTING, "fit_jobs": fit_jobs})
        model = train_model(frame, schema, config)
        assert type(model.named_steps["estimator"]).__name__.startswith("HistGradientBoosting")
        assert model.named_steps["estimator"].do_early_stopping_ == (rows > 10_000)
        return dump_model(model)

    one_core = saved(1)
    assert saved(2) == one_core  # fit_jobs is not a dependency of the train stage
    assert saved(1) == one_core  # nor does a second run differ


def test_boosting_fits_on_fit_jobs_openmp_threads(custom_frame: pd.DataFrame) -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.utils._openmp_helpers import _openmp_effective_n_threads

    from mlgate.model.fitting import _fitting_on

    # the suite runs on one OpenMP thread (tests/conftest.py): 2 shows the limit is fit_jobs's
    for cores in (1, 2):
        with _fitting_on(HistGradientBoostingClassifier(), cores):
            assert _openmp_effective_n_threads() == cores


def test_fit_jobs_restores_n_jobs_when_fitting_fails() -> None:
    from sklearn.ensemble import RandomForestClassifier

    from mlgate.model.fitting import _fitting_on

    estimator = RandomForestClassifier(n_jobs=1)
    during: list[int] = []

    def failing_fit() -> None:
        with _fitting_on(estimator, -1):
            during.append(estimator.n_jobs)
            raise RuntimeError("fit failed")

    with pytest.raises(RuntimeError, match="fit failed"):
        failing_fit()
    assert during == [-1]
    assert estimator.n_jobs == 1


def test_fit_jobs_is_ignored_by_estimators_without_n_jobs(custom_frame: pd.DataFrame) -> None:
    train, _ = split_frame(custom_frame, SCHEMA, test_size=0.25, seed=0)
    config = ModelConfig.model_validate(
        {"estimator": "sklearn.tree.DecisionTreeClassifier", "fit_jobs": -1}
    )
    assert "n_jobs" not in train_model(train, SCHEMA, config).named_steps["estimator"].get_params()


@pytest.mark.parametrize("cores", [0, -2])
def test_fit_jobs_must_be_a_core_count(cores: int) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="fit_jobs"):
        ModelConfig.model_validate(
            {"estimator": "sklearn.tree.DecisionTreeClassifier", "fit_jobs": cores}
        )


@pytest.mark.parametrize("rows", [0, 99])
def test_importance_max_rows_must_be_a_useful_sample(rows: int) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="importance_max_rows"):
        ModelConfig.model_validate(
            {"estimator": "sklearn.tree.DecisionTreeClassifier", "importance_max_rows": rows}
        )
