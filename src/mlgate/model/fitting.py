"""Fit the configured pipeline on the train split."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

from mlgate.config import ModelConfig
from mlgate.data.feature_schema import FeatureSchema
from mlgate.errors import ModelConfigError
from mlgate.model.build import build_pipeline

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pandas as pd
    from sklearn.base import BaseEstimator
    from sklearn.pipeline import Pipeline


@contextmanager
def _fitting_on(estimator: BaseEstimator, cores: int) -> Iterator[None]:
    """Fit on `cores` cores, then restore the configured n_jobs.

    The saved model keeps model.params' n_jobs, so evaluate and serving predict as configured:
    a parallel predict_proba sums trees in a varying order (metrics that differ in the last
    digits) and costs a single-row request ~20 ms of thread start-up. For estimators whose fit
    does not depend on n_jobs (forests draw every tree's seed up front) the model is the same
    for any number of cores, so model.fit_jobs is not a dependency of the train stage.
    """
    params = estimator.get_params(deep=False)
    if cores == 1 or "n_jobs" not in params:
        yield
        return
    estimator.set_params(n_jobs=cores)
    try:
        yield
    finally:
        estimator.set_params(n_jobs=params["n_jobs"])


def train_model(train: pd.DataFrame, schema: FeatureSchema, config: ModelConfig) -> Pipeline:
    """Fit preprocessing and estimator together, so serving applies exactly the same steps."""
    pipeline = build_pipeline(config, schema)
    features = train.loc[:, list(schema.features)]
    target = train[schema.target]
    try:
        with _fitting_on(pipeline.steps[-1][1], config.fit_jobs):
            pipeline.fit(features, target)
    except (ValueError, TypeError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelConfigError(
            f"model.estimator: training {config.estimator_for(schema.task)} failed: {first_line}"
        ) from None
    return pipeline
