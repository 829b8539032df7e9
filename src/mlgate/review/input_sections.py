"""The review's params and data sections: what the pull request changed besides the model."""

from __future__ import annotations

from typing import Any

from mlgate.markdown import code_span as _code
from mlgate.markdown import table as _table
from mlgate.review.changes import Comparison, DataChange, Shape


def _value(value: Any) -> str:
    return "—" if value is None else _code(value)


def params_section(comparison: Comparison) -> str:
    if not comparison.params:
        return "### Params\n\nNo params changed."
    rows = [[_code(p.name), _value(p.base), _value(p.head)] for p in comparison.params]
    return "### Params changed\n\n" + _table(["param", "base", "PR"], [":--", ":--", ":--"], rows)


def _shape(shape: Shape | None) -> str:
    return "?" if shape is None else f"{shape.rows:,} × {shape.columns}"


def _hash(value: str | None) -> str:
    return "—" if value is None else f"`{value.removesuffix('.dir')[:8]}`"


def _data_row(change: DataChange) -> list[str]:
    if change.base_shape is None and change.head_shape is None:
        shape = "—"
    else:
        shape = f"{_shape(change.base_shape)} → {_shape(change.head_shape)}"
    return [
        _code(change.path),
        change.change,
        f"{_hash(change.base_hash)} → {_hash(change.head_hash)}",
        shape,
    ]


def data_section(comparison: Comparison) -> str:
    parts = ["### Data"]
    if not comparison.data:
        parts.append("No DVC-tracked data or model changed.")
    else:
        parts.append(
            _table(
                ["DVC-tracked path", "change", "content hash", "rows × columns"],
                [":--", ":--", ":--", ":--"],
                [_data_row(change) for change in comparison.data],
            )
        )
        if any("?" in row[3] for row in map(_data_row, comparison.data)):
            parts.append("<sub>? = that version is not in the local DVC cache.</sub>")
    before, after = comparison.raw_data
    if before is not None and after is not None and before != after:
        added = sorted(set(after.columns) - set(before.columns))
        removed = sorted(set(before.columns) - set(after.columns))
        line = (
            f"Validated raw data: {before.rows:,} → {after.rows:,} rows, "
            f"{len(before.columns)} → {len(after.columns)} columns"
        )
        if added:
            line += "; added " + ", ".join(_code(c) for c in added)
        if removed:
            line += "; removed " + ", ".join(_code(c) for c in removed)
        parts.append(line + ".")
    return "\n\n".join(parts)
