"""`review.serving_cost:` how the review times the base's and the PR's models against each other."""

from __future__ import annotations

from pydantic import Field

from mlgate.config.strict_model import StrictModel


class ServingCostConfig(StrictModel):
    """Rounds of alternating timings; more rounds and calls steady the medians, at review time."""

    enabled: bool = Field(default=True, description="time both models in the review")
    rounds: int = Field(default=5, ge=1, le=100, description="rounds; medians across them")
    single_calls: int = Field(
        default=10, ge=1, le=10_000, description="single-record predictions per model per round"
    )
    batch_rows: int = Field(
        default=100, ge=1, le=1_000_000, description="rows of the one batch per model per round"
    )
