"""Base-vs-PR pictures of a regressor's predictions: PNGs for CML, Mermaid for GitHub, and the
error by range of the true value as a table a reviewer can read without either."""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import pairwise

from mlgate.review.changes import PlotData
from mlgate.review.plots import BASE_COLOUR, DPI, HEAD_COLOUR, HEIGHT_INCHES, png_bytes, pyplot

RANGES = 4  # quartiles of the true value


@dataclass(frozen=True)
class RangeError:
    """Mean absolute error over the rows whose true value falls in [low, high]."""

    low: float
    high: float
    rows: int
    mae: float | None


def _edges(values: list[float], parts: int) -> list[float]:
    ordered = sorted(values)
    last = len(ordered) - 1
    return [ordered[round(i * last / parts)] for i in range(parts + 1)]


def error_by_range(side: PlotData, edges: list[float]) -> list[RangeError]:
    """MAE in each range of the true value; the last range includes its top edge."""
    ranges = []
    for index, (low, high) in enumerate(pairwise(edges)):
        last = index == len(edges) - 2
        errors = [
            abs(predicted - actual)
            for actual, predicted in side.predicted
            if low <= actual and (actual <= high if last else actual < high)
        ]
        mae = sum(errors) / len(errors) if errors else None
        ranges.append(RangeError(low, high, len(errors), mae))
    return ranges


def shared_edges(base: PlotData | None, head: PlotData) -> list[float]:
    """Quartile edges of the PR's true values (the same rows as the base's when the data did not
    change), without repeats."""
    edges = _edges([actual for actual, _ in head.predicted], RANGES)
    return list(dict.fromkeys(edges)) if len(set(edges)) > 1 else [edges[0], edges[0]]


def render_predicted_png(base: PlotData | None, head: PlotData) -> bytes:
    """Predicted against actual, base in grey and the PR in blue, with the perfect diagonal."""
    plt = pyplot()
    figure, axis = plt.subplots(figsize=(HEIGHT_INCHES * 1.15, HEIGHT_INCHES), dpi=DPI)
    values = [v for side in (base, head) if side for pair in side.predicted for v in pair]
    low, high = min(values), max(values)
    axis.plot([low, high], [low, high], linestyle=":", color="#bbbbbb", label="perfect")
    if base is not None:
        axis.scatter(
            *zip(*base.predicted, strict=True), s=8, alpha=0.6, color=BASE_COLOUR, label="base"
        )
    axis.scatter(
        *zip(*head.predicted, strict=True), s=8, alpha=0.6, color=HEAD_COLOUR, label="pull request"
    )
    axis.set_xlabel("actual")
    axis.set_ylabel("predicted")
    axis.set_title("Predicted vs actual (test split)")
    axis.legend(loc="upper left")
    figure.tight_layout()
    return png_bytes(figure)


def render_residuals_png(base: PlotData | None, head: PlotData) -> bytes:
    """Residual distributions (actual − predicted): a good model's are narrow and centred on 0."""
    plt = pyplot()
    figure, axis = plt.subplots(figsize=(HEIGHT_INCHES * 1.15, HEIGHT_INCHES), dpi=DPI)
    sides = [("base", base, BASE_COLOUR), ("pull request", head, HEAD_COLOUR)]
    residuals = {
        label: [actual - predicted for actual, predicted in side.predicted]
        for label, side, _ in sides
        if side is not None
    }
    everything = [r for values in residuals.values() for r in values]
    bins = 20 if max(everything) > min(everything) else 1
    for label, side, colour in sides:
        if side is not None:
            axis.hist(
                residuals[label],
                bins=bins,
                range=(min(everything), max(everything)),
                histtype="step",
                color=colour,
                label=label,
                linewidth=1.5,
            )
    axis.axvline(0, linestyle=":", color="#bbbbbb")
    axis.set_xlabel("residual (actual − predicted)")
    axis.set_ylabel("rows")
    axis.set_title("Residuals (test split)")
    axis.legend(loc="upper right")
    figure.tight_layout()
    return png_bytes(figure)


def mermaid_error_by_range(base: PlotData | None, head: PlotData) -> str:
    """Mean absolute error per quartile of the true value, as a chart GitHub draws itself."""
    edges = shared_edges(base, head)
    names = [f"{low:.3g} to {high:.3g}" for low, high in pairwise(edges)]
    palette = f"{BASE_COLOUR}, {HEAD_COLOUR}" if base is not None else HEAD_COLOUR
    lines = [
        "```mermaid",
        f'%%{{init: {{"themeVariables": {{"xyChart": {{"plotColorPalette": "{palette}"}}}}}}}}%%',
        "xychart-beta",
        '    title "Mean absolute error by range of the actual value"',
        f"    x-axis [{', '.join(json.dumps(name, ensure_ascii=False) for name in names)}]",
        '    y-axis "MAE"',
    ]
    for side in (base, head):
        if side is not None:
            values = [r.mae or 0.0 for r in error_by_range(side, edges)]
            lines.append(f"    line [{', '.join(f'{v:.4g}' for v in values)}]")
    lines.append("```")
    return "\n".join(lines)
