"""The service's adaptive batching limits, as `mlgate bento` packaged them with the model."""

from __future__ import annotations

from mlgate.config import BatchingConfig
from mlgate.serving.package import MODEL_NAME


def packaged_batching() -> BatchingConfig:
    """serving.batching of the model in BentoML's store.

    BentoML fixes a batchable API's limits when the class is declared, before `__init__` loads
    the model, so the service reads them here from the model store's entry (a quick read of its
    YAML). With no model stored (a test importing the service), or one packaged before the
    setting existed, the defaults.
    """
    import bentoml

    try:
        stored = bentoml.models.get(f"{MODEL_NAME}:latest")
    except bentoml.exceptions.NotFound:
        return BatchingConfig()
    return BatchingConfig.model_validate(stored.info.metadata.get("batching", {}))
