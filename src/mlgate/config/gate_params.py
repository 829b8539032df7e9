"""The `gates:` and `review:` sections: the quality gate a pull request must pass, and how its
review is rendered."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, model_validator

from mlgate.config.bootstrap_params import BootstrapConfig
from mlgate.config.card_params import SliceMetric
from mlgate.config.serving_cost_params import ServingCostConfig
from mlgate.config.strict_model import FiniteFloat, StrictModel
from mlgate.model.scores import ScoreName, direction_of

_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


class Tolerance(StrictModel):
    """An amount of a score, absolute or a share of a reference value: how far a score may move
    for the worse against the base, or how far it must beat the baseline by."""

    amount: float = Field(ge=0.0, allow_inf_nan=False)
    relative: bool = False

    @model_validator(mode="before")
    @classmethod
    def _from_number_or_percent(cls, value: object) -> object:
        if isinstance(value, bool):
            raise ValueError("expected a number like 0.01 or a percentage like '1%'")
        if isinstance(value, int | float):
            return {"amount": value}
        if isinstance(value, str):
            match = _PERCENT.match(value)
            if match is None:
                raise ValueError("expected a number like 0.01 or a percentage like '1%'")
            return {"amount": float(match.group(1)) / 100, "relative": True}
        return value

    def allowed(self, base: float) -> float:
        return self.amount * abs(base) if self.relative else self.amount

    def describe(self) -> str:
        return f"{self.amount * 100:g}%" if self.relative else f"{self.amount:g}"


class WorstSliceGate(StrictModel):
    """A floor (a ceiling for log_loss, rmse, mae and mape) on the worst ranked slice of the test
    split, as the card stage writes the slices in reports/slices.json."""

    metric: ScoreName = "accuracy"
    min: FiniteFloat | None = Field(default=None, description="floor, for higher-is-better scores")
    max: FiniteFloat | None = Field(
        default=None, description="ceiling, for lower-is-better scores (log_loss, rmse, mae, mape)"
    )

    @model_validator(mode="after")
    def _one_limit_in_the_metrics_direction(self) -> WorstSliceGate:
        lower_is_better = direction_of(self.metric) == "lower"
        wanted, other = ("max", "min") if lower_is_better else ("min", "max")
        if getattr(self, other) is not None:
            better = "lower" if lower_is_better else "higher"
            raise ValueError(f"{self.metric} is better {better}: set `{wanted}`, not `{other}`")
        if getattr(self, wanted) is None:
            raise ValueError(
                f"set `{wanted}`, the limit the worst slice's {self.metric} must reach"
            )
        return self

    @property
    def limit(self) -> float:
        value = self.max if direction_of(self.metric) == "lower" else self.min
        assert value is not None  # checked above
        return value


class SliceRegressionGate(StrictModel):
    """How far any slice of the test split may move for the worse against the same slice at the
    base (same feature, same category or bin bounds), counting slices big enough on both sides."""

    metric: SliceMetric = Field(
        default="auto", description="auto: accuracy (classification), rmse (regression)"
    )
    tolerance: Tolerance = Field(
        default=Tolerance(amount=0.1),
        description="largest allowed drop (rise for rmse, log_loss…): a number or 'N%' of the base",
    )
    min_rows: int = Field(
        default=20, ge=1, description="slices with fewer test rows on either side are not judged"
    )


class GatesConfig(StrictModel):
    """The quality gate a pull request must pass; every rule knows which way is better."""

    thresholds: dict[ScoreName, FiniteFloat] = Field(
        default_factory=dict,
        description="floors (ceilings for lower-is-better scores such as log_loss)",
    )
    max_regression: dict[ScoreName, Tolerance] = Field(
        default_factory=dict, description="largest allowed move for the worse vs the base"
    )
    baseline_margin: dict[ScoreName, Tolerance] = Field(
        default_factory=dict,
        description="how far the model must beat the dummy baseline: a number, or 'N%' of the "
        "baseline's value (scale-free, e.g. an RMSE at least 10% under the mean predictor's)",
    )
    worst_slice: WorstSliceGate | None = Field(
        default=None, description="limit on the worst ranked slice (reports/slices.json); off: null"
    )
    slice_regression: SliceRegressionGate | None = Field(
        default=None, description="largest drop of any slice vs the base's; off: null"
    )
    max_latency_ratio: float | None = Field(
        default=None,
        gt=1.0,
        allow_inf_nan=False,
        description="largest allowed PR/base ratio of the single-record p50 latency; off: null",
    )
    significance: bool = Field(
        default=False,
        description="max_regression fails only when the drop is also significant (its bootstrap "
        "interval entirely on the worse side); the interval is stated either way",
    )


class ReviewConfig(StrictModel):
    """How the pull-request review is rendered."""

    plots: Literal["images", "mermaid", "artifact"] = Field(
        default="images",
        description="images: PNGs that `cml comment --publish` uploads; mermaid: charts GitHub "
        "draws itself; artifact: a link to the workflow artifact (nothing leaves GitHub)",
    )
    serving_cost: ServingCostConfig = ServingCostConfig()
    bootstrap: BootstrapConfig = Field(
        default_factory=BootstrapConfig,
        description="the confidence intervals of each gated score's PR−base difference",
    )
