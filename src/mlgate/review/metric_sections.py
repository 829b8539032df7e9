"""The review's headline, metrics table and gate table: how each score moved and what the gate
made of it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from mlgate.markdown import inert_text as _text
from mlgate.markdown import table as _table
from mlgate.model.scores import SCORE_LABELS
from mlgate.review.changes import Comparison, MetricChange
from mlgate.review.gate_verdict import KIND_LABELS, GateVerdict


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
    note = verdict.not_applicable_note()
    if not verdict.results:
        return f"### Quality gate\n\n{note}" if note else ""
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
            f"Gates read from {verdict.source}." + (f" {note}" if note else ""),
            _table(
                ["gate", "metric", "requirement", "result", "detail"],
                [":--", ":--", ":--", ":--", ":--"],
                rows,
            ),
        ]
    )
