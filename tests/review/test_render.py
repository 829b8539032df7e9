"""The review markdown: parsed back into tables and checked cell by cell."""

from __future__ import annotations

import re

from mlgate.config import parse_gates
from mlgate.review.changes import (
    Comparison,
    DataChange,
    MetricChange,
    ParamChange,
    PlotData,
    RawDataSummary,
    Shape,
)
from mlgate.review.gates import check_gates
from mlgate.review.render import PlotLinks, render_review
from mlgate.review.revisions import Revision
from tests.support.markdown import row, table_with, tables

BASE = Revision("main", "a" * 40)
HEAD = Revision("HEAD", "b" * 40)
GATES = {
    "thresholds": {"accuracy": 0.9},
    "max_regression": {"roc_auc": "1%", "log_loss": 0.05},
    "baseline_margin": {"accuracy": 0.1},
}
BINARY_PLOTS = PlotData(
    roc=((0.0, 0.0), (0.0, 0.8), (0.1, 1.0), (1.0, 1.0)),
    confusion=(("0", "0"), ("0", "1"), ("1", "1"), ("1", "1")),
)


def comparison(
    metrics: dict[str, tuple[float | None, float | None]],
    *,
    params: tuple[ParamChange, ...] = (),
    data: tuple[DataChange, ...] = (),
    plots: tuple[PlotData | None, PlotData | None] = (BINARY_PLOTS, BINARY_PLOTS),
    raw: tuple[RawDataSummary | None, RawDataSummary | None] = (None, None),
) -> Comparison:
    return Comparison(
        BASE,
        HEAD,
        False,
        tuple(MetricChange(name, b, h) for name, (b, h) in metrics.items()),
        params,
        data,
        raw,
        plots,
    )


def render(compared: Comparison, gates: dict[str, object] = GATES, plots: str = "images") -> str:
    verdict = check_gates(compared.metrics, parse_gates(gates, "params.yaml"), "`params.yaml`")
    links = PlotLinks("review/confusion.png", "review/roc.png", None)
    return render_review(compared, verdict, plots=plots, links=links)  # type: ignore[arg-type]


STEADY = {
    "model.accuracy": (0.95, 0.95),
    "model.roc_auc": (0.99, 0.99),
    "model.log_loss": (0.11, 0.11),
    "baseline.accuracy": (0.63, 0.63),
    "test_rows": (114.0, 114.0),
}


def test_hyperparameter_change_shows_both_values_and_delta() -> None:
    moved = STEADY | {"model.roc_auc": (0.995, 0.9907), "model.log_loss": (0.1096, 0.1318)}
    text = render(comparison(moved, params=(ParamChange("model.params.max_depth", 8, 3),)))
    metrics = table_with(text, "Δ")
    auc = row(metrics, "metric", "ROC AUC")
    assert (auc["base `aaaaaaa`"], auc["PR `bbbbbbb`"], auc["Δ"]) == ("0.9950", "0.9907", "−0.0043")
    assert auc["change"] == "🔴 ▼ worse"
    assert row(metrics, "metric", "log loss")["change"] == "🔴 ▲ worse"  # lower is better
    assert row(metrics, "metric", "accuracy")["change"] == "unchanged"
    params = table_with(text, "param")
    assert params == [{"param": "`model.params.max_depth`", "base": "`8`", "PR": "`3`"}]
    # the headline names the biggest relative move: log loss rose 20 %, AUC fell 0.4 %
    assert "biggest move: log loss 0.1096 → 0.1318 (+0.0222, worse)" in text.splitlines()[2]


def test_falling_log_loss_is_shown_as_better() -> None:
    text = render(comparison(STEADY | {"model.log_loss": (0.2, 0.1)}))
    assert row(table_with(text, "Δ"), "metric", "log loss")["change"] == "🟢 ▼ better"


