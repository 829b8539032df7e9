"""The evaluate stage: the model and a dummy baseline scored on the test split, plus the plots'
data (DVC plots: curves and confusion for a classifier, predicted-vs-actual and residuals for a
regressor), the permutation importance (a chart, and its numbers for the card) and the per-row
predictions (reports/predictions.parquet, DVC-cached) the review's intervals resample."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlgate.layout import (
    IMPORTANCE_DATA,
    IMPORTANCE_PLOT,
    METRICS,
    MODEL,
    PLOTS,
    PREDICTIONS,
    TASK_PLOTS,
    TEST_SPLIT,
    TRAIN_SPLIT,
    VALIDATION_REPORT,
)
from mlgate.stages.model_input import trained_model
from mlgate.stages.progress import Progress, quietly
from mlgate.stages.schema_input import validated_schema

if TYPE_CHECKING:
    from mlgate.config import Params
    from mlgate.model.evaluation import Evaluation
    from mlgate.model.regression_evaluation import RegressionEvaluation

# The two scores the stage's one-line summary names.
HEADLINE = {"classification": ("accuracy", "roc_auc"), "regression": ("rmse", "r2")}


def run(config: Params, progress: Progress = quietly) -> str:
    """Score everything first, then write every output (the other task's plots removed)."""
    from mlgate.data.schema import resolve_positive_label
    from mlgate.errors import ModelConfigError
    from mlgate.files import read_bytes, read_parquet, write_bytes_atomic, write_json
    from mlgate.model.evaluation import (
        IMPORTANCE_SCORING,
        evaluate_model,
        fit_baseline,
        importance_rows,
        render_importance_png,
    )
    from mlgate.model.predictions import predict_rows
    from mlgate.model.regression_evaluation import evaluate_regressor
    from mlgate.model.scores import SCORE_LABELS

    schema = validated_schema(VALIDATION_REPORT)
    try:
        strategy = config.model.baseline_for(schema.task)
    except ValueError as exc:
        raise ModelConfigError(str(exc)) from None
    # The baseline needs the training split's target only (at 10M rows the features are 2 GB).
    train_target = read_parquet(TRAIN_SPLIT, "split", columns=[schema.target])
    test_frame = read_parquet(TEST_SPLIT, "split")
    model = trained_model(config, read_bytes(MODEL, "train"), schema.task)
    baseline = fit_baseline(train_target, schema, strategy, config.data.seed)
    repeats, max_rows = config.model.importance_repeats, config.model.importance_max_rows
    result: Evaluation | RegressionEvaluation
    positive = None
    with progress(f"evaluating on {len(test_frame)} rows"):
        if schema.task == "regression":
            result = evaluate_regressor(
                model,
                baseline,
                test_frame,
                schema,
                importance_repeats=repeats,
                importance_max_rows=max_rows,
                seed=config.data.seed,
            )
        else:
            positive = resolve_positive_label(schema.labels, config.data.positive_label)
            result = evaluate_model(
                model,
                baseline,
                test_frame,
                schema,
                positive_label=positive,
                importance_repeats=repeats,
                importance_max_rows=max_rows,
                seed=config.data.seed,
            )
        predictions = predict_rows(model, test_frame, schema, positive)
        png = render_importance_png(result.importance, IMPORTANCE_SCORING[schema.task][1])
    for other in (path for paths in TASK_PLOTS.values() for path in paths):
        other.unlink(missing_ok=True)  # a previous run's other task
    for name, rows in result.plots().items():
        write_json(PLOTS / name, rows)
    write_bytes_atomic(IMPORTANCE_PLOT, png)
    write_json(IMPORTANCE_DATA, importance_rows(result.importance))
    write_json(METRICS, result.metrics)
    write_bytes_atomic(PREDICTIONS, predictions.to_parquet_bytes())
    first, second = HEADLINE[schema.task]
    model_scores, baseline_scores = result.metrics["model"], result.metrics["baseline"]
    return (
        f"{SCORE_LABELS[first]} {model_scores[first]:.4f}, "
        f"{SCORE_LABELS[second]} {model_scores[second]:.4f} "
        f"(baseline {SCORE_LABELS[first]} {baseline_scores[first]:.4f}) → {METRICS}"
    )
