"""The evaluate stage: the model and a dummy baseline scored on the test split, plus the plots'
data (DVC plots) and the permutation importance chart."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlgate.layout import (
    CONFUSION_PLOT,
    IMPORTANCE_PLOT,
    METRICS,
    MODEL,
    PRECISION_RECALL_PLOT,
    ROC_PLOT,
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
    """Score everything first, then write every output."""
    from mlgate.data.schema import resolve_positive_label
    from mlgate.files import read_bytes, read_parquet, write_bytes_atomic, write_json
    from mlgate.model.evaluation import evaluate_model, fit_baseline, render_importance_png

    schema = validated_schema(VALIDATION_REPORT)
    train_frame = read_parquet(TRAIN_SPLIT, "split")
    test_frame = read_parquet(TEST_SPLIT, "split")
    model = trained_model(config, read_bytes(MODEL, "train"), schema.task)
    baseline = fit_baseline(train_frame, schema, config.model.baseline, config.data.seed)
    with progress(f"evaluating on {len(test_frame)} rows"):
        result = evaluate_model(
            model,
            baseline,
            test_frame,
            schema,
            positive_label=resolve_positive_label(schema.labels, config.data.positive_label),
            importance_repeats=config.model.importance_repeats,
            importance_max_rows=config.model.importance_max_rows,
            seed=config.data.seed,
        )
        png = render_importance_png(result.importance)
    write_json(CONFUSION_PLOT, result.confusion)
    write_json(ROC_PLOT, result.roc)
    write_json(PRECISION_RECALL_PLOT, result.precision_recall)
    write_bytes_atomic(IMPORTANCE_PLOT, png)
    write_json(METRICS, result.metrics)
    scores = result.metrics["model"]
    return (
        f"accuracy {scores['accuracy']:.4f}, ROC AUC {scores['roc_auc']:.4f} "
        f"(baseline {result.metrics['baseline']['accuracy']:.4f}) → {METRICS}"
    )