def test_failed_gate_is_in_the_headline_and_the_gate_table() -> None:
    text = render(comparison(STEADY | {"model.accuracy": (0.95, 0.85)}))
    assert text.splitlines()[2].startswith(
        "❌ **Quality gate failed**: 1 of 4 gates (threshold on accuracy)"
    )
    gates = table_with(text, "requirement")
    failed = [g for g in gates if g["result"] == "❌ fail"]
    assert failed == [
        {
            "gate": "threshold",
            "metric": "accuracy",
            "requirement": "≥ 0.9",
            "result": "❌ fail",
            "detail": "0.8500 misses ≥ 0.9",
        }
    ]
    assert row(table_with(text, "Δ"), "metric", "accuracy")["gate"] == "❌ 1/2 failed: threshold"


def test_unchanged_branch_says_no_metric_changes() -> None:
    text = render(comparison(STEADY))
    assert "no metric changes" in text.splitlines()[2]
    assert "No changes: metrics, params and DVC-tracked data are identical to the base." in text
    assert "No params changed." in text
    assert "No DVC-tracked data or model changed." in text


def test_first_pr_renders_without_base_metrics() -> None:
    first = {name: (None, head) for name, (_, head) in STEADY.items()}
    text = render(comparison(first, plots=(None, BINARY_PLOTS)))
    assert "first review: the base has no metrics yet" in text.splitlines()[2]
    assert "✅ **Quality gate passed**" in text
    auc = row(table_with(text, "Δ"), "metric", "ROC AUC")
    assert (auc["base `aaaaaaa`"], auc["Δ"], auc["change"]) == ("—", "—", "new")
    regressions = [g for g in table_with(text, "requirement") if g["gate"] == "regression vs base"]
    assert [g["result"] for g in regressions] == ["⚪ skip", "⚪ skip"]
    assert "Confusion matrix, PR" in text


def test_metrics_added_and_removed_are_labelled() -> None:
    text = render(comparison(STEADY | {"model.f1": (None, 0.9), "model.recall": (0.8, None)}))
    assert text.splitlines()[2].endswith("· metrics 1 added, 1 removed")
    assert "No changes" not in text
    metrics = table_with(text, "Δ")
    assert row(metrics, "metric", "F1")["change"] == "new"
    assert row(metrics, "metric", "recall")["change"] == "removed"
    assert row(metrics, "metric", "recall")["PR `bbbbbbb`"] == "—"


def test_counts_print_as_integers() -> None:
    text = render(comparison(STEADY | {"test_rows": (114.0, 120.0)}))
    others = tables(text.split("<details>")[1])[0]
    assert row(others, "metric", "test_rows")["Δ"] == "+6"
    assert row(others, "metric", "test_rows")["change"] == "▲ changed"  # neither better nor worse
    assert row(others, "metric", "test_rows")["PR `bbbbbbb`"] == "120"


def test_data_changes_show_hashes_and_shapes() -> None:
    change = DataChange(
        "data/raw/data.parquet", "modified", "1" * 32, "2" * 32, Shape(569, 31), Shape(600, 32)
    )
    raw = (RawDataSummary(569, ("a", "b")), RawDataSummary(600, ("a", "c")))
    text = render(comparison(STEADY, data=(change,), raw=raw))
    (entry,) = table_with(text, "DVC-tracked path")
    assert entry["rows × columns"] == "569 × 31 → 600 × 32"
    assert entry["content hash"] == "`11111111` → `22222222`"
    assert "Validated raw data: 569 → 600 rows, 2 → 2 columns; added `c`; removed `b`." in text


def test_uncached_base_shape_is_a_question_mark_with_a_footnote() -> None:
    change = DataChange(
        "data/processed/train.parquet", "modified", "1" * 32, "2" * 32, None, Shape(9, 3)
    )
    text = render(comparison(STEADY, data=(change,)))
    assert table_with(text, "DVC-tracked path")[0]["rows × columns"] == "? → 9 × 3"
    assert "not in the local DVC cache" in text


