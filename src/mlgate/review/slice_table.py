"""The review's "Slices that moved most" table: the PR's slices against the same slices at the
base, worst move first, on the card's ranking metric (`card.slices.metric`)."""

from __future__ import annotations

from mlgate.markdown import table
from mlgate.model.card_slices import slice_label
from mlgate.model.scores import SCORE_LABELS
from mlgate.model.slice_report import SliceReport
from mlgate.review.slice_moves import DeltaInterval, SliceComparison, SliceMove, compare_slices

TOP_MOVES = 5  # rows of the table: the ranked slices that moved most


def _number(value: float) -> str:
    return f"{value:,.4f}".replace("-", "−")


def _delta(move: SliceMove) -> str:
    if move.delta == 0:
        return "0"
    mark = "🔴 " if move.worsening > 0 else "🟢 "
    return mark + f"{move.delta:+,.4f}".replace("-", "−")


def _interval(interval: DeltaInterval | None) -> str:
    """The Δ's interval, or — where none was estimated."""
    if interval is None:
        return "—"
    return f"[{_number(interval.low)}, {_number(interval.high)}]"


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


def _not_comparable(comparison: SliceComparison) -> str:
    """Why some slices were left out, or "" when every slice was compared."""
    parts = []
    if comparison.only_head or comparison.only_base:
        parts.append(
            f"{comparison.only_head} of the PR's slices and {comparison.only_base} of the base's "
            "have no counterpart (another feature, category or bin bounds: with "
            "`card.slices.numeric_bins: auto` the bins follow the model's most important "
            "features, so a model change can change the slices)"
        )
    if comparison.undefined:
        label = SCORE_LABELS[comparison.metric]
        parts.append(f"{comparison.undefined} have no {label} on one side")
    return f" Not comparable: {'; '.join(parts)}." if parts else ""


def moves_table(base: SliceReport, head: SliceReport, top: int = TOP_MOVES) -> str:
    """The table of the slices that moved most (with what was left out), as review markdown."""
    metric = head.metric
    comparison = compare_slices(base, head, metric, head.min_rows)
    label = SCORE_LABELS[metric]
    compared = len(comparison.moves)
    intro = (
        f"{label} on the {compared} slices the PR shares with the base (same feature, and the same "
        f"category or bin bounds), PR vs base, the ones that got worse first; slices under "
        f"{comparison.min_rows} test rows on either side (`card.slices.min_rows`) are not ranked."
        + _not_comparable(comparison)
    )
    parts = ["#### Slices that moved most", intro[:1].upper() + intro[1:]]
    moved = [move for move in comparison.ranked if move.delta != 0][:top]
    small = [move for move in comparison.too_small if move.delta != 0][:top]
    if not comparison.moves:
        parts[1] = "No slice of the PR can be compared with the base's." + _not_comparable(
            comparison
        )
        return "\n\n".join(parts)
    if not moved and not small:
        parts.append(f"No compared slice's {label} moved.")
        return "\n\n".join(parts)
    rows = [_row(move, comparison.min_rows) for move in (*moved, *small)]
    parts.append(
        table(
            ["slice", "rows (base → PR)", "base", "PR", "Δ", "interval"],
            [":--", "--:", "--:", "--:", "--:", "--:"],
            rows,
        )
    )
    return "\n\n".join(parts)
