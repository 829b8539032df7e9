"""Bootstrap intervals of a PR−base difference: they cover the true difference as often as
their level says (a simulation), pair only rows that are the same, and repeat with the seed."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from mlgate.config import BootstrapConfig
from mlgate.model.predictions import RowPredictions
from mlgate.review.bootstrap import DeltaInterval, delta_interval
from tests.support.row_predictions import classifier_rows, regressor_rows

ROWS = 114  # the bundled data's test split
CASES = 200
CONFIG = BootstrapConfig(resamples=1000, level=0.95, seed=0)


def _correlated_hits(
    rng: np.random.Generator, rows: int, base_rate: float, head_rate: float
) -> tuple[np.ndarray, np.ndarray]:
    """Which rows each model gets right: same marginal rates, the models agreeing on most rows
    (as two versions of one model do). True accuracy difference: head_rate − base_rate."""
    shared = rng.random(rows)
    own = np.where(rng.random(rows) < 0.7, shared, rng.random(rows))
    return shared < base_rate, own < head_rate


def _accuracy_case(rng: np.random.Generator, *, paired: bool) -> DeltaInterval:
    target = rng.integers(0, 2, ROWS)
    base_hits, head_hits = _correlated_hits(rng, ROWS, 0.90, 0.85)
    if not paired:  # the head scored on other rows (the data changed): independent draws
        target_b = rng.integers(0, 2, ROWS + 6)
        head_hits = rng.random(ROWS + 6) < 0.85
        head = classifier_rows(head_hits, target_b)
    else:
        head = classifier_rows(head_hits, target)
    result = delta_interval(
        "accuracy", classifier_rows(base_hits, target), head, CONFIG, paired=paired
    )
    assert isinstance(result, DeltaInterval)
    return result


def _rmse_case(rng: np.random.Generator, *, paired: bool) -> DeltaInterval:
    target = rng.normal(100, 20, ROWS)
    base_errors = rng.normal(0, 10, ROWS)
    if paired:  # correlated errors on the same rows
        head_errors = 1.2 * (0.8 * base_errors + 0.6 * rng.normal(0, 10, ROWS))
        head = regressor_rows(target, head_errors)
    else:
        head = regressor_rows(rng.normal(100, 20, ROWS + 6), rng.normal(0, 12, ROWS + 6))
    result = delta_interval(
        "rmse", regressor_rows(target, base_errors), head, CONFIG, paired=paired
    )
    assert isinstance(result, DeltaInterval)
    return result


@pytest.mark.slow
@pytest.mark.parametrize("paired", [True, False], ids=["paired", "unpaired"])
@pytest.mark.parametrize(
    ("case", "truth"),
    [(_accuracy_case, 0.85 - 0.90), (_rmse_case, 12.0 - 10.0)],
    ids=["accuracy", "rmse"],
)
def test_95_percent_intervals_cover_the_true_difference_in_most_seeded_cases(
    case: Callable[..., DeltaInterval], truth: float, paired: bool
) -> None:
    rng = np.random.default_rng(20)
    covered = 0
    for _ in range(CASES):
        interval = case(rng, paired=paired)
        covered += interval.low <= truth <= interval.high
    assert covered >= 0.9 * CASES, f"{covered} of {CASES}"


def _noisy_pair(seed: int = 1) -> tuple[RowPredictions, RowPredictions]:
    rng = np.random.default_rng(seed)
    target = rng.integers(0, 2, ROWS)
    base_hits, head_hits = _correlated_hits(rng, ROWS, 0.95, 0.90)
    return classifier_rows(base_hits, target), classifier_rows(head_hits, target)


def test_a_paired_interval_is_narrower_than_an_unpaired_one_on_the_same_rows() -> None:
    base, head = _noisy_pair()
    paired = delta_interval("accuracy", base, head, CONFIG, paired=True)
    unpaired = delta_interval("accuracy", base, head, CONFIG, paired=False)
    assert isinstance(paired, DeltaInterval)
    assert isinstance(unpaired, DeltaInterval)
    assert (paired.paired, unpaired.paired) == (True, False)
    assert paired.delta == unpaired.delta
    assert paired.high - paired.low < unpaired.high - unpaired.low


def test_pairing_rows_that_differ_is_refused() -> None:
    base, head = _noisy_pair()
    other_rows = classifier_rows(
        head.predicted == head.target,
        1 - head.target,  # same ids, other targets
    )
    assert not base.same_rows(other_rows)
    with pytest.raises(ValueError, match="same rows"):
        delta_interval("accuracy", base, other_rows, CONFIG, paired=True)


def test_the_same_seed_gives_the_same_interval_and_another_seed_another() -> None:
    base, head = _noisy_pair()
    first = delta_interval("roc_auc", base, head, CONFIG, paired=True)
    again = delta_interval("roc_auc", base, head, CONFIG, paired=True)
    other = delta_interval("roc_auc", base, head, BootstrapConfig(seed=1), paired=True)
    assert first == again
    assert first != other


@pytest.mark.filterwarnings("ignore:Only one class is present")
def test_a_score_undefined_on_the_rows_has_a_reason_not_an_interval() -> None:
    target = np.zeros(ROWS, dtype=np.int64)  # one class: ROC AUC is undefined
    base = classifier_rows(np.ones(ROWS, dtype=bool), target)
    result = delta_interval("roc_auc", base, base, CONFIG, paired=True)
    assert isinstance(result, str)
    assert "roc_auc is undefined" in result


def test_the_interval_states_its_difference_level_and_pairing() -> None:
    base, head = _noisy_pair()
    result = delta_interval("log_loss", base, head, CONFIG, paired=True)
    assert isinstance(result, DeltaInterval)
    text = result.describe()
    assert text.startswith(f"Δ {result.delta:+.4f}".replace("-", "−"))
    assert "95% CI [" in text
    assert "(paired)" in text
    assert text.endswith("significant")
