"""Classification or regression: what params.yaml says, else what the target's values say.

The rule for `data.task: auto` (docs/bring-your-own-data.md): a target that is not numeric
(text, categories) or is boolean is classes; a numeric one holding at most MAX_INTEGER_CLASSES
distinct whole numbers is classes too (0/1, ratings 1-5); any other numeric target is a quantity
to predict (regression).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mlgate.data.feature_schema import Task
from mlgate.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MAX_INTEGER_CLASSES", "Task", "TaskDecision", "decide_task"]

MAX_INTEGER_CLASSES = 20
EXAMPLES_SHOWN = 3


@dataclass(frozen=True)
class TaskDecision:
    task: Task
    reason: str  # one sentence for the validation report and the stage's summary


def _is_number_column(values: pd.Series) -> bool:
    from pandas.api import types

    return types.is_numeric_dtype(values.dtype) and not types.is_bool_dtype(values.dtype)


def _not_numbers(values: pd.Series) -> str:
    import pandas as pd

    bad = values[pd.to_numeric(values.astype(str), errors="coerce").isna()]
    return ", ".join(repr(v) for v in bad.unique()[:EXAMPLES_SHOWN])


def decide_task(setting: str, target: pd.Series) -> TaskDecision:
    """The task for `data.task` (auto, classification or regression) and this target column."""
    name = str(target.name)
    values = target.dropna()
    numeric = _is_number_column(values)
    if setting == "classification":
        return TaskDecision("classification", "data.task is classification")
    if setting == "regression":
        if not numeric:
            raise ConfigError(
                f"data.task: regression needs a numeric target; {name!r} holds values that are "
                f"not numbers (e.g. {_not_numbers(values)})"
            )
        return TaskDecision("regression", "data.task is regression")
    if not numeric:
        kind = "boolean" if str(values.dtype) in ("bool", "boolean") else "not numeric"
        return TaskDecision("classification", f"auto: the target {name!r} is {kind}")
    distinct = int(values.nunique())
    whole = bool((values.astype(float) % 1 == 0).all())
    if whole and distinct <= MAX_INTEGER_CLASSES:
        return TaskDecision(
            "classification",
            f"auto: the target {name!r} holds {distinct} distinct whole numbers "
            f"(at most {MAX_INTEGER_CLASSES}: classes)",
        )
    return TaskDecision(
        "regression", f"auto: the target {name!r} is numeric with {distinct} distinct values"
    )
