"""The review as GitHub markdown: one comment a reviewer can read top to bottom.

Pure: takes the comparison and the gate verdict, returns text. Tables are plain GFM tables
so that tests (and people) can parse them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from mlgate.markdown import code_span as _code
from mlgate.markdown import inert_text as _text
from mlgate.markdown import table as _table
from mlgate.model.scores import SCORE_LABELS
from mlgate.review.changes import Comparison, DataChange, MetricChange, Shape
from mlgate.review.gates import KIND_LABELS, GateVerdict
from mlgate.review.plots import confusion_matrix, mermaid_roc, shared_labels

PlotsMode = Literal["images", "mermaid", "artifact"]
TITLE = "mlgate model review"


@dataclass(frozen=True)
class PlotLinks:
    """Where the rendered pictures are, relative to the markdown file, and the run's artifacts."""

    confusion_png: str | None = None
    roc_png: str | None = None
    artifact_url: str | None = None


def _number(value: float | None, integer: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if integer else f"{value:.4f}"


def _is_count(metric: MetricChange) -> bool:
    """Counts such as test_rows print as integers; scores always with four decimals."""
    values = [value for value in (metric.base, metric.head) if value is not None]
    return metric.group not in ("model", "baseline") and all(v.is_integer() for v in values)


def _label(metric: MetricChange) -> str:
    if metric.group == "model":
        return SCORE_LABELS.get(metric.score, metric.score)
    return metric.name


def _delta(metric: MetricChange) -> str:
    delta = metric.delta
    if delta is None or metric.movement == "unchanged":
        return "—"
    text = f"{delta:+,.0f}" if _is_count(metric) else f"{delta:+.4f}"
    return text.replace("-", "−")  # a real minus sign, as wide as the plus


def _movement(metric: MetricChange) -> str:
    delta = metric.delta or 0.0
    arrow = "▲" if delta > 0 else "▼"
    return {
        "better": f"🟢 {arrow} better",
        "worse": f"🔴 {arrow} worse",
        "changed": f"{arrow} changed",
        "unchanged": "unchanged",
        "added": "new",
        "removed": "removed",
    }[metric.movement]


def _gate_cell(verdict: GateVerdict, score: str) -> str:
    results = verdict.for_score(score)
    if not results:
        return "—"
    failed = [KIND_LABELS[result.kind] for result in results if result.status == "failed"]
    if failed:
        return f"❌ {len(failed)}/{len(results)} failed: " + ", ".join(failed)
    checked = sum(result.status == "passed" for result in results)
    skipped = len(results) - checked
    return f"✅ {checked}/{len(results)}" + (f" ({skipped} skipped)" if skipped else "")


def headline(comparison: Comparison, verdict: GateVerdict) -> str:
    """Gate verdict and the biggest metric move, in one line."""
    if not verdict.results:
        gate = "⚪ **No quality gates configured** (add a `gates:` section to params.yaml)"
    elif verdict.passed:
        gate = f"✅ **Quality gate passed** ({len(verdict.results)} gates)"
    else:
        names = ", ".join(
            f"{KIND_LABELS[result.kind]} on {SCORE_LABELS.get(result.score, result.score)}"
            for result in verdict.failures
        )
        failed = f"{len(verdict.failures)} of {len(verdict.results)} gates"
        gate = f"❌ **Quality gate failed**: {failed} ({names})"
    if not comparison.base_has_metrics:
        move = "first review: the base has no metrics yet"
    else:
        biggest = comparison.biggest_move()
        if biggest is None and comparison.metrics_changed():
            counts = Counter(m.movement for m in comparison.metrics if m.movement != "unchanged")
            move = "metrics " + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
        elif biggest is None:
            move = "no metric changes"
        else:
            move = (
                f"biggest move: {_label(biggest)} {_number(biggest.base)} → "
                f"{_number(biggest.head)} ({_delta(biggest)}, {biggest.movement})"
            )
    return f"{gate} · {move}"


def _metric_rows(metrics: Sequence[MetricChange], verdict: GateVerdict | None) -> list[list[str]]:
    rows = []
    for metric in metrics:
        integer = _is_count(metric)
        row = [
            _label(metric),
            _number(metric.base, integer),
            _number(metric.head, integer),
            _delta(metric),
            _movement(metric),
        ]
        if verdict is not None:
            row.append(_gate_cell(verdict, metric.score))
        rows.append(row)
    return rows


def _columns(comparison: Comparison) -> tuple[str, str]:
    head = "workspace" if comparison.workspace_dirty else f"`{comparison.head.short}`"
    return f"base `{comparison.base.short}`", f"PR {head}"


def metrics_section(comparison: Comparison, verdict: GateVerdict) -> str:
    base, head = _columns(comparison)
    model = [metric for metric in comparison.metrics if metric.group == "model"]
    others = [metric for metric in comparison.metrics if metric.group != "model"]
    parts = ["### Metrics"]
    if model:
        parts.append(
            _table(
                ["metric", base, head, "Δ", "change", "gate"],
                [":--", "--:", "--:", "--:", ":--", ":--"],
                _metric_rows(model, verdict),
            )
        )
    else:
        parts.append("The workspace has no model metrics: run `dvc repro` first.")
    if others:
        parts.append(
            "<details><summary>Dummy baseline and other metrics</summary>\n\n"
            + _table(
                ["metric", base, head, "Δ", "change"],
                [":--", "--:", "--:", "--:", ":--"],
                _metric_rows(others, None),
            )
            + "\n\n</details>"
        )
    return "\n\n".join(parts)


def gate_section(verdict: GateVerdict) -> str:
    if not verdict.results:
        return ""
    rows = [
        [
            KIND_LABELS[result.kind],
            SCORE_LABELS.get(result.score, result.score),
            _text(result.requirement),
            {"passed": "✅ pass", "failed": "❌ fail", "skipped": "⚪ skip"}[result.status],
            _text(result.detail),
        ]
        for result in verdict.results
    ]
    return "\n\n".join(
        [
            "### Quality gate",
            f"Gates read from {verdict.source}.",
            _table(
                ["gate", "metric", "requirement", "result", "detail"],
                [":--", ":--", ":--", ":--", ":--"],
                rows,
            ),
        ]
    )


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


def footer(comparison: Comparison) -> str:
    base, head = comparison.base, comparison.head
    dirty = " + uncommitted changes" if comparison.workspace_dirty else ""
    command = f"git checkout {head.short} && make run && mlgate report --base {base.short}"
    return (
        "---\n"
        f"<sub>Base {_code(base.name)} @ `{base.short}` · head `{head.short}`{dirty} · "
        f"reproduce locally: `{command}`</sub>"
    )


def render_review(
    comparison: Comparison,
    verdict: GateVerdict,
    *,
    plots: PlotsMode,
    links: PlotLinks,
    extra_sections: Sequence[str] = (),
) -> str:
    """The whole comment. `extra_sections` is where later checks (drift) add their part."""
    unchanged = (
        comparison.base_has_metrics
        and not comparison.metrics_changed()
        and not comparison.params
        and not comparison.data
    )
    sections = [
        f"## {TITLE}",
        headline(comparison, verdict),
        (
            "No changes: metrics, params and DVC-tracked data are identical to the base."
            if unchanged
            else ""
        ),
        metrics_section(comparison, verdict),
        gate_section(verdict),
        params_section(comparison),
        data_section(comparison),
        plots_section(comparison, plots, links),
        *extra_sections,
        footer(comparison),
    ]
    return "\n\n".join(section for section in sections if section) + "\n"
