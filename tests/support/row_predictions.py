"""Crafted per-row predictions (mlgate.model.predictions.RowPredictions) for the review's
interval and gate tests: a binary classifier right on a chosen set of rows, or a regressor with
chosen errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mlgate.model.predictions import RowPredictions
from tests.support.shell import git


def classifier_rows(
    correct: np.ndarray, target: np.ndarray, row_ids: np.ndarray | None = None
) -> RowPredictions:
    """Binary labels 0/1 (positive 1): right where `correct`, 0.8 sure of what it predicts."""
    target = np.asarray(target, dtype=np.int64)
    predicted = np.where(correct, target, 1 - target)
    proba = np.column_stack(
        [np.where(predicted == 0, 0.8, 0.2), np.where(predicted == 1, 0.8, 0.2)]
    )
    ids = np.arange(len(target), dtype=np.int64) if row_ids is None else row_ids
    return RowPredictions("classification", ids, target, predicted, (0, 1), 1, proba)


def regressor_rows(target: np.ndarray, errors: np.ndarray) -> RowPredictions:
    """Predictions `target + errors`."""
    target = np.asarray(target, dtype=float)
    ids = np.arange(len(target), dtype=np.int64)
    return RowPredictions("regression", ids, target, target + errors)


def lock_predictions(root: Path, rows: RowPredictions, *, cached: bool = True) -> str:
    """What `dvc repro` leaves for the evaluate stage's predictions, committed: the stage in
    dvc.yaml, a dvc.lock that records reports/predictions.parquet by md5 and (when `cached`) the
    file in the DVC cache.
    Returns the commit."""
    import hashlib

    import yaml

    from mlgate.vcs.dvc import open_repo

    body = rows.to_parquet_bytes()
    md5 = hashlib.md5(body).hexdigest()
    out = {"path": "reports/predictions.parquet", "hash": "md5", "md5": md5, "size": len(body)}
    lock = {"schema": "2.0", "stages": {"evaluate": {"cmd": "mlgate evaluate", "outs": [out]}}}
    (root / "dvc.lock").write_text(yaml.safe_dump(lock))
    stage = {"cmd": "mlgate evaluate", "outs": ["reports/predictions.parquet"]}
    (root / "dvc.yaml").write_text(yaml.safe_dump({"stages": {"evaluate": stage}}))
    if cached:
        cache = Path(open_repo(root).cache.local.oid_to_path(md5))
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(body)
    git(root, "add", "dvc.lock", "dvc.yaml")
    git(root, "commit", "-qm", "lock")
    return git(root, "rev-parse", "HEAD")
