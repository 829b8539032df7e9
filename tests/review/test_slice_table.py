"""The review's "Slices that moved most" table: the worst moves first, small slices marked, an
interval column that shows — until an interval is estimated, and what could not be compared."""

from __future__ import annotations

from mlgate.review.slice_moves import DeltaInterval
from mlgate.review.slice_table import _interval, moves_table
from tests.support.markdown import table_with
from tests.support.slice_reports import category, numeric_bin, slice_report


def test_the_table_lists_the_top_moves_worst_first_with_rows_values_and_delta() -> None:
    names = [f"c{index}" for index in range(7)]
    base = slice_report(*(category(name, 0.90, 30) for name in names))
    head = slice_report(
        *(category(name, 0.90 - 0.01 * index, 30 + index) for index, name in enumerate(names))
    )
    text = moves_table(base, head, top=5)
    assert text.startswith("#### Slices that moved most\n\n")
    rows = table_with(text, "rows (base → PR)")
    assert [row["slice"] for row in rows] == [f"`colour` `c{i}`" for i in (6, 5, 4, 3, 2)]
    first = rows[0]
    assert first == {
        "slice": "`colour` `c6`",
        "rows (base → PR)": "30 → 36",
        "base": "0.9000",
        "PR": "0.8400",
        "Δ": "🔴 −0.0600",
        "interval": "—",
    }


def test_an_improvement_is_green_and_the_unchanged_are_left_out() -> None:
    base = slice_report(category("red", 0.80), category("blue", 0.80))
    head = slice_report(category("red", 0.90), category("blue", 0.80))
    text = moves_table(base, head)
    rows = table_with(text, "Δ")
    assert [(row["slice"], row["Δ"]) for row in rows] == [("`colour` `red`", "🟢 +0.1000")]
    assert "1 of them did not move." in text


def test_small_slices_are_marked_and_listed_after_the_ranked_ones() -> None:
    base = slice_report(category("tiny", 0.9, 12), category("big", 0.9, 40))
    head = slice_report(category("tiny", 0.2, 6), category("big", 0.88, 40))
    text = moves_table(base, head)
    rows = table_with(text, "Δ")
    assert [row["slice"] for row in rows] == ["`colour` `big`", "`colour` `tiny`"]
    assert rows[1]["rows (base → PR)"] == "12 → 6 · too small (< 10), not ranked"
    assert "slices under 10 test rows on either side (`card.slices.min_rows`) are marked" in text


def test_unmatched_slices_are_counted_and_explained() -> None:
    base = slice_report(numeric_bin("radius", "≤ 12.0", 0.9), category("red", 0.9))
    head = slice_report(numeric_bin("radius", "≤ 12.5", 0.9), category("red", 0.8))
    text = moves_table(base, head)
    assert (
        "Not comparable: 1 of the PR's slices (`radius`) and 1 of the base's (`radius`) are in "
        "one of them only" in text
    )
    assert "`card.slices.numeric_bins: auto`" in text


def test_nothing_comparable_or_nothing_moved_says_so_without_a_table() -> None:
    base = slice_report(numeric_bin("radius", "≤ 12.0", 0.9))
    head = slice_report(numeric_bin("radius", "≤ 12.5", 0.9))
    assert "No slice of the PR can be compared with the base's." in moves_table(base, head)
    same = moves_table(head, head)
    assert "None of them moved." in same
    assert "|" not in same


def test_an_interval_shows_its_bounds_and_a_missing_one_a_dash() -> None:
    assert _interval(None) == "—"
    assert _interval(DeltaInterval(-0.125, 0.03)) == "[−0.1250, +0.0300]"


def test_slice_names_from_the_data_stay_inert() -> None:
    base = slice_report(category("a|b", 0.9, feature="<img>"))
    head = slice_report(category("a|b", 0.5, feature="<img>"))
    (row,) = table_with(moves_table(base, head), "Δ")
    assert row["slice"] == "`<img>` `a\\|b`"
