"""What reports/slices.json holds: each slice's scores, and the worst ranked slice by a score.

The card writes it; the `worst_slice` gate and the review read it back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from mlgate.model.scores import Direction, ScoreName, direction_of


class Slice(BaseModel):
    """One slice of the test split and the model's scores on it (None: not defined there)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    feature: str
    kind: Literal["categorical", "numeric"]
    name: str
    missing: bool = False  # the rows where the feature is missing (name: "(missing)")
    rows: int
    labels: dict[str, int]  # class → test rows (a classification; {} for a regression)
    ranked: bool
    scores: dict[ScoreName, float | None]
    target_mean: float | None = None  # a regression's mean true target on the slice


class WorstSlice(BaseModel):
    """The worst ranked slice by one score."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    metric: ScoreName
    feature: str
    kind: Literal["categorical", "numeric"]
    name: str
    missing: bool
    rows: int
    value: float

    def describe(self) -> str:
        """Plain text, e.g. `colour = red`, `mean radius ≤ 12.3`, `size missing`."""
        return describe_slice(self.feature, self.kind, self.name, self.missing)


def describe_slice(
    feature: str, kind: Literal["categorical", "numeric"], name: str, missing: bool
) -> str:
    """A slice as plain text, e.g. `colour = red`, `mean radius ≤ 12.3`, `size missing`."""
    if missing:
        return f"{feature} missing"
    if kind == "categorical":
        return f"{feature} = {name}"
    if name.startswith("("):
        return f"{feature} in {name}"
    return f"{feature} {name}" if name.startswith(("≤", ">")) else feature


class SliceReport(BaseModel):
    """What reports/slices.json holds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    metric: ScoreName
    direction: Direction  # which way `metric` is better: the worst slice is the other end
    min_rows: int
    classes: tuple[str, ...]  # () for a regression
    test_rows: int
    slices: tuple[Slice, ...]
    worst: WorstSlice | None

    @model_validator(mode="before")
    @classmethod
    def _direction_of_older_reports(cls, value: object) -> object:
        """A base branch's slices.json from before directions were written: the metric's."""
        if isinstance(value, dict) and "direction" not in value and "metric" in value:
            return {**value, "direction": direction_of(str(value["metric"]))}
        return value

    def worst_by(self, metric: ScoreName) -> WorstSlice | None:
        """The ranked slice with the worst `metric` (None when no ranked slice has it)."""
        return worst_slice(self.slices, metric)

    def to_json_dict(self) -> dict[str, object]:
        return self.model_dump(mode="json")


def worst_slice(slices: Sequence[Slice], metric: ScoreName) -> WorstSlice | None:
    """Lowest score (highest loss) among ranked slices; on a tie, the bigger slice, then the first
    listed."""
    sign = -1.0 if direction_of(metric) == "lower" else 1.0
    candidates = [
        (sign * value, -item.rows, position, item, value)
        for position, item in enumerate(slices)
        if item.ranked and (value := item.scores.get(metric)) is not None
    ]
    if not candidates:
        return None
    _, _, _, chosen, value = min(candidates, key=lambda candidate: candidate[:3])
    return WorstSlice(
        metric=metric,
        feature=chosen.feature,
        kind=chosen.kind,
        name=chosen.name,
        missing=chosen.missing,
        rows=chosen.rows,
        value=value,
    )
