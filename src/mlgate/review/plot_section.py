"""The review's plots section: pictures, a mermaid chart or a link, and the confusion matrix as
a table a reviewer can read without them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mlgate.markdown import inert_text as _text
from mlgate.markdown import table as _table
from mlgate.review.changes import Comparison
from mlgate.review.plots import confusion_matrix, mermaid_roc, shared_labels

PlotsMode = Literal["images", "mermaid", "artifact"]


@dataclass(frozen=True)
class PlotLinks:
    """Where the rendered pictures are, relative to the markdown file, and the run's artifacts."""

    confusion_png: str | None = None
    roc_png: str | None = None
    artifact_url: str | None = None


def _confusion_table(comparison: Comparison) -> str:
    base, head = comparison.plots
    assert head is not None
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
    parts = ["### Plots"]
    if mode == "images" and links.confusion_png and links.roc_png:
        side = "base (left) and PR (right)" if base is not None else "PR"
        parts.append(f"Confusion matrix, {side}; ROC curve, base in grey and PR in blue.")
        parts.append(f"![confusion matrix]({links.confusion_png}) ![ROC curve]({links.roc_png})")
    else:
        if mode == "mermaid":
            legend = "grey: base, blue: PR" if base is not None else "PR"
            parts.append(f"ROC curve ({legend}):\n\n{mermaid_roc(base, head)}")
        else:
            if links.artifact_url:
                where = f"in [this run's artifacts]({links.artifact_url}) (`model-review`)"
            else:
                where = "saved beside the report where it ran (not attached here)"
            parts.append(f"ROC and confusion-matrix images are {where}.")
        parts.append(_confusion_table(comparison))
    return "\n\n".join(parts)
