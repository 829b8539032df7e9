"""Fold a labelled production batch into the training data, as a new DVC data version.

The first time, the current training data (whatever `data.source` names, as ingested) is
materialised as `data/external/training.parquet`; every labelled batch is appended to it, with
exact duplicates dropped, so adding the same batch twice changes nothing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mlgate.data.schema import FeatureSchema
from mlgate.errors import SourceError

if TYPE_CHECKING:
    import pandas as pd

TRAINING_DATA = "data/external/training.parquet"
_SOURCE_LINE = re.compile(r"^(  source:[ \t]*)(\S[^#\n]*?)([ \t]*(#.*)?)$", re.M)


def combine_training_data(
    current: pd.DataFrame, labelled: pd.DataFrame, schema: FeatureSchema, origin: str
) -> pd.DataFrame:
    """`current` with the labelled rows appended (columns aligned, duplicates dropped)."""
    import pandas as pd

    needed = [*schema.features, schema.target]
    missing = [c for c in needed if c not in labelled.columns]
    if missing:
        raise SourceError(f"{origin}: labelled batch lacks column(s): {', '.join(missing)}")
    if labelled[schema.target].isna().any():
        raise SourceError(f"{origin}: {schema.target!r} has missing labels")
    added = labelled.loc[:, [c for c in labelled.columns if c in current.columns]]
    combined = pd.concat([current, added.astype(current.dtypes.to_dict(), errors="ignore")])
    return combined.drop_duplicates(ignore_index=True)


def point_source_at(params_text: str, source: str) -> str:
    """params.yaml with `data.source` set to `source`, comments and layout untouched."""
    data_start = params_text.find("\ndata:")
    start = 0 if params_text.startswith("data:") else data_start
    if start < 0:
        raise SourceError("params.yaml: no `data:` section")
    match = _SOURCE_LINE.search(params_text, start)
    if match is None:
        raise SourceError("params.yaml: no `data.source` line to update")
    return params_text[: match.start(2)] + source + params_text[match.end(2) :]
