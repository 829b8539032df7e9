"""Where everything lives, once: the pipeline's files (as dvc.yaml declares them) and the files
the commands around it read and write. Paths are relative to the project root.

tests/test_layout.py checks that dvc.yaml's outs, metrics and plots are exactly PIPELINE_OUTPUTS,
so a path renamed here and not there (or the reverse) fails a test instead of a pipeline run.
"""

from __future__ import annotations

from pathlib import Path

PARAMS = Path("params.yaml")
LOCK = Path("dvc.lock")
DATA = Path("data")  # DVC-tracked data (sources, raw data, splits) lives under it

# environment: the runtime packages uv.lock pins (every other stage depends on the record)
UV_LOCK = Path("uv.lock")
PYTHON_VERSION = Path(".python-version")  # the Python CI runs the pipeline with
ENVIRONMENT = Path("reports/environment.json")
# ingest
EXTERNAL_DATA = Path("data/external")  # local sources (a dependency of ingest)
RAW_DATA = Path("data/raw/data.parquet")
# validate
VALIDATION_REPORT = Path("reports/data_validation.json")
# split
TRAIN_SPLIT = Path("data/processed/train.parquet")  # also the reference data for drift checks
TEST_SPLIT = Path("data/processed/test.parquet")
# train
MODEL = Path("models/model.skops")
# evaluate
METRICS = Path("reports/metrics.json")
PLOTS = Path("reports/plots")  # one output: which files it holds depends on the task
CONFUSION_PLOT = PLOTS / "confusion.json"  # classification
ROC_PLOT = PLOTS / "roc.json"  # classification
PRECISION_RECALL_PLOT = PLOTS / "precision_recall.json"  # classification
PREDICTED_PLOT = PLOTS / "predicted_vs_actual.json"  # regression
RESIDUALS_PLOT = PLOTS / "residuals.json"  # regression (against the prediction)
IMPORTANCE_PLOT = PLOTS / "feature_importance.png"
# [{"feature": name, "importance": mean score drop when shuffled}], strongest first (the card
# bins the strongest numeric features when card.slices.numeric_bins is auto)
IMPORTANCE_DATA = PLOTS / "importance.json"
# One row per test row: id, target, prediction (and class probabilities); DVC-cached, not in git
PREDICTIONS = Path("reports/predictions.parquet")
TASK_PLOTS = {
    "classification": (CONFUSION_PLOT, ROC_PLOT, PRECISION_RECALL_PLOT),
    "regression": (PREDICTED_PLOT, RESIDUALS_PLOT),
}
# card
MODEL_CARD = Path("reports/model_card.md")
SLICES = Path("reports/slices.json")
# drift
DRIFT_SUMMARY = Path("reports/drift.json")
DRIFT_HTML = Path("reports/drift.html")  # for people; not a DVC output (it embeds run ids)

PIPELINE_OUTPUTS: dict[str, tuple[Path, ...]] = {
    "environment": (ENVIRONMENT,),
    "ingest": (RAW_DATA,),
    "validate": (VALIDATION_REPORT,),
    "split": (TRAIN_SPLIT, TEST_SPLIT),
    "train": (MODEL,),
    "evaluate": (METRICS, PLOTS, PREDICTIONS),
    "card": (MODEL_CARD, SLICES),
    "drift": (DRIFT_SUMMARY,),
}

# What the review reads at the base beyond git: DVC-cached outputs (`mlgate fetch-base`).
BASE_REVIEW_OUTPUTS: tuple[Path, ...] = (MODEL, PREDICTIONS)

# Outside the pipeline: the review, production monitoring, retraining.
REVIEW = Path("reports/review.md")
GATE = Path("reports/gate.json")
MONITOR_SUMMARY = Path("reports/monitor/drift.json")
PRODUCTION_BATCH = Path("data/production/batch.parquet")
TRAINING_DATA = Path("data/external/training.parquet")  # labelled batches appended here
