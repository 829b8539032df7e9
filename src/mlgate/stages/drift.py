"""The drift stage: the test split against the training split, as production monitoring will
compare batches (JSON summary in git, Evidently's HTML for people). The target and the model's
predictions on both splits are tested too, each on its own line (not in the features' drift
share: see `mlgate.monitor.drift_check`), and the report shows the model's quality for its task.

The training split's predictions are in-sample: on small, noisy data a tree ensemble's spread
there is wider than on the test split, so the predictions line can read higher than the features'
(on scikit-learn's 442-row diabetes data: 0.15 with the default boosting, 0.17-0.23 with the
former default forest; the threshold is 0.25)."""

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
    from mlgate.files import read_bytes, read_parquet_rows, write_bytes_atomic, write_json
    from mlgate.monitor.drift_check import PREDICTION, check_drift, sample_positions
    from mlgate.monitor.report import render_drift_html

    schema = validated_schema(VALIDATION_REPORT)
    # Only the rows compared become frames, and the model predicts only those: the samples are
    # `drift_samples`' rows (at 1M rows, predicting all of them was 5 s of the stage; at 10M
    # the whole splits took 4.3 GB).
    sampling = config.drift.sampling
    reference, reference_rows = read_parquet_rows(
        TRAIN_SPLIT,
        "split",
        lambda rows: sample_positions(rows, sampling.max_reference_rows, sampling.seed),
    )
    current, current_rows = read_parquet_rows(
        TEST_SPLIT,
        "split",
        lambda rows: sample_positions(rows, sampling.max_current_rows, sampling.seed),
    )
    rows = (reference_rows, current_rows)
    model = trained_model(config, read_bytes(MODEL, "train"), schema.task)
    features = list(schema.features)
    reference = reference.assign(**{PREDICTION: model.predict(reference.loc[:, features])})
    current = current.assign(**{PREDICTION: model.predict(current.loc[:, features])})
    summary = check_drift(reference, current, schema, config.drift, rows=rows)
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
    outputs = "".join(
        f", {role} drifted"
        for role, drift in (("target", summary.target), ("predictions", summary.prediction))
        if drift is not None and drift.drifted
    )
    return (
        f"{verdict}: {len(summary.drifted_columns)}/{len(summary.columns)} columns{outputs} "
        f"→ {DRIFT_SUMMARY}, {DRIFT_HTML}"
    )
