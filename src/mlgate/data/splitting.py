"""Seeded train/test split, stratified by class for classification; the train split is also the
drift reference."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from mlgate.data.conform import conform_frame
from mlgate.data.feature_schema import FeatureSchema
from mlgate.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd


def split_frame(
    frame: pd.DataFrame, schema: FeatureSchema, *, test_size: float, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Conform dtypes, drop rows without a target, then split (keeping each class's share in
    both parts for classification; a plain seeded split for regression)."""
    import numpy as np
    from sklearn.model_selection import train_test_split

    conformed = conform_frame(frame, schema)
    known = conformed[schema.target].notna()
    if not known.all():  # data.missing_target: drop (a mask copies every column: only if needed)
        conformed = conformed.loc[known]
    rows = len(conformed)
    test_rows = math.ceil(test_size * rows)
    stratify = None
    if schema.task == "classification":
        classes = conformed[schema.target].nunique()
        if test_rows < classes or rows - test_rows < classes:
            raise ConfigError(
                f"data.test_size: {test_size} of {rows} rows gives {test_rows} test and "
                f"{rows - test_rows} train rows; each needs at least one row per class ({classes})"
            )
        stratify = conformed[schema.target]
    elif test_rows < 2 or rows - test_rows < 2:
        raise ConfigError(
            f"data.test_size: {test_size} of {rows} rows gives {test_rows} test and "
            f"{rows - test_rows} train rows; a regression needs at least two of each"
        )
    # The split of row positions is the split of the rows (the same permutation), and each part
    # is taken once: splitting the frame itself copied it through intermediate indexing.
    train, test = train_test_split(
        np.arange(rows), test_size=test_size, random_state=seed, stratify=stratify
    )
    return (
        conformed.take(train).reset_index(drop=True),
        conformed.take(test).reset_index(drop=True),
    )
