"""The train stage: preprocessing + the configured estimator, fitted and saved with skops."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlgate.layout import MODEL, TRAIN_SPLIT, VALIDATION_REPORT
from mlgate.stages.progress import Progress, quietly
from mlgate.stages.schema_input import validated_schema

if TYPE_CHECKING:
    from mlgate.config import Params


def run(config: Params, progress: Progress = quietly) -> str:
    """Fit on the training split; the file is written whole or not at all."""
    from mlgate.files import read_parquet, write_bytes_atomic
    from mlgate.model.fitting import train_model
    from mlgate.model.persist import dump_model

    schema = validated_schema(VALIDATION_REPORT)
    frame = read_parquet(TRAIN_SPLIT, "split")
    estimator = config.model.estimator_for(schema.task).rpartition(".")[2]
    with progress(f"training {estimator} on {len(frame)} rows"):
        model = train_model(frame, schema, config.model)
        data = dump_model(model)
    write_bytes_atomic(MODEL, data)
    return f"{estimator} on {len(frame)} rows → {MODEL}"
