"""The review's plots section: pictures, a mermaid chart or a link, and the confusion matrix as
a table a reviewer can read without them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mlgate.markdown import inert_text as _text
from mlgate.markdown import table as _table
from mlgate.review.changes import Comparison
from mlgate.review.plots import confusion_matrix, mermaid_roc, shared_labels
from mlgate.review.regression_plots import error_by_range, mermaid_error_by_range, shared_edges

PlotsMode = Literal["images", "mermaid", "artifact"]


@dataclass(frozen=True)
class PlotLinks:
    """Where the rendered pictures are, relative to the markdown file, and the run's artifacts:
    a classifier's confusion matrix and ROC curve, or a regressor's predicted-vs-actual and
    residuals."""

    left_png: str | None = None
    right_png: str | None = None
    artifact_url: str | None = None


# What each task's two pictures show: alt texts, and the caption (`side`: which side is which).
PICTURES = {
    "classification": (
        ("confusion matrix", "ROC curve"),
        "Confusion matrix, {side}; ROC curve, base in grey and PR in blue.",
    ),
    "regression": (
        ("predicted vs actual", "residuals"),
        "Predicted vs actual and the residuals' distribution: base in grey, PR in blue.",
    ),
}


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:,.4g}"


def _error_table(comparison: Comparison) -> str:
    """Mean absolute error per quartile of the true value: where a regressor got better or worse."""
    base, head = comparison.plots
    assert head is not None
    edges = shared_edges(base, head)
    after = error_by_range(head, edges)
    before = error_by_range(base, edges) if base is not None and base.is_regression else None
    rows = []
    for index, now in enumerate(after):
        cells = [f"{_fmt(now.low)} to {_fmt(now.high)}", str(now.rows)]
        if before is not None:
            cells += [_fmt(before[index].mae), _fmt(now.mae)]
        else:
            cells.append(_fmt(now.mae))
        rows.append(cells)
    header = ["actual value", "rows (PR)"]
    header += ["MAE base", "MAE PR"] if before is not None else ["MAE"]
    caption = "Mean absolute error by range of the actual value (quartiles of the PR's test rows):"
    return caption + "\n\n" + _table(header, [":--", *("--:" for _ in header[1:])], rows)


def _confusion_table(comparison: Comparison) -> str:
    base, head = comparison.plots
    assert head is not None
    if base is not None and base.is_regression:
        base = None
    labels = shared_labels(base, head)
    after = confusion_matrix(head.confusion, labels)
    before = confusion_matrix(base.confusion, labels) if base is not None else None

    def cell(actual: str, predicted: str) -> str:
        now = after.count(actual, predicted)
        if before is None or before.count(actual, predicted) == now:
            return str(now)
        return f"{before.count(actual, predicted)} → **{now}**"

    rows = [[f"**{_text(a)}**", *(cell(a, p) for p in labels)] for a in labels]
    differs = before is not None and before.counts != after.counts
    caption = "Confusion matrix (rows: actual, columns: predicted"
    if before is None:
        caption += "):"
    elif differs:
        caption += ", base → PR where they differ):"
    else:
        caption += "; the same as the base):"
    header = ["actual \\ predicted", *(_text(label) for label in labels)]
    return caption + "\n\n" + _table(header, [":--", *("--:" for _ in labels)], rows)


def plots_section(comparison: Comparison, mode: PlotsMode, links: PlotLinks) -> str:
    base, head = comparison.plots
    if head is None:
        return ""
    regression = head.is_regression
    if base is not None and base.is_regression != regression:
        base = None  # the base was the other task: nothing to draw it against
    (left_alt, right_alt), caption = PICTURES["regression" if regression else "classification"]
    parts = ["### Plots"]
    if mode == "images" and links.left_png and links.right_png:
        side = "base (left) and PR (right)" if base is not None else "PR"
        parts.append(caption.format(side=side))
        parts.append(f"![{left_alt}]({links.left_png}) ![{right_alt}]({links.right_png})")
    else:
        if mode == "mermaid":
            legend = "grey: base, blue: PR" if base is not None else "PR"
            chart = mermaid_error_by_range(base, head) if regression else mermaid_roc(base, head)
            title = "Error by range" if regression else "ROC curve"
            parts.append(f"{title} ({legend}):\n\n{chart}")
        else:
            if links.artifact_url:
                where = f"in [this run's artifacts]({links.artifact_url}) (`model-review`)"
            else:
                where = "saved beside the report where it ran (not attached here)"
            parts.append(f"The {left_alt} and {right_alt} images are {where}.")
    table = _error_table(comparison) if regression else _confusion_table(comparison)
    if mode != "images" or not (links.left_png and links.right_png) or regression:
        parts.append(table)
    return "\n\n".join(parts)
