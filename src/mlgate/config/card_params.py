"""The `card:` section: who owns the model, what it is for, and which slices the card scores."""

from __future__ import annotations

import math
from itertools import pairwise
from typing import Annotated

from pydantic import Field, model_validator

from mlgate.config.strict_model import StrictModel
from mlgate.model.scores import ScoreName

MIN_BINS, MAX_BINS = 2, 20
NonEmptyText = Annotated[str, Field(min_length=1)]


class NumericBins(StrictModel):
    """How a numeric feature is sliced: quantile bins of the training split, or cut points."""

    quantiles: int | None = None
    edges: tuple[float, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _from_count_or_edges(cls, value: object) -> object:
        expected = (
            f"expected a number of quantile bins ({MIN_BINS} to {MAX_BINS}) or a list of "
            "increasing cut points like [12, 15]"
        )
        if isinstance(value, bool) or not isinstance(value, int | list | tuple):
            raise ValueError(expected)
        if isinstance(value, int):
            if not MIN_BINS <= value <= MAX_BINS:
                raise ValueError(expected)
            return {"quantiles": value}
        numbers = [v for v in value if isinstance(v, int | float) and not isinstance(v, bool)]
        if not value or len(numbers) != len(value) or not all(map(math.isfinite, numbers)):
            raise ValueError(expected)
        if any(later <= earlier for earlier, later in pairwise(numbers)):
            raise ValueError(f"cut points must increase strictly; {expected}")
        return {"edges": tuple(float(v) for v in numbers)}


class SliceSettings(StrictModel):
    """Which slices of the test split the model card scores, and how the worst one is found."""

    numeric_bins: dict[str, NumericBins] = Field(
        default_factory=dict, description="numeric feature: quantile bins, or a list of cut points"
    )
    min_rows: int = Field(default=10, ge=1, description="smaller slices are listed, not ranked")
    metric: ScoreName = Field(default="accuracy", description="the score that ranks slices")


class CardConfig(StrictModel):
    """The model card (reports/model_card.md): who owns the model and what it is for."""

    owner: NonEmptyText | None = Field(default=None, description="who answers for the model")
    intended_use: NonEmptyText | None = Field(default=None, description="what it is (not) for")
    limitations: tuple[NonEmptyText, ...] = Field(default=(), description="known limitations")
    slices: SliceSettings = SliceSettings()
