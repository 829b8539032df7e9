"""The review's drift section: which columns drift (test split against training), base vs PR,
then the target and the model's predictions on their own rows (they are not in the columns'
share). A base summary from before they were tested shows "—" for them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlgate.markdown import code_span as _code

OUTPUTS = (("target", "target"), ("prediction", "predictions"))


def _drifted(summary: Mapping[str, Any] | None) -> set[str]:
    return set(summary.get("drifted_columns", [])) if summary else set()


def _state(summary: Mapping[str, Any] | None, role: str) -> str:
    tested = summary.get(role) if summary else None
    if not isinstance(tested, Mapping):
        return "—"
    return "drifted" if tested.get("drifted") else "ok"


def _outputs_table(base: Mapping[str, Any] | None, head: Mapping[str, Any]) -> str:
    """Target and predictions, PR beside base; empty when the PR's summary has neither."""
    rows = []
    for role, title in OUTPUTS:
        tested = head.get(role)
        if not isinstance(tested, Mapping):
            continue
        name = f"{title} {_code(str(tested.get('column', '')))}" if role == "target" else title
        rows.append(
            f"| {name} | {tested.get('method', '—')} | "
            f"{tested.get('statistic', float('nan')):.4f} | {tested.get('threshold', '—')} | "
            f"{_state(head, role)} | {_state(base, role)} |"
        )
    if not rows:
        return ""
    header = [
        "The target and the model's predictions, on their own (not in the share above):",
        "",
        "| tested | test | statistic | threshold | PR | base |",
        "| :-- | :-- | --: | --: | :-- | :-- |",
    ]
    return "\n".join(header + rows)


def drift_section(
    base: Mapping[str, Any] | None, head: Mapping[str, Any] | None, html_link: str | None
) -> str:
    """Markdown for the review; empty when the PR has no drift summary."""
    if head is None:
        return ""
    columns: Mapping[str, Mapping[str, Any]] = head.get("columns", {})
    now, before = _drifted(head), _drifted(base)
    verdict = "🔴 the data drifted" if head.get("drifted") else "🟢 no drift"
    share = f"{len(now)}/{len(columns)} columns drifted (limit {head.get('drift_share', 0):.0%})"
    parts = ["### Drift", f"{verdict}: {share}, test split against training."]
    shown = sorted(now | before)
    if shown:
        rows = [
            "| column | test | statistic | threshold | PR | base |",
            "| :-- | :-- | --: | --: | :-- | :-- |",
        ]
        for name in shown:
            column = columns.get(name, {})
            rows.append(
                f"| {_code(name)} | {column.get('method', '—')} | "
                f"{column.get('statistic', float('nan')):.4f} | {column.get('threshold', '—')} | "
                f"{'drifted' if name in now else 'ok'} | "
                f"{'—' if base is None else ('drifted' if name in before else 'ok')} |"
            )
        parts.append("\n".join(rows))
    outputs = _outputs_table(base, head)
    if outputs:
        parts.append(outputs)
    if html_link:
        parts.append(f"Evidently's full report: `reports/drift.html` in {html_link}.")
    return "\n\n".join(parts)
