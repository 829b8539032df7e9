"""The review's drift section: which columns drift (test split against training), base vs PR."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlgate.markdown import code_span as _code


def _drifted(summary: Mapping[str, Any] | None) -> set[str]:
    return set(summary.get("drifted_columns", [])) if summary else set()


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
    if html_link:
        parts.append(f"Evidently's full report: `reports/drift.html` in {html_link}.")
    return "\n\n".join(parts)
