"""data.task: auto decides from the target's values; explicit settings win, checked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlgate.data.task import MAX_INTEGER_CLASSES, decide_task
from mlgate.errors import ConfigError


@pytest.mark.parametrize(
    ("values", "task"),
    [
        (["yes", "no", "yes", None], "classification"),  # text
        ([True, False, True], "classification"),  # boolean
        ([0, 1, 1, 0], "classification"),  # a binary code
        ([1.0, 2.0, 3.0, 2.0], "classification"),  # whole numbers read as floats
        (list(range(MAX_INTEGER_CLASSES)), "classification"),
        (list(range(MAX_INTEGER_CLASSES + 1)), "regression"),  # a count with many values
        ([0.5, 1.25, 3.0, 2.0], "regression"),  # a price
        ([1.5, np.nan, 2.5], "regression"),  # missing values are not values
    ],
)
def test_auto_decides_from_the_values(values: list[object], task: str) -> None:
    decision = decide_task("auto", pd.Series(values, name="the target"))
    assert decision.task == task
    assert decision.reason.startswith("auto: the target 'the target'")


def test_an_explicit_task_wins() -> None:
    binary = pd.Series([0, 1, 0, 1], name="y")
    assert decide_task("regression", binary).task == "regression"
    prices = pd.Series([0.5, 1.25, 3.0], name="y")
    assert decide_task("classification", prices).task == "classification"


def test_regression_of_a_text_target_is_one_line_naming_the_setting_and_values() -> None:
    with pytest.raises(ConfigError) as raised:
        decide_task("regression", pd.Series(["cheap", "dear", "1.5"], name="price band"))
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith("data.task: regression needs a numeric target; 'price band'")
    assert "'cheap', 'dear'" in message


def test_a_csvs_numbers_read_as_text_are_numbers() -> None:
    """Ingest reads a CSV's cells as text; a price column must still be a regression."""
    prices = pd.Series([f"{100 + i * 1.5:.2f}" for i in range(40)], name="price", dtype=str)
    assert decide_task("auto", prices).task == "regression"
    grades = pd.Series(["1", "2", "3", "2"] * 10, name="grade", dtype=str)
    assert decide_task("auto", grades).task == "classification"


def test_stray_text_in_a_numeric_target_is_named_not_made_classes() -> None:
    prices = pd.Series([str(100 + i) for i in range(40)] + ["n/a?"], name="price")
    with pytest.raises(ConfigError, match=r"data.target: 'price' is numbers but for a few values"):
        decide_task("auto", prices)
