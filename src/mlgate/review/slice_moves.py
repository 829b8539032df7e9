"""How each slice of the test split moved between the base and the PR, as plain values.

A slice is the same on both sides when its feature and its definition are: the category (or the
missing values), or a numeric bin's bounds. With `card.slices.numeric_bins: auto` the card bins
the model's most important features, so a model change can change which slices exist; those are
counted, not compared. The review's "slices that moved most" table and the `slice_regression`
gate read the same comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mlgate.model.scores import Direction, ScoreName, direction_of
from mlgate.model.slice_report import Slice, SliceReport, describe_slice

SliceKind = Literal["categorical", "numeric"]


@dataclass(frozen=True)
class DeltaInterval:
    """A confidence interval of a slice's Δ (PR − base), in the metric's units."""

    low: float
    high: float


@dataclass(frozen=True)
class SliceMove:
    """One slice present at the base and in the PR, with the metric defined on both sides."""

    feature: str
    kind: SliceKind
    name: str
    missing: bool
    base_rows: int
    head_rows: int
    base: float
    head: float
    direction: Direction
    ranked: bool  # enough test rows on both sides to be ranked (judged)
    interval: DeltaInterval | None = None  # filled by the uncertainty estimate, when there is one

    @property
    def delta(self) -> float:
        """PR − base, in the metric's units."""
        return self.head - self.base

    @property
    def worsening(self) -> float:
        """How much the slice got worse (negative: it improved), whichever way is better."""
        return -self.delta if self.direction == "higher" else self.delta

    def describe(self) -> str:
        """Plain text, e.g. `colour = red`, `mean radius ≤ 12.3`, `size missing`."""
        return describe_slice(self.feature, self.kind, self.name, self.missing)


@dataclass(frozen=True)
class SliceComparison:
    """Every matched slice, worst move first, and how many slices could not be compared."""

    metric: ScoreName
    min_rows: int
    moves: tuple[SliceMove, ...]  # ranked ones first (most worsened, then most moved)
    only_base: int  # base slices the PR does not have (other features or other bin bounds)
    only_head: int  # PR slices the base does not have
    undefined: int  # slices on both sides whose metric is not defined on one of them
    only_base_features: tuple[str, ...] = ()  # the features of those base slices
    only_head_features: tuple[str, ...] = ()  # and of those PR slices

    @property
    def ranked(self) -> tuple[SliceMove, ...]:
        return tuple(move for move in self.moves if move.ranked)

    @property
    def too_small(self) -> tuple[SliceMove, ...]:
        return tuple(move for move in self.moves if not move.ranked)

    @property
    def not_comparable(self) -> int:
        return self.only_base + self.only_head + self.undefined


def _key(item: Slice) -> tuple[str, str, str, bool]:
    return (item.feature, item.kind, item.name, item.missing)


def _order(move: SliceMove) -> tuple[int, float]:
    """Worsened slices first, by how much; then the others by how far they moved."""
    if move.worsening > 0:
        return (0, -move.worsening)
    return (1, -abs(move.delta))


def compare_slices(
    base: SliceReport, head: SliceReport, metric: ScoreName, min_rows: int
) -> SliceComparison:
    """Match the base's and the PR's slices and rank their moves on `metric`; a slice is ranked
    when it has at least `min_rows` test rows on both sides."""
    direction = direction_of(metric)
    assert direction is not None  # every score has one
    earlier = {_key(item): item for item in base.slices}
    later = {_key(item): item for item in head.slices}
    moves: list[SliceMove] = []
    undefined = 0
    for key, now in later.items():
        was = earlier.get(key)
        if was is None:
            continue
        before, after = was.scores.get(metric), now.scores.get(metric)
        if before is None or after is None:
            undefined += 1
            continue
        moves.append(
            SliceMove(
                feature=now.feature,
                kind=now.kind,
                name=now.name,
                missing=now.missing,
                base_rows=was.rows,
                head_rows=now.rows,
                base=before,
                head=after,
                direction=direction,
                ranked=min(was.rows, now.rows) >= min_rows,
            )
        )
    ranked = sorted((move for move in moves if move.ranked), key=_order)
    small = sorted((move for move in moves if not move.ranked), key=_order)
    only_base = [key for key in earlier if key not in later]
    only_head = [key for key in later if key not in earlier]
    return SliceComparison(
        metric=metric,
        min_rows=min_rows,
        moves=(*ranked, *small),
        only_base=len(only_base),
        only_head=len(only_head),
        undefined=undefined,
        only_base_features=tuple(dict.fromkeys(key[0] for key in only_base)),
        only_head_features=tuple(dict.fromkeys(key[0] for key in only_head)),
    )
