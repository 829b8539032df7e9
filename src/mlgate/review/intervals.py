"""Every score's PR−base interval for one review, drawn once and shared by the gate (its
significance) and the review's table; or the one reason there are none."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mlgate.review.bootstrap import DeltaInterval

if TYPE_CHECKING:
    from dvc.repo import Repo

    from mlgate.config import BootstrapConfig
    from mlgate.review.revisions import Revision


@dataclass(frozen=True)
class ScoreIntervals:
    """Intervals by score name; `unavailable` says why there are none at all (e.g. the base has
    no per-row predictions), `reasons` why one score has none."""

    intervals: dict[str, DeltaInterval] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    unavailable: str | None = None
    paired: bool | None = None
    rows: tuple[int, int] = (0, 0)  # test rows of the base and of the PR

    def lookup(self, score: str) -> DeltaInterval | str:
        """The score's interval, or why it has none (one line)."""
        if score in self.intervals:
            return self.intervals[score]
        return self.reasons.get(score) or self.unavailable or f"no interval for {score}"

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "unavailable": self.unavailable,
            "paired": self.paired,
            "rows": {"base": self.rows[0], "head": self.rows[1]},
            "intervals": [interval.to_json_dict() for interval in self.intervals.values()],
            "undefined": self.reasons,
        }


def score_intervals(repo: Repo, base: Revision, config: BootstrapConfig) -> ScoreIntervals:
    """Each score of the task, this workspace − `base`, on the test rows both sides' predictions
    hold."""
    from mlgate.model.scores import TASK_SCORES
    from mlgate.review.bootstrap import delta_interval
    from mlgate.review.predictions_input import read_compared_predictions

    compared = read_compared_predictions(repo, base)
    if isinstance(compared, str):
        return ScoreIntervals(unavailable=compared)
    paired = compared.paired
    intervals: dict[str, DeltaInterval] = {}
    reasons: dict[str, str] = {}
    for score in TASK_SCORES[compared.head.task]:
        result = delta_interval(score, compared.base, compared.head, config, paired=paired)
        if isinstance(result, str):
            reasons[score] = result
        else:
            intervals[score] = result
    rows = (len(compared.base), len(compared.head))
    return ScoreIntervals(intervals, reasons, paired=paired, rows=rows)
