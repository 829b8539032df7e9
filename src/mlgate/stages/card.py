"""The card stage: per-slice scores (reports/slices.json, read by the worst_slice gate) and the
model card (reports/model_card.md), both from the data, params and model only, so reruns are
byte-identical.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from mlgate.layout import (
    IMPORTANCE_DATA,
    METRICS,
    MODEL,
    MODEL_CARD,
    RAW_DATA,
    SLICES,
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
    """Read the pipeline's outputs, score every slice, write both files (nothing on an error)."""
    import pandas as pd

    from mlgate.data.schema import resolve_positive_label
    from mlgate.files import (
        md5_of,
        parquet_shape,
        read_bytes,
        read_json,
        read_parquet,
        write_bytes_atomic,
        write_json,
    )
    from mlgate.model.card_markdown import CardFacts, TrainingData, render_model_card
    from mlgate.model.card_slices import slice_label
    from mlgate.model.card_target import summarise_target
    from mlgate.model.scores import SCORE_LABELS
    from mlgate.model.slice_plan import importance_order, plan_slices, slice_metric
    from mlgate.model.slices import check_bins_columns, score_slices

    settings = config.card.slices
    schema = validated_schema(VALIDATION_REPORT)
    slice_metric(settings, schema.task)  # a wrong-task metric or column stops before any work
    check_bins_columns(settings, schema)
    raw_rows, raw_columns = parquet_shape(RAW_DATA, "ingest")  # the card states only its shape
    data_md5 = md5_of(RAW_DATA, "ingest")  # what dvc.lock records
    train = read_parquet(TRAIN_SPLIT, "split")
    test = read_parquet(TEST_SPLIT, "split")
    model_bytes = read_bytes(MODEL, "train")
    model = trained_model(config, model_bytes, schema.task)
    metrics = read_json(METRICS, "evaluate")
    importance = (
        importance_order(read_json(IMPORTANCE_DATA, "evaluate"), str(IMPORTANCE_DATA))
        if settings.auto_bins
        else ()
    )
    plan = plan_slices(settings, schema, train, importance)
    positive = (
        resolve_positive_label(schema.labels, config.data.positive_label)
        if schema.task == "classification"
        else None
    )
    with progress(f"scoring slices of {len(test)} test rows"):
        report = score_slices(model, train, test, schema, plan, positive)
    if schema.task == "regression":
        label_counts: dict[str, int] = {}
        target_summary = summarise_target(pd.concat([train[schema.target], test[schema.target]]))
    else:
        counts = (
            train[schema.target]
            .value_counts()
            .add(test[schema.target].value_counts(), fill_value=0)
        )
        classes = [c.item() if hasattr(c, "item") else c for c in model.classes_]
        label_counts = {str(label): int(counts.get(label, 0)) for label in classes}
        target_summary = None
    facts = CardFacts(
        card=config.card,
        data_config=config.data,
        model_config=config.model,
        schema=schema,
        data=TrainingData(
            rows=raw_rows,
            columns=raw_columns,
            train_rows=len(train),
            test_rows=len(test),
            label_counts=label_counts,
            md5=data_md5,
            target_summary=target_summary,
        ),
        model_md5=hashlib.md5(model_bytes).hexdigest(),
        positive_label=positive,
        metrics=metrics,
        slices=report,
        slice_plan=plan,
        lineage_params=config.model_dump(
            mode="json",
            include={
                "data": True,
                "model": {
                    "estimator": True,
                    "params": True,
                    "preprocessing": True,
                    "baseline": True,
                },
            },
        ),
    )
    markdown = render_model_card(facts)
    write_json(SLICES, report.to_json_dict())
    write_bytes_atomic(MODEL_CARD, markdown.encode())
    worst = report.worst
    if worst is None:
        summary = f"{len(report.slices)} slices, none ranked"
    else:
        where = slice_label(worst.feature, worst.name, worst.missing).replace("`", "")
        score = SCORE_LABELS[worst.metric]
        summary = f"{len(report.slices)} slices, worst {where}: {score} {worst.value:.4f}"
    return f"{summary} → {MODEL_CARD}, {SLICES}"
