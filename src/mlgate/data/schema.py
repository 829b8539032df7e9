"""The data contract: column roles resolved from params + data, checked with pandera.

The schema's types live in `feature_schema`, its labels in `labels`, its pandera checks in
`violations` and its dtypes in `conform`; this module resolves the roles and runs the validate
stage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlgate.config import DataConfig
from mlgate.data.feature_schema import (
    PREDICTION_COLUMN,
    DataLabel,
    FeatureSchema,
    ValidationReport,
)
from mlgate.data.labels import resolve_labels, resolve_positive_label
from mlgate.data.task import TaskDecision, decide_task
from mlgate.data.violations import find_violations
from mlgate.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd

# Callers (the CLI, the model card) import these from here, where they were defined first.
__all__ = [
    "DataLabel",
    "FeatureSchema",
    "ValidationReport",
    "resolve_positive_label",
    "resolve_schema",
    "validate_frame",
]

NUMERIC_LOOKING_SHARE = 0.9


def _looks_numeric(column: pd.Series) -> bool:
    import pandas as pd

    values = column.dropna()
    if values.empty:
        return False
    parsed = pd.to_numeric(values.astype(str), errors="coerce")
    return bool(parsed.notna().mean() >= NUMERIC_LOOKING_SHARE)


def _infer_is_numeric(column: pd.Series) -> bool:
    from pandas.api import types

    if types.is_bool_dtype(column.dtype):
        return False
    if types.is_numeric_dtype(column.dtype):
        return True
    return _looks_numeric(column)


def _require_columns(names: tuple[str, ...], key: str, present: list[str]) -> None:
    missing = [name for name in names if name not in present]
    if missing:
        raise ConfigError(
            f"data.{key}: column(s) {', '.join(map(repr, missing))} not in the data "
            f"(columns: {', '.join(present)})"
        )


def resolve_schema(
    config: DataConfig, frame: pd.DataFrame, decision: TaskDecision | None = None
) -> FeatureSchema:
    """Decide each column's role: explicit lists in params win, the rest are inferred."""
    present = [str(column) for column in frame.columns]
    _require_columns((config.target,), "target", present)
    _require_columns(config.drop, "drop", present)
    _require_columns(config.numeric or (), "numeric", present)
    _require_columns(config.categorical or (), "categorical", present)

    explicit_numeric = set(config.numeric or ())
    explicit_categorical = set(config.categorical or ())
    numeric: list[str] = []
    categorical: list[str] = []
    for column in present:
        if column == config.target or column in config.drop:
            continue
        if column in explicit_numeric:
            numeric.append(column)
        elif column in explicit_categorical:
            categorical.append(column)
        elif _infer_is_numeric(frame[column]):
            numeric.append(column)
        else:
            categorical.append(column)
    if not numeric and not categorical:
        raise ConfigError("data: no feature columns left after removing the target and data.drop")
    if PREDICTION_COLUMN in (config.target, *numeric, *categorical):
        raise ConfigError(
            f"data: the column {PREDICTION_COLUMN!r} is reserved (drift checks and the "
            "prediction log put the model's predictions under that name): rename it in the data, "
            "or list it in data.drop"
        )

    decision = decision or decide_task(config.task, frame[config.target])
    labels: tuple[DataLabel, ...] = ()
    if decision.task == "classification":
        labels = resolve_labels(config, frame)
        resolve_positive_label(labels, config.positive_label)  # fail here, before any training
    return FeatureSchema(
        target=config.target,
        task=decision.task,
        labels=labels,
        numeric=tuple(numeric),
        categorical=tuple(categorical),
    )


def without_missing_target(frame: pd.DataFrame, config: DataConfig) -> pd.DataFrame:
    """The rows to learn from: with data.missing_target: drop, those that have a target."""
    if config.missing_target == "error":
        return frame
    return frame.loc[frame[config.target].notna()]


def validate_frame(frame: pd.DataFrame, config: DataConfig) -> ValidationReport:
    """The validate stage: resolve the schema, check it, and report the verdict."""
    _require_columns((config.target,), "target", [str(c) for c in frame.columns])
    decision = decide_task(config.task, frame[config.target])
    kept = without_missing_target(frame, config)
    schema = resolve_schema(config, kept, decision)
    violations = find_violations(kept, schema, config.validation)
    null_fraction = {name: round(float(kept[name].isna().mean()), 6) for name in schema.features}
    return ValidationReport(
        valid=not violations,
        rows=len(kept),
        columns=frame.shape[1],
        schema_=schema,
        task_reason=decision.reason,
        missing_target_rows=len(frame) - len(kept),
        null_fraction=null_fraction,
        violations=tuple(violations),
    )
