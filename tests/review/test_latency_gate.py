"""The serving-cost gate: the PR's p50 latency against the base's, passed, failed, or failed
because it was not measured; wired into check_gates by gates.max_latency_ratio."""

from __future__ import annotations

import pytest

from mlgate.config import parse_gates
from mlgate.errors import ConfigError
from mlgate.review.gates import check_gates, judge
from mlgate.review.latency_gate import latency_gate
from mlgate.review.serving_cost import CostUnavailable, ModelCost, ModelUnchanged, ServingCost


def timed(base_ms: float, head_ms: float) -> ServingCost:
    return ServingCost(
        ModelCost(base_ms / 1000, 1000.0, 100),
        ModelCost(head_ms / 1000, 1000.0, 100),
        rounds=5,
        single_calls=10,
        batch_rows=100,
    )


def test_a_pr_within_the_ratio_passes() -> None:
    result = latency_gate(1.5, timed(4.0, 5.0))
    assert result.status == "passed"
    assert result.value == pytest.approx(1.25)
    assert result.detail == "p50 4 ms (base) → 5 ms (PR): 1.25× within 1.5×"


def test_a_pr_slower_than_the_ratio_fails_with_both_p50s() -> None:
    result = latency_gate(1.5, timed(4.0, 8.0))
    assert result.status == "failed"
    assert result.requirement == "PR / base ≤ 1.5×"
    assert result.detail == "p50 4 ms (base) → 8 ms (PR): 2.00× over 1.5×"


def test_an_unmeasured_latency_fails_and_says_why() -> None:
    result = latency_gate(1.5, CostUnavailable("the base's model is not in the cache"))
    assert result.status == "failed"
    assert result.detail == "not measured: the base's model is not in the cache"
    assert latency_gate(1.5, None).status == "failed"


def test_a_byte_identical_model_passes_without_timing() -> None:
    result = latency_gate(1.1, ModelUnchanged("0" * 32))
    assert (result.status, result.value) == ("passed", 1.0)
    assert "byte for byte" in result.detail


def test_check_gates_applies_max_latency_ratio_only_when_set() -> None:
    on = parse_gates({"max_latency_ratio": 1.5}, "params.yaml")
    (result,) = check_gates([], on, "test", serving=timed(4.0, 8.0)).results
    assert (result.kind, result.status) == ("max_latency_ratio", "failed")
    assert check_gates([], parse_gates({}, "params.yaml"), "test").results == ()


def test_judge_passes_the_timing_to_the_gates_that_judge() -> None:
    gates = parse_gates({"max_latency_ratio": 2}, "params.yaml")
    verdict = judge(
        [],
        workspace=gates,
        base=gates,
        workspace_label="w",
        base_label="b",
        serving=timed(4.0, 6.0),
    )
    assert verdict.passed
    assert [result.kind for result in verdict.results] == ["max_latency_ratio"]


@pytest.mark.parametrize("limit", [1, 0.5, "fast"])
def test_a_ratio_of_one_or_less_is_refused(limit: object) -> None:
    with pytest.raises(ConfigError, match=r"gates\.max_latency_ratio"):
        parse_gates({"max_latency_ratio": limit}, "params.yaml")
