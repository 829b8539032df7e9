"""The split stage: a seeded train/test split of the validated data, stratified by class for a
classification (a regression's is random)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlgate.layout import RAW_DATA, TEST_SPLIT, TRAIN_SPLIT, VALIDATION_REPORT
from mlgate.stages.progress import Progress, quietly
from mlgate.stages.schema_input import validated_schema

if TYPE_CHECKING:
    from mlgate.config import Params


def run(config: Params, progress: Progress = quietly) -> str:
    """Both splits, written with the dtypes validate settled on."""
    from mlgate.data.splitting import split_frame
    from mlgate.files import read_parquet, write_parquet

    schema = validated_schema(VALIDATION_REPORT)
    frame = read_parquet(RAW_DATA, "ingest")
    with progress(f"splitting {len(frame)} rows"):
        train, test = split_frame(
            frame, schema, test_size=config.data.test_size, seed=config.data.seed
        )
    write_parquet(TRAIN_SPLIT, train)
    write_parquet(TEST_SPLIT, test)
    return f"{len(train)} train + {len(test)} test rows → {TRAIN_SPLIT.parent}/"
