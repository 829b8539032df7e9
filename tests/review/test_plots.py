"""Base-vs-PR pictures: the ROC resampling, the confusion counts, deterministic PNGs."""

from __future__ import annotations

from mlgate.review.changes import PlotData
from mlgate.review.plots import (
    confusion_matrix,
    mermaid_roc,
    render_confusion_png,
    render_roc_png,
    roc_on_grid,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PLOTS = PlotData(
    roc=((0.0, 0.0), (0.0, 0.5), (0.25, 0.75), (0.5, 1.0), (1.0, 1.0)),
    confusion=(("2", "2"), ("10", "10"), ("10", "2"), ("2", "2")),
)


def test_roc_on_grid_is_the_step_function_at_even_fprs() -> None:
    assert roc_on_grid(PLOTS.roc, size=5) == [0.5, 0.75, 1.0, 1.0, 1.0]


def test_confusion_matrix_counts_pairs_and_orders_numeric_labels_numerically() -> None:
    matrix = confusion_matrix(PLOTS.confusion, labels=("3",))
    assert matrix.labels == ("2", "3", "10")
    assert (matrix.count("2", "2"), matrix.count("10", "2"), matrix.count("3", "3")) == (2, 1, 0)


def test_pngs_are_deterministic_and_work_without_a_base() -> None:
    for render in (render_confusion_png, render_roc_png):
        first, second = render(PLOTS, PLOTS), render(PLOTS, PLOTS)
        assert first.startswith(PNG_SIGNATURE)
        assert first == second
        assert render(None, PLOTS).startswith(PNG_SIGNATURE)


def test_mermaid_chart_has_one_line_per_side() -> None:
    both = mermaid_roc(PLOTS, PLOTS)
    alone = mermaid_roc(None, PLOTS)
    assert both.count("    line [") == 2
    assert alone.count("    line [") == 1
    assert both.startswith("```mermaid")
    assert both.endswith("```")
