"""`mlgate add-labelled`'s work: a labelled production batch appended to the training data as a
new DVC version, and data.source pointed at it (last, so a failure leaves params.yaml as it was).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mlgate.layout import RAW_DATA, TRAINING_DATA, VALIDATION_REPORT

if TYPE_CHECKING:
    from mlgate.config import Params


def add_labelled_batch(config: Params, labels: str, params: Path) -> tuple[int, int]:
    """Rows added and rows in all; the batch is a file, a folder or a glob."""
    from mlgate.files import read_parquet, write_bytes_atomic, write_parquet
    from mlgate.monitor.batches import load_batch
    from mlgate.monitor.retrain import combine_training_data, point_source_at
    from mlgate.stages.schema_input import validated_schema
    from mlgate.vcs.dvc import track

    schema = validated_schema(VALIDATION_REPORT)
    location = f"{labels.rstrip('/')}/*" if Path(labels).is_dir() else labels
    labelled = load_batch(location, (*schema.categorical, schema.target))
    current = read_parquet(TRAINING_DATA if TRAINING_DATA.is_file() else RAW_DATA, "ingest")
    combined = combine_training_data(current, labelled, schema, labels)
    source = TRAINING_DATA.as_posix()
    repointed = point_source_at(params.read_text(encoding="utf-8"), source)
    write_parquet(TRAINING_DATA, combined)
    track(Path.cwd(), TRAINING_DATA)
    if config.data.source != source:
        write_bytes_atomic(params.resolve(), repointed.encode())  # through a symlink, not over it
    return len(combined) - len(current), len(combined)
