"""The drift stage: the test split against the training split, as production monitoring will
compare batches (JSON summary in git, Evidently's HTML for people, with the model's predictions
so the report shows classification quality too)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlgate.layout import (
    DRIFT_HTML,
    DRIFT_SUMMARY,
    MODEL,
    TEST_SPLIT,
    TRAIN_SPLIT,
    VALIDATION_REPORT,
)
from mlgate.stages.model_input import trained_model
from mlgate.stages.progress import Progress, quietly
from mlgate.stages.schema_input import validated_schema

if TYPE_CHECKING:
    from mlgate.config import Params


def run(config: Params, progress: Progress = quietly) -> str:
    """Test both columns and predictions; the summary is the stage's metric."""
    from mlgate.data.schema import resolve_positive_label
    from mlgate.files import read_bytes, read_parquet, write_bytes_atomic, write_json
    from mlgate.monitor.drift_check import check_drift
    from mlgate.monitor.report import render_drift_html

    schema = validated_schema(VALIDATION_REPORT)
    reference = read_parquet(TRAIN_SPLIT, "split")
    current = read_parquet(TEST_SPLIT, "split")
    summary = check_drift(reference, current, schema, config.drift)
    model = trained_model(config, read_bytes(MODEL, "train"), schema.task)
    features = list(schema.features)
    reference = reference.assign(prediction=model.predict(reference.loc[:, features]))
    current = current.assign(prediction=model.predict(current.loc[:, features]))
    with progress("rendering the Evidently report"):
        positive = resolve_positive_label(schema.labels, config.data.positive_label)
        html = render_drift_html(
            reference,
            current,
            schema,
            config.drift,
            labelled=True,
            positive_label=None if positive is None else str(positive),
        )
    write_bytes_atomic(DRIFT_HTML, html.encode())
    write_json(DRIFT_SUMMARY, summary.to_json_dict())
    verdict = "drift" if summary.drifted else "no drift"
    return (
        f"{verdict}: {len(summary.drifted_columns)}/{len(summary.columns)} columns "
        f"→ {DRIFT_SUMMARY}, {DRIFT_HTML}"
    )
