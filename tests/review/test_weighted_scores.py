"""The bootstrap's vectorised scores equal scikit-learn's (the evaluate stage's) on the rows
each resample draws: with unit weights, and with draw counts as sample weights."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics

from mlgate.model.predictions import RowPredictions
from mlgate.model.scores import TASK_SCORES
from mlgate.review.row_scores import score_rows
from mlgate.review.weighted_scores import weighted_scores


def _classifier(labels: tuple[object, ...], rows: int = 60, seed: int = 0) -> RowPredictions:
    rng = np.random.default_rng(seed)
    target = np.array(labels)[rng.integers(0, len(labels), rows)]
    raw = rng.random((rows, len(labels))) + np.eye(len(labels))[
        [labels.index(value) for value in target]
    ] * rng.random((rows, 1))
    proba = np.round(raw / raw.sum(axis=1, keepdims=True), 2)  # rounding makes ties
    proba /= proba.sum(axis=1, keepdims=True)
    predicted = np.array(labels)[proba.argmax(axis=1)]
    positive = labels[-1] if len(labels) == 2 else None
    return RowPredictions(
        "classification", np.arange(rows), target, predicted, labels, positive, proba
    )


def _regressor(rows: int = 60, seed: int = 0) -> RowPredictions:
    rng = np.random.default_rng(seed)
    target = rng.normal(50, 10, rows)
    return RowPredictions("regression", np.arange(rows), target, target + rng.normal(0, 4, rows))


CASES = [
    pytest.param(_classifier((0, 1)), id="binary"),
    pytest.param(_classifier(("cat", "dog", "owl")), id="multiclass"),
    pytest.param(_regressor(), id="regression"),
]


@pytest.mark.parametrize("rows", CASES)
def test_unit_weights_give_the_evaluate_stages_scores(rows: RowPredictions) -> None:
    for metric in TASK_SCORES[rows.task]:
        expected = score_rows(rows, metric)
        (got,) = weighted_scores(rows, metric, np.ones((1, len(rows))))
        assert expected is not None
        assert round(float(got), 6) == pytest.approx(expected, abs=2e-6), metric


@pytest.mark.parametrize("rows", CASES)
def test_draw_counts_score_the_resampled_rows(rows: RowPredictions) -> None:
    rng = np.random.default_rng(3)
    drawn = rng.integers(0, len(rows), len(rows))
    counts = np.bincount(drawn, minlength=len(rows)).astype(float)
    resampled = rows.subset(drawn)
    for metric in TASK_SCORES[rows.task]:
        expected = score_rows(resampled, metric)
        (got,) = weighted_scores(rows, metric, counts[None, :])
        assert expected is not None
        assert round(float(got), 6) == pytest.approx(expected, abs=2e-6), metric


def test_roc_auc_is_undefined_on_a_resample_with_one_class() -> None:
    rows = _classifier((0, 1))
    only_first = np.zeros((1, len(rows)))
    only_first[0, 0] = len(rows)
    (auc,) = weighted_scores(rows, "roc_auc", only_first)
    assert np.isnan(auc)


def test_weighted_auc_matches_scikit_learns_sample_weights() -> None:
    rows = _classifier((0, 1), rows=40, seed=5)
    weights = np.random.default_rng(1).integers(0, 4, len(rows)).astype(float)
    assert rows.proba is not None
    expected = metrics.roc_auc_score(rows.target == 1, rows.proba[:, 1], sample_weight=weights)
    (got,) = weighted_scores(rows, "roc_auc", weights[None, :])
    assert got == pytest.approx(expected)