def test_image_mode_links_the_pngs() -> None:
    text = render(comparison(STEADY))
    assert "![confusion matrix](review/confusion.png) ![ROC curve](review/roc.png)" in text
    assert "```mermaid" not in text


def test_mermaid_mode_draws_roc_and_tabulates_a_multiclass_confusion_matrix() -> None:
    base = PlotData(BINARY_PLOTS.roc, (("low", "low"), ("mid", "high"), ("high", "high")))
    head = PlotData(BINARY_PLOTS.roc, (("low", "low"), ("mid", "mid"), ("high", "high")))
    text = render(comparison(STEADY, plots=(base, head)), plots="mermaid")
    assert "](review/" not in text  # nothing to upload
    chart = re.search(r"```mermaid\n(.*?)```", text, re.S)
    assert chart is not None
    lines = [line for line in chart.group(1).splitlines() if line.strip().startswith("line [")]
    assert len(lines) == 2  # base and PR
    matrix = table_with(text, "actual \\ predicted")
    assert [r["actual \\ predicted"] for r in matrix] == ["**high**", "**low**", "**mid**"]
    assert row(matrix, "actual \\ predicted", "**mid**")["mid"] == "0 → **1**"
    assert row(matrix, "actual \\ predicted", "**mid**")["high"] == "1 → **0**"
    assert "base → PR where they differ" in text


def test_identical_confusion_matrices_say_so() -> None:
    text = render(comparison(STEADY), plots="mermaid")
    assert "the same as the base" in text
    assert "→" not in "".join(r["1"] for r in table_with(text, "actual \\ predicted"))


def test_artifact_mode_links_the_run_and_uploads_nothing() -> None:
    compared = comparison(STEADY)
    verdict = check_gates(compared.metrics, parse_gates(GATES, "p"), "p")
    url = "https://github.com/o/r/actions/runs/1#artifacts"
    text = render_review(
        compared, verdict, plots="artifact", links=PlotLinks("review/c.png", "review/r.png", url)
    )
    assert f"[this run's artifacts]({url})" in text
    assert "![" not in text


def test_no_gates_configured_is_said_plainly() -> None:
    text = render(comparison(STEADY), gates={})
    assert text.splitlines()[2].startswith("⚪ **No quality gates configured**")
    assert "### Quality gate" not in text


def test_param_values_with_pipes_do_not_break_the_table() -> None:
    text = render(comparison(STEADY, params=(ParamChange("data.source", "a|b.csv", "c.csv"),)))
    assert table_with(text, "param")[0]["base"] == "`a\\|b.csv`"


def test_footer_names_both_commits_and_the_command() -> None:
    text = render(comparison(STEADY))
    footer = text.splitlines()[-1]
    assert "Base `main` @ `aaaaaaa` · head `bbbbbbb`" in footer
    assert "mlgate report --base aaaaaaa" in footer


def test_data_derived_text_cannot_inject_links_or_html() -> None:
    evil = "[x](/proc/self/environ)"
    plots = PlotData(BINARY_PLOTS.roc, ((evil, evil), ("<img src=x>", evil)))
    change = DataChange("data/a`b|c.csv", "added", None, "1" * 32, None, None)
    text = render(comparison(STEADY, plots=(plots, plots), data=(change,)), plots="mermaid")
    assert "](/proc" not in text.replace("\\](", "")
    assert "<img" not in text.replace("\\<img", "")
    assert "**\\[x\\](/proc/self/environ)**" in text  # shown literally, as escaped text
    assert table_with(text, "DVC-tracked path")[0]["DVC-tracked path"] == "`` data/a`b\\|c.csv ``"


def test_skipped_gates_are_counted_in_the_metric_row() -> None:
    first = {name: (None, head) for name, (_, head) in STEADY.items()}
    text = render(comparison(first, plots=(None, BINARY_PLOTS)))
    assert row(table_with(text, "Δ"), "metric", "ROC AUC")["gate"] == "✅ 0/1 (1 skipped)"
