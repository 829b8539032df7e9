"""Which test rows each slice holds: every category of a categorical feature, every planned bin
of a numeric one, and the rows where the feature is missing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Literal

from mlgate.config import NumericBins, SliceSettings
from mlgate.data.feature_schema import FeatureSchema
from mlgate.errors import ConfigError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


MISSING = "(missing)"
SIGNIFICANT_DIGITS = 6  # quantile cut points are rounded, so they print exactly as they bin


@dataclass(frozen=True)
class SliceMask:
    """Which test rows belong to one slice."""

    feature: str
    kind: Literal["categorical", "numeric"]
    name: str
    missing: bool
    rows: np.ndarray  # boolean, one entry per test row


def cut_points(train: pd.Series, bins: NumericBins) -> tuple[float, ...]:
    """The configured cut points, or the interior quantiles of the training split (rounded to
    six significant digits; ties collapse, so heavily tied columns get fewer bins)."""
    import numpy as np

    if bins.quantiles is None:
        return bins.edges
    values = train.dropna().to_numpy(dtype="float64")
    if values.size == 0:
        return ()
    shares = [step / bins.quantiles for step in range(1, bins.quantiles)]
    quantiles = np.quantile(values, shares)
    return tuple(sorted({float(f"{q:.{SIGNIFICANT_DIGITS}g}") for q in quantiles}))


def _cut(value: float) -> str:
    return f"{value:.15g}"  # exact for cut points as written or rounded above: 12, 0.1, 11.7


def bin_names(cuts: Sequence[float]) -> list[str]:
    """Readable names of the bins `cuts` make: ≤ a, (a, b], ..., > z."""
    if not cuts:
        return ["all values"]
    inner = [f"({_cut(low)}, {_cut(high)}]" for low, high in pairwise(cuts)]
    return [f"≤ {_cut(cuts[0])}", *inner, f"> {_cut(cuts[-1])}"]


def check_bins_columns(settings: SliceSettings, schema: FeatureSchema) -> None:
    """Every binned column must be a numeric feature of the validated schema (auto's are)."""
    for column in settings.numeric_bins or {}:
        if column in schema.numeric:
            continue
        if column in schema.categorical:
            why = "it is categorical (each category is a slice already)"
        elif column == schema.target:
            why = "it is the target"
        else:
            why = "no such feature"
        shown = ", ".join(repr(name) for name in schema.numeric) or "none"
        raise ConfigError(
            f"card.slices.numeric_bins.{column}: not a numeric feature of the validated data: "
            f"{why} (numeric features: {shown})"
        )


def slice_masks(
    test: pd.DataFrame,
    train: pd.DataFrame,
    schema: FeatureSchema,
    numeric_bins: Mapping[str, NumericBins],
) -> list[SliceMask]:
    """Every categorical feature by category (sorted, missing last), then each binned numeric
    feature by bin (in the given order, missing last); empty bins are listed too."""
    import numpy as np

    masks: list[SliceMask] = []
    for feature in schema.categorical:
        column = test[feature]
        absent = column.isna().to_numpy()
        text = column.astype("string")
        for category in sorted({str(value) for value in text[~absent]}):
            rows = (text == category).fillna(False).to_numpy(dtype=bool)
            masks.append(SliceMask(feature, "categorical", category, False, rows))
        if absent.any():
            masks.append(SliceMask(feature, "categorical", MISSING, True, absent))
    for feature, bins in numeric_bins.items():
        cuts = cut_points(train[feature], bins)
        values = test[feature].to_numpy(dtype="float64")
        absent = np.isnan(values)
        index = np.searchsorted(np.asarray(cuts, dtype="float64"), values, side="left")
        for position, name in enumerate(bin_names(cuts)):
            masks.append(SliceMask(feature, "numeric", name, False, (index == position) & ~absent))
        if absent.any():
            masks.append(SliceMask(feature, "numeric", MISSING, True, absent))
    return masks
