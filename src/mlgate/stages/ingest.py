"""The ingest stage: data.source (a path, URL or sklearn:<name>) into data/raw/ as Parquet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlgate.layout import RAW_DATA
from mlgate.stages.progress import Progress, quietly

if TYPE_CHECKING:
    from mlgate.config import Params


def run(config: Params, progress: Progress = quietly) -> str:
    """Read the source whole, then write it (nothing is written when reading fails)."""
    from mlgate.data.sources import load_source
    from mlgate.files import write_parquet

    data = config.data
    with progress(f"reading {data.source}"):
        frame = load_source(data.source, data.na_values, None, data.max_bytes)
    write_parquet(RAW_DATA, frame)
    return f"{len(frame)} rows x {frame.shape[1]} columns → {RAW_DATA}"
