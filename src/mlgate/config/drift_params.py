"""The `drift:` section: which statistical tests compare new data with the training data."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from mlgate.config.strict_model import FiniteFloat, StrictModel


class DriftSampling(StrictModel):
    """Rows compared at most (a seeded random sample beyond that), so big batches stay fast."""

    max_reference_rows: int = Field(default=20_000, ge=100)
    max_current_rows: int = Field(default=20_000, ge=100)
    seed: int = Field(default=0, ge=0)


class DriftConfig(StrictModel):
    """Drift checks (Evidently's statistical tests), per column type or per column."""

    num_method: str | None = Field(
        default=None, description="Evidently stat test for numeric columns; null: by data size"
    )
    cat_method: str | None = Field(default=None, description="the same, for categorical columns")
    per_column_method: dict[str, str] = Field(default_factory=dict)
    # In each test's own unit: a distance (drift above it) or a p-value (drift below it).
    num_threshold: FiniteFloat | None = Field(
        default=None, gt=0, description="threshold of num_method; null: that test's default"
    )
    cat_threshold: FiniteFloat | None = Field(
        default=None, gt=0, description="threshold of cat_method; null: that test's default"
    )
    per_column_threshold: dict[str, Annotated[FiniteFloat, Field(gt=0)]] = Field(
        default_factory=dict,
        description="column: threshold; a per_column_method column without one: its default",
    )
    drift_share: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="share of drifted feature columns that means the data drifted (the target "
        "and predictions are tested on their own, with their type's method and threshold)",
    )
    sampling: DriftSampling = DriftSampling()
