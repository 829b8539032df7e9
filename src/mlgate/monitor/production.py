"""`mlgate monitor`'s work: a production batch against the training data, conformed to the
schema first, written as a JSON summary and Evidently's HTML report beside it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mlgate.layout import VALIDATION_REPORT

if TYPE_CHECKING:
    from mlgate.config import Params
    from mlgate.monitor.drift_check import DriftSummary


def check_production_batch(
    config: Params, current: str, reference: Path, out: Path
) -> DriftSummary:
    """The batch's drift summary; `out` and `out`.html are written only when all went well."""
    from mlgate.files import read_parquet, write_bytes_atomic, write_json
    from mlgate.monitor.batches import check_batch_size, conform_batch, load_batch
    from mlgate.monitor.drift_check import check_drift
    from mlgate.monitor.report import render_drift_html
    from mlgate.stages.schema_input import validated_schema

    schema = validated_schema(VALIDATION_REPORT)
    batch = conform_batch(load_batch(current, schema.categorical), schema, current)
    check_batch_size(batch, current)
    base = conform_batch(read_parquet(reference, "split"), schema, str(reference))
    summary = check_drift(base, batch, schema, config.drift)
    html = render_drift_html(base, batch, schema, config.drift)
    write_bytes_atomic(out.with_suffix(".html"), html.encode())
    # A presigned URL's signature is a credential: the summary (and CI logs) keep the path.
    shown = current.split("?", 1)[0] if "://" in current else current
    write_json(out, summary.to_json_dict() | {"current": shown, "reference": str(reference)})
    return summary


def describe(summary: DriftSummary) -> tuple[str, str]:
    """The share line (`3/30 columns drifted (10%, limit 50%)`) and a note when rows were
    sampled."""
    sampled = ""
    if (
        summary.current_used < summary.current_rows
        or summary.reference_used < summary.reference_rows
    ):
        sampled = (
            f" (sampled {summary.current_used:,} of {summary.current_rows:,} current and "
            f"{summary.reference_used:,} of {summary.reference_rows:,} reference rows)"
        )
    columns = len(summary.columns)
    drifted = len(summary.drifted_columns)
    limit = f"limit {summary.drift_share:.0%}"
    return f"{drifted}/{columns} columns drifted ({summary.share:.0%}, {limit})", sampled
