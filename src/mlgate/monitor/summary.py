"""The drift summary as markdown: the job summary of the monitor workflow and the drift issue."""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def _escape(value: object) -> str:
    """Column names come from the batch: no HTML, no broken tables."""
    return html.escape(str(value)).replace("|", "\\|")


def render_drift_summary(summary: Mapping[str, Any], batch_id: str = "") -> str:
    drifted = list(summary.get("drifted_columns", []))
    columns: Mapping[str, Mapping[str, Any]] = summary.get("columns", {})
    rows = summary.get("rows", {})
    verdict = "🔴 drift" if summary.get("drifted") else "🟢 no drift"
    title = f"## {verdict} in production batch {_escape(batch_id)}".rstrip()
    lines = [
        title,
        "",
        f"{len(drifted)}/{len(columns)} columns drifted ({summary.get('share', 0):.0%}; limit "
        f"{summary.get('drift_share', 0):.0%}); {rows.get('current', 0):,} rows against "
        f"{rows.get('reference', 0):,} (compared: {rows.get('current_compared', 0):,} and "
        f"{rows.get('reference_compared', 0):,}).",
    ]
    if drifted:
        lines += ["", "| column | test | statistic | threshold |", "| :-- | :-- | --: | --: |"]
        for name in drifted:
            column = columns.get(name, {})
            lines.append(
                f"| {_escape(name)} | {_escape(column.get('method', '—'))} | "
                f"{float(column.get('statistic', float('nan'))):.4g} | "
                f"{_escape(column.get('threshold', '—'))} |"
            )
    return "\n".join(lines) + "\n"


def write_drift_summary(summary: Path, batch_id: str, step_summary: str | None) -> Path:
    """drift.md beside the JSON summary, appended to the job summary file when there is one."""
    from mlgate.files import read_json, write_bytes_atomic

    markdown = render_drift_summary(read_json(summary, "mlgate monitor"), batch_id)
    written = summary.with_name("drift.md")
    write_bytes_atomic(written, markdown.encode())
    if step_summary:
        with open(step_summary, "a", encoding="utf-8") as stream:
            stream.write(markdown)
    return written
