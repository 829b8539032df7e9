"""The model card's lines about the target: a classifier's classes and their balance, or a
regressor's distribution of the number it predicts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from mlgate.data.feature_schema import DataLabel, FeatureSchema
from mlgate.markdown import code_span
from mlgate.model.card_slices import format_value

if TYPE_CHECKING:
    import pandas as pd


def summarise_target(values: pd.Series) -> dict[str, float]:
    """A regression target's min, median, mean and max (missing values left out), rounded."""
    known = values.dropna().astype("float64")
    summary = {
        "min": known.min(),
        "median": known.median(),
        "mean": known.mean(),
        "max": known.max(),
    }
    return {name: round(float(value), 6) for name, value in summary.items()}


def share(count: int, total: int) -> str:
    return f"{count / total:.1%}" if total else "—"


def _labels(counts: Mapping[str, int]) -> str:
    total = sum(counts.values())
    return " · ".join(
        f"{code_span(label)}: {count:,} ({share(count, total)})" for label, count in counts.items()
    )


def target_rows(
    schema: FeatureSchema,
    label_counts: Mapping[str, int],
    target_summary: Mapping[str, float] | None,
    positive_label: DataLabel | None,
) -> list[list[str]]:
    """The card's rows about the target: its classes and balance, or a regression's spread."""
    if schema.task == "regression":
        summary = target_summary or {}
        shown = " · ".join(f"{name} {format_value(value)}" for name, value in summary.items())
        return [
            ["target", f"{code_span(schema.target)}: a number (regression)"],
            ["target distribution", f"{shown or '—'} (train + test)"],
        ]
    classes = ", ".join(code_span(label) for label in schema.labels)
    positive = f"; positive class {code_span(positive_label)}" if positive_label is not None else ""
    return [
        ["target", f"{code_span(schema.target)}: classes {classes}{positive}"],
        ["label balance", _labels(label_counts)],
    ]
