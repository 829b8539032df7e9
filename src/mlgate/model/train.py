"""Fit the configured pipeline on the train split."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlgate.config import ModelConfig
from mlgate.data.schema import FeatureSchema
from mlgate.errors import ModelConfigError
from mlgate.model.build import build_pipeline

if TYPE_CHECKING:
    import pandas as pd
    from sklearn.pipeline import Pipeline


def train_model(train: pd.DataFrame, schema: FeatureSchema, config: ModelConfig) -> Pipeline:
    """Fit preprocessing and estimator together, so serving applies exactly the same steps."""
    pipeline = build_pipeline(config, schema)
    features = train.loc[:, list(schema.features)]
    target = train[schema.target]
    try:
        pipeline.fit(features, target)
    except (ValueError, TypeError) as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelConfigError(
            f"model.estimator: training {config.estimator} failed: {first_line}"
        ) from None
    return pipeline
