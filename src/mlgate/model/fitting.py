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
    Estimators without n_jobs (histogram gradient boosting) fit on OpenMP threads instead.
    """
    params = estimator.get_params(deep=False)
    if "n_jobs" not in params:
        with _openmp_threads(cores):
            yield
        return
    if cores == 1:
        yield
        return
    estimator.set_params(n_jobs=cores)
    try:
        yield
    finally:
        estimator.set_params(n_jobs=params["n_jobs"])


@contextmanager
def _openmp_threads(cores: int) -> Iterator[None]:
    """At most `cores` OpenMP threads (-1: OpenMP's default, every core the process may use)."""
    if cores == -1:
        yield
        return
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=cores, user_api="openmp"):
        yield


def _forget_fit_threads(estimator: BaseEstimator) -> None:
    """Histogram gradient boosting records its fit's thread count on its bin mapper, the one
    attribute that differs between fits on 1 and 2 cores; reset it to the mapper's default
    (None: as many as allowed), so the file is the same whatever model.fit_jobs was."""
    mapper = getattr(estimator, "_bin_mapper", None)
    if mapper is not None and hasattr(mapper, "n_threads"):
        mapper.n_threads = None


def train_model(train: pd.DataFrame, schema: FeatureSchema, config: ModelConfig) -> Pipeline:
    """Fit preprocessing and estimator together, so serving applies exactly the same steps."""
    pipeline = build_pipeline(config, schema)
    features = train.loc[:, list(schema.features)]
    target = train[schema.target]
    estimator = pipeline.steps[-1][1]
    try:
        with _fitting_on(estimator, config.fit_jobs):
            pipeline.fit(features, target)
    except (ValueError, TypeError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelConfigError(
            f"model.estimator: training {config.estimator_for(schema.task)} failed: {first_line}"
        ) from None
    _forget_fit_threads(estimator)
    return pipeline
