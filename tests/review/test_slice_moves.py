"""Matching the base's and the PR's slices, and ranking how each moved, whichever way is better."""

from __future__ import annotations

import pytest

from mlgate.review.slice_moves import compare_slices
from tests.support.slice_reports import category, numeric_bin, slice_report


def test_slices_match_by_feature_and_category_and_rank_the_worst_drop_first() -> None:
    base = slice_report(
        category("red", 0.90, 40), category("blue", 0.80, 30), category("green", 0.70, 25)
    )
    head = slice_report(
        category("red", 0.95, 41), category("blue", 0.60, 29), category("green", 0.65, 25)
    )
    comparison = compare_slices(base, head, "accuracy", min_rows=10)
    assert [move.name for move in comparison.moves] == ["blue", "green", "red"]
    blue = comparison.moves[0]
    assert (blue.base_rows, blue.head_rows, blue.base, blue.head) == (30, 29, 0.80, 0.60)
    assert blue.delta == pytest.approx(-0.20)
    assert blue.worsening == pytest.approx(0.20)
    assert comparison.moves[-1].worsening == pytest.approx(-0.05)  # red improved
    assert blue.interval is None  # no interval estimated yet
    assert comparison.not_comparable == 0


def test_a_rise_in_rmse_is_the_worse_move() -> None:
    base = slice_report(
        category("red", 10.0, metric="rmse"), category("blue", 20.0, metric="rmse"), metric="rmse"
    )
    head = slice_report(
        category("red", 14.0, metric="rmse"), category("blue", 12.0, metric="rmse"), metric="rmse"
    )
    moves = compare_slices(base, head, "rmse", min_rows=10).moves
    assert [(move.name, move.worsening) for move in moves] == [("red", 4.0), ("blue", -8.0)]


def test_improvements_follow_the_worsened_slices_biggest_move_first() -> None:
    base = slice_report(
        category("a", 0.80), category("b", 0.80), category("c", 0.80), category("d", 0.80)
    )
    head = slice_report(
        category("a", 0.82), category("b", 0.70), category("c", 0.80), category("d", 0.95)
    )
    names = [move.name for move in compare_slices(base, head, "accuracy", 10).moves]
    assert names == ["b", "d", "a", "c"]


def test_slices_under_min_rows_on_either_side_are_not_ranked_and_come_last() -> None:
    base = slice_report(category("tiny", 0.9, 40), category("big", 0.9, 40))
    head = slice_report(category("tiny", 0.1, 8), category("big", 0.85, 40))
    comparison = compare_slices(base, head, "accuracy", min_rows=10)
    assert [move.name for move in comparison.ranked] == ["big"]
    assert [move.name for move in comparison.too_small] == ["tiny"]
    assert comparison.moves[-1].name == "tiny"


def test_bins_with_other_bounds_and_other_features_are_counted_not_compared() -> None:
    base = slice_report(
        numeric_bin("radius", "≤ 12.0", 0.9),
        numeric_bin("radius", "> 12.0", 0.8),
        numeric_bin("texture", "≤ 18.0", 0.9),
        category("red", 0.9),
    )
    head = slice_report(
        numeric_bin("radius", "≤ 12.5", 0.9),  # retrained on other quartiles: another slice
        numeric_bin("radius", "> 12.0", 0.7),
        numeric_bin("area", "≤ 500.0", 0.9),  # auto bins now follow another feature
        category("red", 0.9),
        category("blue", None),  # matched below, but no accuracy on the PR side
    )
    base = slice_report(*base.slices, category("blue", 0.8))
    comparison = compare_slices(base, head, "accuracy", min_rows=10)
    assert [move.describe() for move in comparison.moves] == ["radius > 12.0", "colour = red"]
    assert (comparison.only_base, comparison.only_head, comparison.undefined) == (2, 2, 1)
    assert comparison.not_comparable == 5
    assert comparison.only_base_features == ("radius", "texture")
    assert comparison.only_head_features == ("radius", "area")


def test_a_slice_of_missing_values_matches_only_the_missing_slice() -> None:
    missing = category("(missing)", 0.5).model_copy(update={"missing": True})
    named = category("(missing)", 0.9)  # a category that happens to read "(missing)"
    comparison = compare_slices(slice_report(missing), slice_report(named), "accuracy", min_rows=10)
    assert comparison.moves == ()
    assert (comparison.only_base, comparison.only_head) == (1, 1)
