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
# A text target this much numbers, with many values, is a quantity with typos, not classes.
MOSTLY_NUMBERS = 0.9


@dataclass(frozen=True)
class TaskDecision:
    task: Task
    reason: str  # one sentence for the validation report and the stage's summary


def _as_numbers(values: pd.Series) -> pd.Series | None:
    """The values as numbers when every one is a number (a CSV's are read as text), else None."""
    import pandas as pd
    from pandas.api import types

    if types.is_bool_dtype(values.dtype):
        return None
    if types.is_numeric_dtype(values.dtype):
        return values
    parsed = pd.to_numeric(values.astype(str), errors="coerce")
    return parsed if parsed.notna().all() else None


def _not_numbers(values: pd.Series) -> str:
    import pandas as pd

    bad = values[pd.to_numeric(values.astype(str), errors="coerce").isna()]
    return ", ".join(repr(v) for v in bad.unique()[:EXAMPLES_SHOWN])


def _refuse_numbers_with_text(name: str, values: pd.Series) -> None:
    """Many distinct values, nearly all numbers: a few stray texts would make every price a
    class (and fail later as "too few rows per class"), so say what is wrong instead."""
    import pandas as pd

    if values.nunique() <= MAX_INTEGER_CLASSES or str(values.dtype) in ("bool", "boolean"):
        return
    parsed = pd.to_numeric(values.astype(str), errors="coerce")
    if parsed.notna().mean() >= MOSTLY_NUMBERS:
        raise ConfigError(
            f"data.target: {name!r} is numbers but for a few values (e.g. {_not_numbers(values)}); "
            "fix or remove those rows, or set data.task: classification to treat each value "
            "as a class"
        )


def decide_task(setting: str, target: pd.Series) -> TaskDecision:
    """The task for `data.task` (auto, classification or regression) and this target column."""
    name = str(target.name)
    values = target.dropna()
    numbers = _as_numbers(values)
    numeric = numbers is not None
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
        _refuse_numbers_with_text(name, values)
        kind = "boolean" if str(values.dtype) in ("bool", "boolean") else "not numeric"
        return TaskDecision("classification", f"auto: the target {name!r} is {kind}")
    assert numbers is not None
    distinct = int(numbers.nunique())
    whole = bool((numbers.astype(float) % 1 == 0).all())
    if whole and distinct <= MAX_INTEGER_CLASSES:
        return TaskDecision(
            "classification",
            f"auto: the target {name!r} holds {distinct} distinct whole numbers "
            f"(at most {MAX_INTEGER_CLASSES}: classes)",
        )
    return TaskDecision(
        "regression", f"auto: the target {name!r} is numeric with {distinct} distinct values"
    )
