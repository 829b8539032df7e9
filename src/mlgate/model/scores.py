"""The scores the evaluate stage writes, and which way is better for each.

Kept free of heavy imports: the config (gate keys) and the review (▲/▼) read it too.
"""

from __future__ import annotations

from typing import Literal

Direction = Literal["higher", "lower"]

SCORE_DIRECTIONS: dict[str, Direction] = {
    "accuracy": "higher",
    "precision": "higher",
    "recall": "higher",
    "f1": "higher",
    "roc_auc": "higher",
    "log_loss": "lower",
}

ScoreName = Literal["accuracy", "precision", "recall", "f1", "roc_auc", "log_loss"]

SCORE_LABELS: dict[str, str] = {
    "accuracy": "accuracy",
    "precision": "precision",
    "recall": "recall",
    "f1": "F1",
    "roc_auc": "ROC AUC",
    "log_loss": "log loss",
}


def direction_of(score: str) -> Direction | None:
    """Which way is better: known scores, then losses and errors (lower); None for counts and
    other metrics whose better direction nobody declared (e.g. test_rows)."""
    known = SCORE_DIRECTIONS.get(score)
    if known is not None:
        return known
    return "lower" if score.endswith(("loss", "error")) else None
