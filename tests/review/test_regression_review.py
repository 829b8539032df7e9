"""A regression's review: its scores in the tables, its gates, its pictures and error table."""

from __future__ import annotations

from mlgate.config import parse_gates
from mlgate.review.changes import Comparison, MetricChange, PlotData
from mlgate.review.gates import check_gates
from mlgate.review.regression_plots import (
    error_by_range,
    mermaid_error_by_range,
    render_predicted_png,
    render_residuals_png,
    shared_edges,
)
from mlgate.review.render import PlotLinks, render_review
from mlgate.review.revisions import Revision
from tests.support.markdown import row, table_with

BASE_PLOTS = PlotData(predicted=((1.0, 1.5), (2.0, 2.0), (3.0, 2.0), (4.0, 4.0), (5.0, 7.0)))
HEAD_PLOTS = PlotData(predicted=((1.0, 1.0), (2.0, 2.0), (3.0, 3.5), (4.0, 4.0), (5.0, 5.5)))
SCORES = {
    "model.rmse": (1.0, 0.4),
    "model.mae": (0.8, 0.2),
    "model.r2": (0.5, 0.92),
    "baseline.rmse": (1.41, 1.41),
    "test_rows": (5.0, 5.0),
}
GATES = {
    "thresholds": {"accuracy": 0.9},
    "max_regression": {"rmse": "5%", "r2": 0.02},
    "baseline_margin": {"rmse": "10%"},
}


def comparison(
    metrics: dict[str, tuple[float | None, float | None]],
    plots: tuple[PlotData | None, PlotData | None],
) -> Comparison:
    changes = tuple(MetricChange(name, b, h) for name, (b, h) in metrics.items())
    return Comparison(
        Revision("main", "a" * 40),
        Revision("HEAD", "b" * 40),
        False,
        changes,
        (),
        (),
        (None, None),
        plots,
    )


def render(compared: Comparison, gates: dict[str, object], plots: str = "images") -> str:
    verdict = check_gates(compared.metrics, parse_gates(gates, "params.yaml"), "`params.yaml`")
    links = PlotLinks("review/predicted.png", "review/residuals.png", None)
    return render_review(compared, verdict, plots=plots, links=links)  # type: ignore[arg-type]


def test_the_error_by_range_of_the_true_value() -> None:
    edges = shared_edges(BASE_PLOTS, HEAD_PLOTS)
    assert edges == [1.0, 2.0, 3.0, 4.0, 5.0]
    base = error_by_range(BASE_PLOTS, edges)
    assert [(r.rows, r.mae) for r in base] == [(1, 0.5), (1, 0.0), (1, 1.0), (2, 1.0)]
    head = error_by_range(HEAD_PLOTS, edges)
    assert [r.mae for r in head] == [0.0, 0.0, 0.5, 0.25]


def test_a_regression_review_shows_its_scores_gates_and_error_table() -> None:
    text = render(comparison(SCORES, plots=(BASE_PLOTS, HEAD_PLOTS)), gates=GATES)
    metrics = table_with(text, "Δ")
    rmse = row(metrics, "metric", "RMSE")
    assert (rmse["Δ"], rmse["change"]) == ("−0.6000", "🟢 ▼ better")
    assert row(metrics, "metric", "R²")["change"] == "🟢 ▲ better"
    gates = table_with(text, "requirement")
    assert [(cells["gate"], cells["metric"]) for cells in gates] == [
        ("regression vs base", "RMSE"),
        ("regression vs base", "R²"),
        ("margin over baseline", "RMSE"),
    ]
    assert "Not applied (not regression scores): accuracy." in text
    assert "✅ **Quality gate passed** (3 gates)" in text
    errors = table_with(text, "actual value")
    assert errors[-1] == {
        "actual value": "4 to 5",
        "rows (PR)": "2",
        "MAE base": "1",
        "MAE PR": "0.25",
    }
    assert "![predicted vs actual](review/predicted.png)" in text


def test_mermaid_mode_draws_the_error_by_range_for_both_sides() -> None:
    text = render(comparison(SCORES, plots=(BASE_PLOTS, HEAD_PLOTS)), gates=GATES, plots="mermaid")
    chart = text.split("```mermaid", 1)[1].split("```", 1)[0]
    assert 'x-axis ["1 to 2", "2 to 3", "3 to 4", "4 to 5"]' in chart
    assert chart.count("line [") == 2
    assert mermaid_error_by_range(None, HEAD_PLOTS).count("line [") == 1


def test_a_base_of_the_other_task_is_not_drawn_against() -> None:
    classifier = PlotData(roc=((0.0, 0.0), (1.0, 1.0)), confusion=(("a", "a"),))
    text = render(comparison(SCORES, plots=(classifier, HEAD_PLOTS)), gates=GATES)
    errors = table_with(text, "actual value")
    assert list(errors[0]) == ["actual value", "rows (PR)", "MAE"]


def test_the_pictures_render_with_and_without_a_base() -> None:
    for draw in (render_predicted_png, render_residuals_png):
        assert draw(BASE_PLOTS, HEAD_PLOTS).startswith(b"\x89PNG")
        assert draw(None, HEAD_PLOTS) == draw(None, HEAD_PLOTS)  # deterministic bytes
    constant = PlotData(predicted=((2.0, 2.0), (2.0, 2.0)))
    assert render_residuals_png(None, constant).startswith(b"\x89PNG")
