"""Build the sklearn Pipeline the config describes: preprocessing + the named estimator."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from mlgate.config import ModelConfig
from mlgate.data.feature_schema import FeatureSchema, Task
from mlgate.errors import ModelConfigError

if TYPE_CHECKING:
    from sklearn.base import BaseEstimator
    from sklearn.pipeline import Pipeline


def _import_estimator_class(path: str) -> type[Any]:
    module_name, _, class_name = path.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        raise ModelConfigError(
            f"model.estimator: cannot import module {module_name!r} (from {path!r}); "
            "is the package installed?"
        ) from None
    estimator_class = getattr(module, class_name, None)
    if not isinstance(estimator_class, type):
        raise ModelConfigError(f"model.estimator: {module_name!r} has no class {class_name!r}")
    return estimator_class


def resolve_estimator(config: ModelConfig, task: Task = "classification") -> BaseEstimator:
    """Import the estimator by path and check, before any training, its hyperparameters and that
    it does the task: a classifier with probabilities, or a regressor."""
    from sklearn.base import is_classifier, is_regressor
    from sklearn.utils._param_validation import InvalidParameterError

    path = config.estimator_for(task)
    estimator_class = _import_estimator_class(path)
    name = estimator_class.__name__
    try:
        allowed = set(estimator_class().get_params(deep=False))
    except TypeError as exc:
        raise ModelConfigError(f"model.estimator: {path} cannot be created: {exc}") from None
    unknown = sorted(set(config.params) - allowed)
    if unknown:
        raise ModelConfigError(
            f"model.params.{unknown[0]}: {name} has no parameter {unknown[0]!r} "
            f"(allowed: {', '.join(sorted(allowed))})"
        )
    estimator: BaseEstimator = estimator_class(**config.params)
    if task == "regression":
        if not is_regressor(estimator):
            raise ModelConfigError(
                f"model.estimator: {path} is not a regressor, and the task is "
                "regression (data.task; the validation report says why)"
            )
    elif not is_classifier(estimator):
        raise ModelConfigError(f"model.estimator: {path} is not a classifier")
    elif not hasattr(estimator, "predict_proba"):
        raise ModelConfigError(
            f"model.estimator: {name} gives no predict_proba with these params "
            "(metrics and gates need probabilities; for SVC set model.params.probability: true)"
        )
    validate = getattr(estimator, "_validate_params", None)
    if callable(validate):
        try:
            validate()
        except InvalidParameterError as exc:
            key = next((k for k in config.params if f"'{k}'" in str(exc)), None)
            where = f"model.params.{key}" if key else "model.params"
            raise ModelConfigError(f"{where}: {exc}") from None
    return estimator


def build_pipeline(config: ModelConfig, schema: FeatureSchema) -> Pipeline:
    """ColumnTransformer (impute + scale numerics, impute + one-hot categoricals) → estimator."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    prep = config.preprocessing
    transformers: list[tuple[str, Any, list[str]]] = []
    if schema.numeric:
        numeric_steps: list[tuple[str, Any]] = [
            ("impute", SimpleImputer(strategy=prep.numeric_imputer))
        ]
        if prep.scale_numeric:
            numeric_steps.append(("scale", StandardScaler()))
        transformers.append(("numeric", Pipeline(numeric_steps), list(schema.numeric)))
    if schema.categorical:
        categorical_imputer = SimpleImputer(
            strategy=prep.categorical_imputer,
            fill_value="missing" if prep.categorical_imputer == "constant" else None,
        )
        encoder = OneHotEncoder(
            handle_unknown="infrequent_if_exist" if prep.max_categories else "ignore",
            max_categories=prep.max_categories,
            sparse_output=False,
        )
        transformers.append(
            (
                "categorical",
                Pipeline([("impute", categorical_imputer), ("encode", encoder)]),
                list(schema.categorical),
            )
        )
    preprocess = ColumnTransformer(transformers, remainder="drop", verbose_feature_names_out=True)
    estimator = resolve_estimator(config, schema.task)
    return Pipeline([("preprocess", preprocess), ("estimator", estimator)])
