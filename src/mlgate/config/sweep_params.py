"""The `sweep:` section: a grid of params.yaml values for `mlgate sweep`, checked before any run."""

from __future__ import annotations

import math
import re
from itertools import product
from typing import Annotated, Any

from pydantic import AfterValidator, Field, field_validator

from mlgate.config.strict_model import StrictModel
from mlgate.model.scores import ScoreChoice

MAX_SWEEP_EXPERIMENTS = 64
_PARAM_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*$")


def _param_key(key: str) -> str:
    if not _PARAM_KEY.match(key):
        raise ValueError("expected a dotted params.yaml key like model.params.max_depth")
    return key


def _grid_value_problem(value: object, nested: bool = False) -> str | None:
    """Why a grid value cannot be set with `dvc exp run -S` (None: it can)."""
    if value is None or isinstance(value, bool | int):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else "a number must be finite"
    if isinstance(value, str):
        return "'${' would be read as an interpolation" if "${" in value else None
    if isinstance(value, list) and not nested:
        return next(filter(None, (_grid_value_problem(item, nested=True) for item in value)), None)
    return "expected a number, string, true/false, null or a list of those"


def _grid_values(values: list[Any]) -> list[Any]:
    for value in values:
        problem = _grid_value_problem(value)
        if problem:
            raise ValueError(problem)
    seen: list[Any] = []
    for value in values:  # the same value twice would run the same experiment twice
        if any(value == other and type(value) is type(other) for other in seen):
            raise ValueError(f"{value!r} is listed twice")
        seen.append(value)
    return values


class SweepConfig(StrictModel):
    """`mlgate sweep`: a grid of params.yaml values, each combination one DVC experiment.

    Not a dependency of any stage: editing it re-runs nothing.
    """

    grid: dict[
        Annotated[str, AfterValidator(_param_key)],
        Annotated[list[Any], Field(min_length=1), AfterValidator(_grid_values)],
    ] = Field(min_length=1, description="params.yaml key → the values to try")
    jobs: int = Field(default=1, ge=1, le=64, description="experiments run at the same time")
    metric: ScoreChoice = Field(
        default="auto",
        description="the score that ranks experiments; auto: roc_auc or rmse, by the task",
    )

    @field_validator("grid")
    @classmethod
    def _grid_is_small_enough(cls, grid: dict[str, list[Any]]) -> dict[str, list[Any]]:
        size = math.prod(len(values) for values in grid.values())
        if size > MAX_SWEEP_EXPERIMENTS:
            shape = " × ".join(str(len(values)) for values in grid.values())
            raise ValueError(
                f"{size} experiments ({shape} values); at most {MAX_SWEEP_EXPERIMENTS} per sweep"
            )
        return grid

    def combinations(self) -> list[dict[str, Any]]:
        """Every combination of the grid, the first key varying slowest."""
        keys = list(self.grid)
        return [dict(zip(keys, values, strict=True)) for values in product(*self.grid.values())]


def sweep_key_problem(raw: dict[str, Any], key: str) -> str | None:
    """Why `key` cannot be swept in this params.yaml (None: it can)."""
    if key == "sweep" or key.startswith("sweep."):
        return "the sweep cannot vary its own settings"
    node: Any = raw
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return "not a key of params.yaml (a sweep varies keys the file has; add it first)"
        node = node[part]
    if isinstance(node, dict):
        return "a section, not a value; sweep the keys inside it"
    return None
