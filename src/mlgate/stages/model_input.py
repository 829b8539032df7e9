"""The trained model as the stages after train load it: only the bytes dvc.lock recorded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlgate.layout import LOCK, MODEL

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

    from mlgate.config import Params
    from mlgate.data.feature_schema import Task


def trained_model(config: Params, data: bytes, task: Task) -> Pipeline:
    """The pipeline's model: the bytes dvc.lock recorded, naming only its family's types (the
    estimator the task resolves to)."""
    from mlgate.lockfile import recorded_md5
    from mlgate.model.persist import load_model

    return load_model(
        data,
        origin=str(MODEL),
        expected_md5=recorded_md5(MODEL),
        recorded_in=str(LOCK),
        estimator=config.model.estimator_for(task),
        trusted_types=config.model.trusted_types,
    )
