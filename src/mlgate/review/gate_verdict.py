"""The gate's outcome as data: one result per rule and score, and the verdict over them all
(what `mlgate gate` writes to reports/gate.json and the review renders)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from mlgate.model.scores import SCORE_LABELS, TaskName

GateKind = Literal[
    "threshold",
    "max_regression",
    "baseline_margin",
    "worst_slice",
    "slice_regression",
    "max_latency_ratio",
]
GateStatus = Literal["passed", "failed", "skipped"]

KIND_LABELS: dict[GateKind, str] = {
    "threshold": "threshold",
    "max_regression": "regression vs base",
    "baseline_margin": "margin over baseline",
    "worst_slice": "worst slice",
    "slice_regression": "slice regression vs base",
    "max_latency_ratio": "serving cost",
}


@dataclass(frozen=True)
class GateResult:
    """One rule applied to one score."""

    kind: GateKind
    score: str
    requirement: str
    value: float | None
    reference: float | None  # the base value or the baseline's, when the rule compares
    status: GateStatus
    detail: str

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "score": self.score,
            "requirement": self.requirement,
            "value": self.value,
            "reference": self.reference,
            "status": self.status,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class GateVerdict:
    """Every gate's result and where the gates were read from; gates on the other task's scores
    (`not_applicable`, e.g. accuracy for a regression) are listed, not applied."""

    results: tuple[GateResult, ...]
    source: str
    task: TaskName | None = None
    not_applicable: tuple[str, ...] = ()

    def not_applicable_note(self) -> str:
        """One line for the review, or "" when every gate applies."""
        if not self.not_applicable or self.task is None:
            return ""
        names = ", ".join(SCORE_LABELS.get(name, name) for name in self.not_applicable)
        return f"Not applied (not {self.task} scores): {names}."

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def failures(self) -> tuple[GateResult, ...]:
        return tuple(result for result in self.results if result.status == "failed")

    def for_score(self, score: str) -> tuple[GateResult, ...]:
        return tuple(result for result in self.results if result.score == score)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "gates_from": self.source,
            "failed": len(self.failures),
            "total": len(self.results),
            "task": self.task,
            "not_applicable": list(self.not_applicable),
            "gates": [result.to_json_dict() for result in self.results],
        }
