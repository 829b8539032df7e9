"""Paired bootstrap intervals of the slices' PR−base moves, for the "Slices that moved most"
table: each shown slice's test rows resampled alike for both models (`review.bootstrap`, as the
uncertainty section draws them). Only when both models were scored on the same test rows;
otherwise the table says, once, why its intervals are missing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from mlgate.model.scores import SCORE_LABELS, ScoreName
from mlgate.review.slice_moves import DeltaInterval, SliceMove

if TYPE_CHECKING:
    import numpy as np

    from mlgate.config import BootstrapConfig, Params
    from mlgate.review.intervals import ScoreIntervals
    from mlgate.review.predictions_input import ComparedPredictions
    from mlgate.review.slice_rows import SliceKey
    from mlgate.review.workspace import ReviewSubject


@dataclass(frozen=True)
class SliceIntervals:
    """The moves with their intervals where drawn, and the sentence the table states about them."""

    moves: tuple[SliceMove, ...]
    note: str


@dataclass(frozen=True)
class SliceIntervalSource:
    """What slice intervals are drawn from: both sides' predictions on the same test rows, the
    workspace's slices as row ids and the bootstrap settings; or why there are none."""

    settings: BootstrapConfig
    compared: ComparedPredictions | None = None
    rows: Mapping[SliceKey, np.ndarray] = field(default_factory=dict)
    unavailable: str | None = None

    def estimate(self, moves: Sequence[SliceMove], metric: ScoreName) -> SliceIntervals:
        """Each move's paired interval on its slice's rows (only the moves given: the shown)."""
        if self.compared is None or not self.compared.paired:
            why = self.unavailable or (
                "no per-row predictions to resample"
                if self.compared is None
                else unpaired_reason((len(self.compared.base), len(self.compared.head)))
            )
            return SliceIntervals(tuple(moves), f"No intervals: {why}.")
        filled: list[SliceMove] = []
        undefined = other_rows = 0
        for move in moves:
            interval = self._interval(move, metric)
            if isinstance(interval, DeltaInterval):
                filled.append(replace(move, interval=interval))
                continue
            filled.append(move)
            undefined += interval == "undefined"
            other_rows += interval == "rows"
        return SliceIntervals(tuple(filled), self._note(metric, undefined, other_rows))

    def _interval(
        self, move: SliceMove, metric: ScoreName
    ) -> DeltaInterval | Literal["rows", "undefined"]:
        import warnings

        import numpy as np

        from mlgate.review.bootstrap import delta_interval

        assert self.compared is not None
        base, head = self.compared.base, self.compared.head
        ids = self.rows.get((move.feature, move.name, move.missing))
        chosen = None if ids is None else np.isin(head.row_ids, ids)
        if chosen is None or not int(chosen.sum()) == move.head_rows == move.base_rows:
            return "rows"  # not the rows the card scored on both sides
        with warnings.catch_warnings():  # scikit-learn's "undefined" warnings: counted below
            warnings.simplefilter("ignore")
            drawn = delta_interval(
                metric, base.subset(chosen), head.subset(chosen), self.settings, paired=True
            )
        if isinstance(drawn, str):
            return "undefined"
        return DeltaInterval(drawn.low, drawn.high)

    def _note(self, metric: ScoreName, undefined: int, other_rows: int) -> str:
        settings = self.settings
        note = (
            f"Intervals: paired bootstrap, {settings.level:.0%}, of each slice's Δ "
            f"({settings.resamples:,} resamples of the slice's test rows, the same rows for both "
            "models; `review.bootstrap`)."
        )
        reasons = []
        if undefined:
            reasons.append(
                f"{undefined} where {SCORE_LABELS[metric]} is undefined on too many resamples"
            )
        if other_rows:
            reasons.append(f"{other_rows} whose test rows differ between the base and the PR")
        return note + (f" None for {' and '.join(reasons)}." if reasons else "")


def unpaired_reason(rows: tuple[int, int]) -> str:
    return (
        f"the test rows differ ({rows[0]:,} at the base, {rows[1]:,} here), so no slice holds "
        "the same rows on both sides (a paired interval needs them)"
    )


def slice_interval_source(
    subject: ReviewSubject, config: Params, settings: BootstrapConfig, intervals: ScoreIntervals
) -> SliceIntervalSource:
    """Both sides' predictions and this workspace's slices, when the review's intervals are
    paired; else the reason, without reading anything again (`intervals` read them once)."""
    from mlgate.review.predictions_input import read_compared_predictions
    from mlgate.review.slice_rows import workspace_slice_rows

    if intervals.unavailable is not None:
        return SliceIntervalSource(settings, unavailable=intervals.unavailable)
    if intervals.paired is False:
        return SliceIntervalSource(settings, unavailable=unpaired_reason(intervals.rows))
    compared = read_compared_predictions(subject.repo, subject.base)
    if isinstance(compared, str):
        return SliceIntervalSource(settings, unavailable=compared)
    if not compared.paired:
        rows = (len(compared.base), len(compared.head))
        return SliceIntervalSource(settings, unavailable=unpaired_reason(rows))
    found = workspace_slice_rows(config)
    if isinstance(found, str):
        return SliceIntervalSource(settings, unavailable=found)
    return SliceIntervalSource(settings, compared, found)
