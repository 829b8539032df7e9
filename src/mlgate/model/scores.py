"""The scores the evaluate stage writes, which way is better for each, and which task has which.

Kept free of heavy imports: the config (gate keys) and the review (▲/▼) read it too.
"""

from __future__ import annotations

from typing import Literal

Direction = Literal["higher", "lower"]
TaskName = Literal["classification", "regression"]  # mlgate.data.feature_schema.Task

SCORE_DIRECTIONS: dict[str, Direction] = {
    "accuracy": "higher",
    "precision": "higher",
    "recall": "higher",
    "f1": "higher",
    "roc_auc": "higher",
    "log_loss": "lower",
    "rmse": "lower",
    "mae": "lower",
    "r2": "higher",
    "mape": "lower",
}

ScoreName = Literal[
    "accuracy", "precision", "recall", "f1", "roc_auc", "log_loss", "rmse", "mae", "r2", "mape"
]
# A setting that names a score, or `auto`: the task's default (DEFAULT_SCORE).
ScoreChoice = Literal[ScoreName, "auto"]

SCORE_LABELS: dict[str, str] = {
    "accuracy": "accuracy",
    "precision": "precision",
    "recall": "recall",
    "f1": "F1",
    "roc_auc": "ROC AUC",
    "log_loss": "log loss",
    "rmse": "RMSE",
    "mae": "MAE",
    "r2": "R²",
    "mape": "MAPE",
}

TASK_SCORES: dict[TaskName, tuple[ScoreName, ...]] = {
    "classification": ("accuracy", "precision", "recall", "f1", "roc_auc", "log_loss"),
    "regression": ("rmse", "mae", "r2", "mape"),
}
# What `auto` means where one score ranks things (sweeps, slices): scale-free where it can be.
DEFAULT_SCORE: dict[TaskName, ScoreName] = {"classification": "roc_auc", "regression": "rmse"}


def task_of_score(score: str) -> TaskName | None:
    """The task whose evaluation writes this score (None: not a score of either)."""
    return next((task for task, names in TASK_SCORES.items() if score in names), None)


def resolve_score(choice: str, task: TaskName, default: ScoreName | None = None) -> ScoreName:
    """`auto` → the task's default; a named score must be one the task's evaluation writes."""
    if choice == "auto":
        return default or DEFAULT_SCORE[task]
    if choice not in TASK_SCORES[task]:
        raise ValueError(
            f"{choice} is not a {task} score (expected one of {', '.join(TASK_SCORES[task])}, "
            "or auto)"
        )
    return choice


def direction_of(score: str) -> Direction | None:
    """Which way is better: known scores, then losses and errors (lower); None for counts and
    other metrics whose better direction nobody declared (e.g. test_rows)."""
    known = SCORE_DIRECTIONS.get(score)
    if known is not None:
        return known
    return "lower" if score.endswith(("loss", "error")) else None
