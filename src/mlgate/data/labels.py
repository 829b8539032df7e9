"""Class labels: the target's classes as the data spells them, and the positive one.

A params label (`1`, `"1"`, `1.0`) is matched to the data's own value by its text, so params
written by hand find the classes of a CSV (text) or of sklearn (ints) alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlgate.config import DataConfig, Label
from mlgate.data.feature_schema import DataLabel
from mlgate.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd


def plain_value(value: Any) -> DataLabel:
    """numpy scalars → plain Python values, so labels survive JSON unchanged."""
    item = value.item() if hasattr(value, "item") else value
    if isinstance(item, float) and item.is_integer():
        return int(item)
    return item if isinstance(item, bool | int | float | str) else str(item)


def _label_order(label: DataLabel) -> tuple[str, DataLabel]:
    return (type(label).__name__, label)


def _same_label(value: DataLabel, label: Label) -> bool:
    if value == label or str(value) == str(label):
        return True
    try:
        return float(str(value)) == float(str(label))
    except ValueError:
        return False


def _match_label(label: Label, observed: list[DataLabel]) -> DataLabel:
    """A params label as the data spells it: `1`, `"1"` and `1.0` all find the data's "1.0"."""
    return next((value for value in observed if _same_label(value, label)), label)


def resolve_labels(config: DataConfig, frame: pd.DataFrame) -> tuple[DataLabel, ...]:
    """The target's classes: params' labels as the data spells them, else every class seen."""
    observed = sorted(
        {plain_value(v) for v in frame[config.target].dropna().unique()}, key=_label_order
    )
    if config.labels is None:
        return tuple(observed)
    return tuple(_match_label(label, observed) for label in config.labels)


def resolve_positive_label(
    labels: tuple[DataLabel, ...], requested: Label | None
) -> DataLabel | None:
    """The class binary precision/recall refer to: as requested, else the last class.

    Not stored in the schema, so that changing it never re-runs split or train.
    """
    if requested is None:
        return sorted(labels, key=_label_order)[-1] if len(labels) == 2 else None
    positive = _match_label(requested, list(labels))
    if positive not in labels:
        raise ConfigError(
            f"data.positive_label: {requested!r} is not a class of the target "
            f"(classes: {', '.join(map(repr, labels))})"
        )
    return positive
