"""The sweep's ranking: successes best first in the metric's better direction, and the outcome.

Pure: the outcome also records what was done with the best (branch, apply), so the table, the
JSON and the exit status are all read from one value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mlgate.experiments.plan import SweepPlan
from mlgate.experiments.results import ExperimentResult
from mlgate.model.scores import Direction


def rank(
    results: Sequence[ExperimentResult], metric: str, direction: Direction
) -> tuple[list[ExperimentResult], list[ExperimentResult]]:
    """(ranked successes, best first; everything else). Ties keep the grid's order."""
    scored = [r for r in results if r.state == "success"]
    sign = -1.0 if direction == "higher" else 1.0
    return (
        sorted(scored, key=lambda r: sign * r.scores[metric]),
        [r for r in results if r.state != "success"],
    )


def is_baseline(best: ExperimentResult, baseline: ExperimentResult | None) -> bool:
    """The best experiment runs HEAD's own values: its branch would propose nothing."""
    return baseline is not None and dict(best.values) == dict(baseline.values)


@dataclass(frozen=True)
class SweepOutcome:
    plan: SweepPlan
    ranked: list[ExperimentResult]
    unfinished: list[ExperimentResult]  # failed, or not finished
    baseline: ExperimentResult | None
    seconds: float
    branch: str | None = None
    workspace_changed: tuple[str, ...] = ()
    applied: str | None = None  # the experiment `dvc exp apply` put into the workspace

    @property
    def best(self) -> ExperimentResult | None:
        return self.ranked[0] if self.ranked else None

    @property
    def ok(self) -> bool:
        return not self.unfinished and not self.workspace_changed and bool(self.ranked)

    def to_json_dict(self) -> dict[str, Any]:
        def entry(result: ExperimentResult) -> dict[str, Any]:
            return {
                "name": result.name,
                "rev": result.rev,
                "state": result.state,
                "params": dict(result.values),
                "scores": dict(result.scores),
                "problem": result.problem,
            }

        return {
            "metric": self.plan.metric,
            "direction": self.plan.direction,
            "jobs": self.plan.jobs,
            "seconds": round(self.seconds, 1),
            "ranked": [entry(r) | {"rank": i} for i, r in enumerate(self.ranked, start=1)],
            "failed": [entry(r) for r in self.unfinished],
            "baseline": entry(self.baseline) if self.baseline else None,
            "branch": self.branch,
            "applied": self.applied,
            "workspace_changed": list(self.workspace_changed),
        }
