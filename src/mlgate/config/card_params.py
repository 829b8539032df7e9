"""The `card:` section: who owns the model, what it is for, and which slices the card scores."""

from __future__ import annotations

import math
from itertools import pairwise
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    SerializerFunctionWrapHandler,
    field_serializer,
    field_validator,
    model_validator,
)

from mlgate.config.strict_model import StrictModel
from mlgate.model.scores import ScoreName

MIN_BINS, MAX_BINS = 2, 20
NonEmptyText = Annotated[str, Field(min_length=1)]
# One flat literal (not `ScoreChoice`'s union), so a typo gets one error naming the key.
SliceMetric = Literal[ScoreName, "auto"]


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
    """Which slices of the test split the model card scores, and how the worst one is found.

    `numeric_bins: auto` (held as None) bins the most important numeric features in quartiles
    (mlgate.model.slice_plan), so the default fits any data; a mapping names the columns itself.
    """

    numeric_bins: dict[str, NumericBins] | None = Field(
        default=None,
        description="auto, {} (none), or numeric feature: quantile bins or a list of cut points",
    )
    min_rows: int = Field(default=10, ge=1, description="smaller slices are listed, not ranked")
    metric: SliceMetric = Field(
        default="auto",
        description="the score that ranks slices; auto: accuracy (classification), rmse "
        "(regression)",
    )

    @field_validator("numeric_bins", mode="before")
    @classmethod
    def _auto_or_mapping(cls, value: object) -> object:
        if value == "auto":
            return None
        if not isinstance(value, dict):
            raise ValueError(
                "expected auto, {} or a mapping of numeric feature to bins like "
                "{age: 4, income: [20000, 50000]}"
            )
        return value

    @field_serializer("numeric_bins", mode="wrap")
    def _auto_as_written(self, value: object, handler: SerializerFunctionWrapHandler) -> Any:
        return "auto" if value is None else handler(value)

    @property
    def auto_bins(self) -> bool:
        """Whether the card chooses the numeric features to bin itself."""
        return self.numeric_bins is None


class CardConfig(StrictModel):
    """The model card (reports/model_card.md): who owns the model and what it is for."""

    owner: NonEmptyText | None = Field(default=None, description="who answers for the model")
    intended_use: NonEmptyText | None = Field(default=None, description="what it is (not) for")
    limitations: tuple[NonEmptyText, ...] = Field(default=(), description="known limitations")
    slices: SliceSettings = SliceSettings()
