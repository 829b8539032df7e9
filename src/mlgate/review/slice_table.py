"""The review's "Slices that moved most" table: the PR's slices against the same slices at the
base, worst move first, on the card's ranking metric (`card.slices.metric`), with each shown
slice's paired interval when `review/slice_intervals.py` can draw one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlgate.markdown import code_span, table
from mlgate.model.card_slices import slice_label
from mlgate.model.scores import SCORE_LABELS
from mlgate.model.slice_report import SliceReport
from mlgate.review.slice_moves import DeltaInterval, SliceComparison, SliceMove, compare_slices

if TYPE_CHECKING:
    from mlgate.review.slice_intervals import SliceIntervalSource

TOP_MOVES = 5  # rows of the table: the ranked slices that moved most


def _number(value: float) -> str:
    return f"{value:,.4f}".replace("-", "−")


def _delta(move: SliceMove) -> str:
    if move.delta == 0:
        return "0"
    mark = "🔴 " if move.worsening > 0 else "🟢 "
    return mark + f"{move.delta:+,.4f}".replace("-", "−")


def _signed(value: float) -> str:
    return f"{value:+,.4f}".replace("-", "−")


def _interval(interval: DeltaInterval | None) -> str:
    """The Δ's interval, signed as the uncertainty section's are, or — where none was drawn."""
    if interval is None:
        return "—"
    return f"[{_signed(interval.low)}, {_signed(interval.high)}]"


def _row(move: SliceMove, min_rows: int) -> list[str]:
    rows = f"{move.base_rows:,} → {move.head_rows:,}"
    if not move.ranked:
        rows += f" · too small (< {min_rows}), not ranked"
    return [
        slice_label(move.feature, move.name, move.missing),
        rows,
        _number(move.base),
        _number(move.head),
        _delta(move),
        _interval(move.interval),
    ]


def _features(names: tuple[str, ...]) -> str:
    return f" ({', '.join(code_span(name) for name in names)})" if names else ""


def _not_comparable(comparison: SliceComparison) -> str:
    """Which slices were left out and why, or "" when every slice was compared."""
    parts = []
    if comparison.only_head or comparison.only_base:
        parts.append(
            f"{comparison.only_head} of the PR's slices{_features(comparison.only_head_features)} "
            f"and {comparison.only_base} of the base's{_features(comparison.only_base_features)} "
            "are in one of them only (with `card.slices.numeric_bins: auto` the bins follow the "
            "model's most important features, so a model change can change the slices)"
        )
    if comparison.undefined:
        label = SCORE_LABELS[comparison.metric]
        parts.append(f"{comparison.undefined} have no {label} on one side")
    return f" Not comparable: {'; '.join(parts)}." if parts else ""


def _unmoved(still: int, compared: int) -> str:
    if still == compared:
        return " None of them moved."
    return f" {still} of them did not move." if still else ""


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def moves_table(
    base: SliceReport,
    head: SliceReport,
    top: int = TOP_MOVES,
    intervals: SliceIntervalSource | None = None,
) -> str:
    """The slices that moved most (and what could not be compared), as review markdown; the
    shown slices' intervals from `intervals` (none without it)."""
    metric = head.metric
    label = SCORE_LABELS[metric]
    comparison = compare_slices(base, head, metric, head.min_rows)
    heading = "#### Slices that moved most"
    if not comparison.moves:
        text = "No slice of the PR can be compared with the base's." + _not_comparable(comparison)
        return f"{heading}\n\n{text}"
    compared = len(comparison.moves)
    moved = [move for move in comparison.ranked if move.delta != 0][:top]
    small = [move for move in comparison.too_small if move.delta != 0][:top]
    still = sum(move.delta == 0 for move in comparison.moves)
    intro = (
        f"{_capitalized(label)} per slice of the test split, PR vs base, worst move first, on the "
        f"{compared} slices in both (same feature, same category or bin bounds); slices under "
        f"{comparison.min_rows} test rows on either side (`card.slices.min_rows`) are marked, "
        f"not ranked.{_unmoved(still, compared)}" + _not_comparable(comparison)
    )
    if not moved and not small:
        return f"{heading}\n\n{intro}"
    shown = (*moved, *small)
    if intervals is not None:
        estimated = intervals.estimate(shown, metric)
        shown, intro = estimated.moves, f"{intro} {estimated.note}"
    rows = [_row(move, comparison.min_rows) for move in shown]
    header = ["slice", "rows (base → PR)", "base", "PR", "Δ", "interval"]
    return "\n\n".join(
        [heading, intro, table(header, [":--", "--:", "--:", "--:", "--:", "--:"], rows)]
    )
