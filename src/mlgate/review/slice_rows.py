"""The test rows of each slice in this workspace, found with the card stage's own plan and masks,
so the review's slice intervals resample exactly the rows the card scored."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mlgate.errors import MlgateError
from mlgate.layout import IMPORTANCE_DATA, TEST_SPLIT, TRAIN_SPLIT, VALIDATION_REPORT

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from mlgate.config import Params
    from mlgate.model.slice_masks import SliceMask

SliceKey = tuple[str, str, bool]  # feature, name (category or bin), the missing-values slice


def slice_row_ids(test: pd.DataFrame, masks: Sequence[SliceMask]) -> dict[SliceKey, np.ndarray]:
    """Each slice's rows as row ids (their index in the test split, as predictions name them)."""
    import numpy as np

    index = test.index.to_numpy(dtype=np.int64)
    return {(mask.feature, mask.name, mask.missing): index[mask.rows] for mask in masks}


def workspace_slice_rows(config: Params) -> dict[SliceKey, np.ndarray] | str:
    """The slices the card stage scored here (its plan on this workspace's splits), or why they
    cannot be found again (one line)."""
    from mlgate.files import read_json, read_parquet
    from mlgate.model.slice_masks import slice_masks
    from mlgate.model.slice_plan import importance_order, plan_slices
    from mlgate.stages.schema_input import validated_schema

    settings = config.card.slices
    try:
        schema = validated_schema(VALIDATION_REPORT)
        train = read_parquet(TRAIN_SPLIT, "split")
        test = read_parquet(TEST_SPLIT, "split")
        importance = (
            importance_order(read_json(IMPORTANCE_DATA, "evaluate"), str(IMPORTANCE_DATA))
            if settings.auto_bins
            else ()
        )
        plan = plan_slices(settings, schema, train, importance)
    except MlgateError as exc:
        return f"the card's slices could not be found again in this workspace ({exc})"
    return slice_row_ids(test, slice_masks(test, train, schema, plan.numeric_bins))
