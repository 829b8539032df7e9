"""Base-vs-PR pictures of the evaluate stage's curves: PNGs for CML, Mermaid for GitHub.

Mermaid charts are drawn by GitHub itself, for repositories that must not upload images to a
third-party host.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from types import ModuleType

from mlgate.review.changes import PlotData

ROC_GRID_POINTS = 11
# Both PNGs are this tall and together ~720 px wide, so they sit side by side in a PR comment.
HEIGHT_INCHES = 3.0
DPI = 80
BASE_COLOUR = "#9e9e9e"
HEAD_COLOUR = "#1f6feb"


@dataclass(frozen=True)
class ConfusionMatrix:
    labels: tuple[str, ...]
    counts: dict[tuple[str, str], int]  # (actual, predicted) → rows

    def count(self, actual: str, predicted: str) -> int:
        return self.counts.get((actual, predicted), 0)


def confusion_matrix(
    pairs: tuple[tuple[str, str], ...], labels: tuple[str, ...] = ()
) -> ConfusionMatrix:
    """Counts per (actual, predicted); `labels` adds classes the other side has."""
    counts = Counter(pairs)
    seen = {label for pair in pairs for label in pair} | set(labels)
    return ConfusionMatrix(tuple(sorted(seen, key=_label_order)), dict(counts))


def _label_order(label: str) -> tuple[int, float, str]:
    """Numeric labels in numeric order (2 before 10), others alphabetically."""
    try:
        return (0, float(label), label)
    except ValueError:
        return (1, 0.0, label)


def shared_labels(base: PlotData | None, head: PlotData | None) -> tuple[str, ...]:
    labels = {label for side in (base, head) if side for pair in side.confusion for label in pair}
    return tuple(sorted(labels, key=_label_order))


def roc_on_grid(
    points: tuple[tuple[float, float], ...], size: int = ROC_GRID_POINTS
) -> list[float]:
    """True positive rate at evenly spaced false positive rates (the ROC step function)."""
    ordered = sorted(points)
    values = []
    for step in range(size):
        fpr = step / (size - 1)
        reached = [tpr for x, tpr in ordered if x <= fpr + 1e-12]
        values.append(round(max(reached, default=0.0), 3))
    return values


def png_bytes(figure: object) -> bytes:
    import io

    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})  # type: ignore[attr-defined]
    plt.close(figure)  # type: ignore[arg-type]
    return buffer.getvalue()


def pyplot() -> ModuleType:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def render_confusion_png(base: PlotData | None, head: PlotData) -> bytes:
    """Confusion matrices side by side: base on the left, the pull request on the right."""
    plt = pyplot()
    labels = shared_labels(base, head)
    panels = (
        [("base", base), ("pull request", head)] if base is not None else [("pull request", head)]
    )
    width = HEIGHT_INCHES * (0.95 if len(panels) == 2 else 1.1)
    figure, axes = plt.subplots(
        1, len(panels), figsize=(width * len(panels), HEIGHT_INCHES), dpi=DPI, squeeze=False
    )
    for axis, (title, side) in zip(axes[0], panels, strict=True):
        assert side is not None
        matrix = confusion_matrix(side.confusion, labels)
        grid = [[matrix.count(actual, predicted) for predicted in labels] for actual in labels]
        axis.imshow(grid, cmap="Blues")
        peak = max((max(row) for row in grid), default=0)
        for i, row in enumerate(grid):
            for j, value in enumerate(row):
                colour = "white" if peak and value > peak / 2 else "black"
                axis.text(j, i, str(value), ha="center", va="center", color=colour)
        axis.set_xticks(range(len(labels)), labels)
        axis.set_yticks(range(len(labels)), labels)
        axis.set_xlabel("predicted")
        axis.set_ylabel("actual")
        axis.set_title(title)
    figure.tight_layout()
    return png_bytes(figure)


def render_roc_png(base: PlotData | None, head: PlotData) -> bytes:
    """Both ROC curves on one chart, with the chance diagonal."""
    plt = pyplot()
    figure, axis = plt.subplots(figsize=(HEIGHT_INCHES * 1.15, HEIGHT_INCHES), dpi=DPI)
    axis.plot([0, 1], [0, 1], linestyle=":", color="#bbbbbb", label="chance")
    if base is not None:
        axis.step(*zip(*base.roc, strict=True), where="post", color=BASE_COLOUR, label="base")
    axis.step(*zip(*head.roc, strict=True), where="post", color=HEAD_COLOUR, label="pull request")
    axis.set_xlabel("false positive rate")
    axis.set_ylabel("true positive rate")
    axis.set_xlim(-0.01, 1.01)
    axis.set_ylim(-0.01, 1.01)
    axis.set_title("ROC curve (test split)")
    axis.legend(loc="lower right")
    figure.tight_layout()
    return png_bytes(figure)


def mermaid_roc(base: PlotData | None, head: PlotData) -> str:
    """An xychart GitHub renders natively: grey line = base, blue line = pull request."""
    grid = [f"{step / (ROC_GRID_POINTS - 1):.1f}" for step in range(ROC_GRID_POINTS)]
    palette = f"{BASE_COLOUR}, {HEAD_COLOUR}" if base is not None else HEAD_COLOUR
    lines = [
        "```mermaid",
        f'%%{{init: {{"themeVariables": {{"xyChart": {{"plotColorPalette": "{palette}"}}}}}}}}%%',
        "xychart-beta",
        '    title "ROC curve (test split)"',
        f'    x-axis "false positive rate" [{", ".join(grid)}]',
        '    y-axis "true positive rate" 0 --> 1',
    ]
    if base is not None:
        lines.append(f"    line [{', '.join(f'{v:g}' for v in roc_on_grid(base.roc))}]")
    lines.append(f"    line [{', '.join(f'{v:g}' for v in roc_on_grid(head.roc))}]")
    lines.append("```")
    return "\n".join(lines)
