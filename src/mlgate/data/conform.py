"""Frames reduced to a schema's columns with stable dtypes, as split, serving and monitoring
write and read them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlgate.data.feature_schema import FeatureSchema

if TYPE_CHECKING:
    import pandas as pd


def conform_frame(
    frame: pd.DataFrame, schema: FeatureSchema, *, with_target: bool = True
) -> pd.DataFrame:
    """The schema's columns with stable dtypes: floats for numeric (and a regression target),
    strings for categorical."""
    import pandas as pd

    columns = list(schema.features) + ([schema.target] if with_target else [])
    conformed = frame.loc[:, columns]  # copy-on-write: the columns replaced below are new
    for name in schema.numeric:
        if conformed[name].dtype != "float64":  # as it is: no copy of a float column
            conformed[name] = pd.to_numeric(conformed[name], errors="raise").astype("float64")
    for name in schema.categorical:
        conformed[name] = _as_category_text(conformed[name])
    if with_target and schema.task == "regression" and conformed[schema.target].dtype != "float64":
        conformed[schema.target] = pd.to_numeric(conformed[schema.target]).astype("float64")
    return conformed


def _as_category_text(column: pd.Series) -> pd.Series:
    """Categories as text; whole-number floats (integer codes with gaps) lose their '.0'."""
    from pandas.api import types

    if types.is_float_dtype(column.dtype) and (column.dropna() % 1 == 0).all():
        column = column.astype("Int64")
    return column.astype("str")
