"""Paired intervals of the slices that moved: drawn on each slice's own test rows, wholly on the
worse side when every row of a slice flipped wrong; missing (and said why, once) when the test
rows differ, the slice's rows are not the card's, or the score is undefined on resamples."""

from __future__ import annotations

from typing import Any

import numpy as np

from mlgate.config import BootstrapConfig
from mlgate.review.intervals import ScoreIntervals
from mlgate.review.predictions_input import ComparedPredictions
from mlgate.review.slice_intervals import SliceIntervalSource, slice_interval_source
from mlgate.review.slice_moves import compare_slices
from mlgate.review.slice_table import moves_table
from tests.support.markdown import table_with
from tests.support.row_predictions import classifier_rows
from tests.support.slice_reports import category, slice_report

SETTINGS = BootstrapConfig(resamples=1000, level=0.95, seed=0)
ROWS = 60
RED = np.arange(0, 20)  # the rows of the slice `colour = red`
BLUE = np.arange(20, ROWS)  # and of `colour = blue`
TARGET = np.arange(ROWS) % 2


def _compared(head_wrong: np.ndarray) -> ComparedPredictions:
    """A base right on every row, a PR wrong on `head_wrong`."""
    correct = np.ones(ROWS, dtype=bool)
    flipped = correct.copy()
    flipped[head_wrong] = False
    return ComparedPredictions(classifier_rows(correct, TARGET), classifier_rows(flipped, TARGET))


def _source(compared: ComparedPredictions, **rows: np.ndarray) -> SliceIntervalSource:
    by_key = {("colour", name, False): ids for name, ids in rows.items()}
    return SliceIntervalSource(SETTINGS, compared, by_key)


def _reports(head_red: float, head_blue: float, red_rows: int = 20) -> tuple[Any, Any]:
    base = slice_report(category("red", 1.0, 20), category("blue", 1.0, 40))
    head = slice_report(category("red", head_red, red_rows), category("blue", head_blue, 40))
    return base, head


def test_a_slice_whose_rows_all_flipped_wrong_has_an_interval_wholly_below_zero() -> None:
    compared = _compared(head_wrong=np.concatenate([RED, BLUE[:1]]))
    base, head = _reports(0.0, 39 / 40)
    moves = compare_slices(base, head, "accuracy", 10).moves
    estimated = _source(compared, red=RED, blue=BLUE).estimate(moves, "accuracy")
    red, blue = estimated.moves
    assert red.name == "red"
    assert red.interval is not None
    assert red.interval.high < 0
    assert red.interval.low <= red.delta <= red.interval.high
    # one flipped row of 40: the interval reaches 0, the move is within the rows' noise
    assert blue.interval is not None
    assert blue.interval.low < 0 <= blue.interval.high
    assert estimated.note.startswith("Intervals: paired bootstrap, 95%, of each slice's Δ")
    assert "None for" not in estimated.note


def test_the_table_shows_each_interval_and_says_they_are_paired() -> None:
    compared = _compared(head_wrong=RED[:10])
    base, head = _reports(0.5, 1.0)
    source = _source(compared, red=RED, blue=BLUE)
    text = moves_table(base, head, intervals=source)
    (shown,) = table_with(text, "rows (base → PR)")
    (move,) = source.estimate(
        compare_slices(base, head, "accuracy", 10).moves[:1], "accuracy"
    ).moves
    assert move.interval is not None
    low, high = (
        f"{bound:+,.4f}".replace("-", "−") for bound in (move.interval.low, move.interval.high)
    )
    assert shown["interval"] == f"[{low}, {high}]"
    assert "Intervals: paired bootstrap, 95%" in text
    assert "1,000 resamples of the slice's test rows" in text


def test_unpaired_predictions_give_no_intervals_and_the_table_says_why_once() -> None:
    intervals = ScoreIntervals(paired=False, rows=(60, 72))
    source = slice_interval_source(None, None, SETTINGS, intervals)  # type: ignore[arg-type]
    base, head = _reports(0.5, 0.9)
    text = moves_table(base, head, intervals=source)
    assert {shown["interval"] for shown in table_with(text, "rows (base → PR)")} == {"—"}
    reason = "No intervals: the test rows differ (60 at the base, 72 here)"
    assert text.count(reason) == 1


def test_predictions_on_other_rows_give_no_intervals_even_when_handed_over() -> None:
    other = classifier_rows(np.ones(ROWS, dtype=bool), TARGET, row_ids=np.arange(ROWS) + 100)
    compared = ComparedPredictions(_compared(RED).base, other)
    base, head = _reports(0.0, 1.0)
    estimated = _source(compared, red=RED).estimate(
        compare_slices(base, head, "accuracy", 10).moves, "accuracy"
    )
    assert all(move.interval is None for move in estimated.moves)
    assert estimated.note.startswith("No intervals: the test rows differ")


def test_missing_predictions_give_the_reason_the_uncertainty_section_gives() -> None:
    intervals = ScoreIntervals(unavailable="the base `main` (abc1234) has no per-row predictions")
    source = slice_interval_source(None, None, SETTINGS, intervals)  # type: ignore[arg-type]
    estimated = source.estimate(
        compare_slices(*_reports(0.0, 1.0), "accuracy", 10).moves, "accuracy"
    )
    assert estimated.note == ("No intervals: the base `main` (abc1234) has no per-row predictions.")


def test_a_slice_whose_rows_are_not_the_cards_gets_no_interval_and_is_counted() -> None:
    compared = _compared(head_wrong=RED)
    base, head = _reports(0.0, 1.0, red_rows=21)  # the card counted 21 rows; the masks hold 20
    estimated = _source(compared, red=RED, blue=BLUE).estimate(
        compare_slices(base, head, "accuracy", 10).moves, "accuracy"
    )
    assert estimated.moves[0].interval is None
    assert estimated.note.endswith("None for 1 whose test rows differ between the base and the PR.")


def test_a_score_undefined_on_the_slice_gets_no_interval_and_is_counted() -> None:
    compared = _compared(head_wrong=RED)
    ones = RED[TARGET[RED] == 1]  # one class only: no ROC AUC
    base = slice_report(category("ones", 0.9, len(ones), metric="roc_auc"), metric="roc_auc")
    head = slice_report(category("ones", 0.5, len(ones), metric="roc_auc"), metric="roc_auc")
    estimated = _source(compared, ones=ones).estimate(
        compare_slices(base, head, "roc_auc", 5).moves, "roc_auc"
    )
    assert estimated.moves[0].interval is None
    assert "None for 1 where ROC AUC is undefined on too many resamples." in estimated.note
