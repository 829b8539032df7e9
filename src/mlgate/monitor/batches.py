"""Read a production batch (a file, a glob, a URL, or the serving prediction log) as features.

The prediction log's JSON lines hold the request under "inputs"; CSV/Parquet batches hold the
features as columns. Either way the result must have exactly the model's features (the target
and prediction columns are dropped), with the types the training schema expects.
"""

from __future__ import annotations

import glob
import json
from pathlib import Path
from typing import TYPE_CHECKING

from mlgate.data.schema import FeatureSchema
from mlgate.errors import SourceError

if TYPE_CHECKING:
    import pandas as pd

IGNORED_COLUMNS = ("prediction", "probabilities", "model_version", "timestamp")


def _read_one(path: str) -> pd.DataFrame:
    import pandas as pd

    from mlgate.data.ingest import load_source

    if path.endswith((".jsonl", ".json")):
        rows = []
        with open(path, encoding="utf-8") as stream:
            for number, line in enumerate(stream, 1):
                if line.strip():
                    try:
                        entry = json.loads(line)
                    except json.JSONDecodeError:
                        raise SourceError(f"{path}:{number}: not a JSON line") from None
                    rows.append(entry.get("inputs", entry) if isinstance(entry, dict) else {})
        return pd.DataFrame.from_records(rows)
    return load_source(path, None)


def load_batch(location: str) -> pd.DataFrame:
    """All files the location names (a glob matches several), concatenated."""
    import pandas as pd

    paths = sorted(glob.glob(location)) if any(c in location for c in "*?[") else [location]
    if not paths:
        raise SourceError(f"{location}: no file matches")
    local = [p for p in paths if "://" not in p]
    missing = [p for p in local if not Path(p).exists()]
    if missing:
        raise SourceError(f"{missing[0]}: file not found")
    frames = [_read_one(path) for path in paths]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def conform_batch(frame: pd.DataFrame, schema: FeatureSchema, origin: str) -> pd.DataFrame:
    """The batch's feature columns with training dtypes; one clear error per kind of problem."""
    import pandas as pd

    from mlgate.data.schema import conform_frame

    if frame.empty:
        raise SourceError(f"{origin}: the batch is empty")
    columns = [c for c in frame.columns if c not in (*IGNORED_COLUMNS, schema.target)]
    missing = [c for c in schema.features if c not in columns]
    if missing:
        raise SourceError(f"{origin}: missing column(s): {', '.join(missing)}")
    extra = [str(c) for c in columns if c not in schema.features]
    if extra:
        raise SourceError(f"{origin}: unexpected column(s): {', '.join(extra)}")
    for name in schema.numeric:
        parsed = pd.to_numeric(frame[name], errors="coerce")
        bad = frame[name].notna() & parsed.isna()
        if bad.any():
            example = frame.loc[bad, name].iloc[0]
            raise SourceError(f"{origin}: column {name!r} must be numeric (found {example!r})")
    return conform_frame(frame, schema, with_target=False)
