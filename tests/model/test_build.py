import pytest

from mlgate.config import ModelConfig
from mlgate.data.feature_schema import FeatureSchema
from mlgate.errors import ModelConfigError
from mlgate.model.build import build_pipeline, resolve_estimator

SCHEMA = FeatureSchema(target="y", labels=(0, 1), numeric=("a", "b"), categorical=("c",))


def model(**values: object) -> ModelConfig:
    base: dict[str, object] = {"estimator": "sklearn.linear_model.LogisticRegression"}
    base.update(values)
    return ModelConfig.model_validate(base)


def test_estimator_is_built_with_its_hyperparameters() -> None:
    estimator = resolve_estimator(model(params={"C": 0.5, "max_iter": 300}))
    assert type(estimator).__name__ == "LogisticRegression"
    assert estimator.get_params()["C"] == 0.5


def test_unknown_module_is_named() -> None:
    with pytest.raises(
        ModelConfigError, match=r"model\.estimator: cannot import module 'sklearn\.nope'"
    ):
        resolve_estimator(model(estimator="sklearn.nope.Forest"))


def test_unknown_class_is_named() -> None:
    with pytest.raises(ModelConfigError, match=r"'sklearn\.ensemble' has no class 'RandomJungle'"):
        resolve_estimator(model(estimator="sklearn.ensemble.RandomJungle"))


@pytest.mark.parametrize(
    "path", ["sklearn.linear_model.LinearRegression", "sklearn.mixture.GaussianMixture"]
)
def test_non_classifiers_are_refused_even_with_predict_proba(path: str) -> None:
    with pytest.raises(ModelConfigError, match=rf"model\.estimator: {path} is not a classifier"):
        resolve_estimator(model(estimator=path))


def test_a_regression_takes_a_regressor_and_refuses_a_classifier() -> None:
    regressor = "sklearn.ensemble.HistGradientBoostingRegressor"
    estimator = resolve_estimator(model(estimator=regressor, params={"max_iter": 50}), "regression")
    assert type(estimator).__name__ == "HistGradientBoostingRegressor"
    classifier = "sklearn.ensemble.RandomForestClassifier"
    with pytest.raises(
        ModelConfigError, match=rf"model\.estimator: {classifier} is not a regressor"
    ):
        resolve_estimator(model(estimator=classifier), "regression")


def test_classifier_without_probabilities_says_how_to_get_them() -> None:
    with pytest.raises(ModelConfigError, match=r"SVC gives no predict_proba .*probability: true"):
        resolve_estimator(model(estimator="sklearn.svm.SVC"))
    assert resolve_estimator(model(estimator="sklearn.svm.SVC", params={"probability": True}))


def test_unknown_hyperparameter_is_named_with_the_allowed_ones() -> None:
    with pytest.raises(
        ModelConfigError,
        match=r"model\.params\.trees: LogisticRegression has no parameter 'trees' \(allowed: .*max_iter",
    ):
        resolve_estimator(model(params={"trees": 3}))


def test_invalid_hyperparameter_value_is_named() -> None:
    with pytest.raises(
        ModelConfigError, match=r"model\.params\.n_estimators: The 'n_estimators' parameter"
    ):
        resolve_estimator(
            model(estimator="sklearn.ensemble.RandomForestClassifier", params={"n_estimators": -5})
        )


def test_pipeline_has_numeric_and_categorical_branches() -> None:
    pipeline = build_pipeline(model(), SCHEMA)
    preprocess = pipeline.named_steps["preprocess"]
    names = [name for name, _, _ in preprocess.transformers]
    assert names == ["numeric", "categorical"]
    numeric_steps = dict(preprocess.transformers[0][1].steps)
    assert "scale" in numeric_steps


def test_scaling_can_be_turned_off_and_categoricals_only_works() -> None:
    config = model(preprocessing={"scale_numeric": False})
    pipeline = build_pipeline(config, SCHEMA)
    numeric_steps = dict(pipeline.named_steps["preprocess"].transformers[0][1].steps)
    assert "scale" not in numeric_steps
    only_categorical = FeatureSchema(target="y", labels=(0, 1), numeric=(), categorical=("c",))
    names = [
        n
        for n, _, _ in build_pipeline(config, only_categorical)
        .named_steps["preprocess"]
        .transformers
    ]
    assert names == ["categorical"]
