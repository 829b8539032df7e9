"""`records_to_frame` builds exactly the frame `conform_frame` makes of the records: the same
columns, dtypes and values, nulls and whole numbers included."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from mlgate.data.conform import conform_frame
from mlgate.data.feature_schema import FeatureSchema
from mlgate.serving.contract import records_to_frame

SCHEMA = FeatureSchema(
    target="outcome",
    labels=("high", "low"),
    numeric=("size", "weight (kg)"),
    categorical=("colour", "code", "flag"),
)


def _reference(records: list[dict[str, Any]], schema: FeatureSchema) -> pd.DataFrame:
    """The frame as serving built it before: one DataFrame of the records, then conformed."""
    frame = pd.DataFrame.from_records(records, columns=list(schema.features))
    return conform_frame(frame, schema, with_target=False)


def _records(rows: int, seed: int) -> list[dict[str, Any]]:
    """Records a contract accepts: numbers as int, float or null; categories as text, whole
    numbers, booleans or null."""
    rng = np.random.default_rng(seed)
    records = []
    for _ in range(rows):
        records.append(
            {
                "size": [1, 2.5, None, -3, 1e-9][int(rng.integers(5))],
                "weight (kg)": float(rng.normal(50, 10)) if rng.random() < 0.9 else None,
                "colour": ["red", "blue", None, "grün"][int(rng.integers(4))],
                "code": [1, 2, 30, None][int(rng.integers(4))],
                "flag": [True, False, None][int(rng.integers(3))],
            }
        )
    return records


@pytest.mark.parametrize("rows", [1, 2, 7, 200])
def test_the_frame_is_the_conformed_frame_of_the_records(rows: int) -> None:
    for seed in range(5):
        records = _records(rows, seed)
        pd.testing.assert_frame_equal(
            records_to_frame(records, SCHEMA), _reference(records, SCHEMA)
        )


@pytest.mark.parametrize(
    "column",
    [[None, None], [1, 2], [1, None], [2**40, 3.5]],
    ids=["all-null", "whole", "whole-and-null", "large-and-float"],
)
def test_a_numeric_column_of_any_mix_is_the_conformed_one(column: list[Any]) -> None:
    records = [{**_records(1, 0)[0], "size": value} for value in column]
    pd.testing.assert_frame_equal(records_to_frame(records, SCHEMA), _reference(records, SCHEMA))


@pytest.mark.parametrize(
    "column",
    [[None, None], [1, 2], [1, None], [True, "x"], ["a", 3]],
    ids=["all-null", "whole", "whole-and-null", "bool-and-text", "text-and-whole"],
)
def test_a_categorical_column_of_any_mix_is_the_conformed_one(column: list[Any]) -> None:
    records = [{**_records(1, 0)[0], "code": value} for value in column]
    pd.testing.assert_frame_equal(records_to_frame(records, SCHEMA), _reference(records, SCHEMA))


def test_a_numeric_only_schema_has_no_text_columns() -> None:
    schema = SCHEMA.model_copy(update={"categorical": ()})
    records = [{"size": 1, "weight (kg)": None}, {"size": 2.5, "weight (kg)": 3}]
    pd.testing.assert_frame_equal(records_to_frame(records, schema), _reference(records, schema))
