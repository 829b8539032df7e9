"""`review.bootstrap`: how the review's confidence intervals of PR−base differences are drawn."""

from __future__ import annotations

from pydantic import Field

from mlgate.config.strict_model import StrictModel


class BootstrapConfig(StrictModel):
    """Resamples of the test rows, the interval's level and the seed that makes it repeatable."""

    resamples: int = Field(default=1000, ge=100, le=100_000, description="bootstrap resamples")
    level: float = Field(default=0.95, gt=0.5, lt=1.0, description="confidence level")
    seed: int = Field(default=0, ge=0, description="seeds the resampling: same rows, same interval")
