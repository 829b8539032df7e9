"""The resolved data contract and the validation report that carries it downstream.

The same `FeatureSchema` later validates served requests and monitored traffic, so it is
written into the validation report and read back by every downstream stage.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt

# A class label as it appears in the data (a CSV's labels are text; sklearn's are ints).
DataLabel = StrictBool | StrictInt | StrictFloat | str
# What the model predicts: one of the labels, or a number (data/task.py decides).
Task = Literal["classification", "regression"]
# Drift checks and the prediction log put the model's predictions beside the features under this
# name, so no column of the data may have it (validate refuses one the model would see).
PREDICTION_COLUMN = "prediction"


class FeatureSchema(BaseModel):
    """Resolved roles of every column the model sees."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    target: str
    task: Task = "classification"
    labels: tuple[DataLabel, ...]  # () for regression
    numeric: tuple[str, ...]
    categorical: tuple[str, ...]

    @property
    def features(self) -> tuple[str, ...]:
        return self.numeric + self.categorical


class ValidationReport(BaseModel):
    """What reports/data_validation.json holds: verdict, shape, schema and every violation."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    valid: bool
    rows: int
    columns: int
    schema_: FeatureSchema | None = Field(default=None, alias="schema")
    task_reason: str | None = None  # why the task is what it is (data.task, or auto's rule)
    missing_target_rows: int = 0  # rows without a target, dropped (data.missing_target: drop)
    null_fraction: dict[str, float] = {}
    violations: tuple[str, ...] = ()

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)

    @classmethod
    def from_json_dict(cls, body: object) -> ValidationReport:
        return cls.model_validate(body)
