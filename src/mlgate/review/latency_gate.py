"""The serving-cost gate: the PR's single-record p50 latency may be at most `max_latency_ratio`
times the base's, both timed in the same process (review.serving_cost)."""

from __future__ import annotations

from mlgate.review.gate_verdict import GateResult
from mlgate.review.serving_cost import CostOutcome, CostUnavailable, ModelUnchanged

SCORE = "p50 latency"


def latency_gate(limit: float, cost: CostOutcome | None) -> GateResult:
    """Fails above the limit; a gate that could not measure fails too, saying why (it was asked
    for, so a PR does not pass it unmeasured)."""
    requirement = f"PR / base ≤ {limit:g}×"
    if cost is None:
        return GateResult(
            "max_latency_ratio", SCORE, requirement, None, None, "failed", "not measured"
        )
    if isinstance(cost, CostUnavailable):
        detail = f"not measured: {cost.reason}"
        return GateResult("max_latency_ratio", SCORE, requirement, None, None, "failed", detail)
    if isinstance(cost, ModelUnchanged):
        detail = "the PR's model is the base's, byte for byte: the same latency"
        return GateResult("max_latency_ratio", SCORE, requirement, 1.0, None, "passed", detail)
    measured = cost.latency_ratio
    base, head = cost.base.p50_seconds * 1000, cost.head.p50_seconds * 1000
    if measured is None:
        detail = f"base p50 {base:.3g} ms: no ratio to judge"
        return GateResult("max_latency_ratio", SCORE, requirement, None, None, "failed", detail)
    ok = measured <= limit
    return GateResult(
        "max_latency_ratio",
        SCORE,
        requirement,
        measured,
        None,
        "passed" if ok else "failed",
        f"p50 {base:.3g} ms (base) → {head:.3g} ms (PR): {measured:.2f}× "
        f"{'within' if ok else 'over'} {limit:g}×",
    )
