"""The serving-cost arithmetic (medians, ratios) exactly, and the timing's order of calls with a
fake clock."""

from __future__ import annotations

from typing import Any

import pytest

from mlgate.review.serving_cost import (
    SIDES,
    ModelCost,
    RoundTiming,
    Side,
    Workload,
    model_cost,
    order_of_round,
    ratio,
    summarize,
    time_rounds,
)


def test_model_cost_is_the_median_across_rounds_of_each_rounds_p50_and_throughput() -> None:
    rounds = [
        RoundTiming((0.010, 0.030, 0.020), batch_seconds=0.5, batch_rows=100),  # p50 .020, 200/s
        RoundTiming((0.001, 0.002, 0.900), batch_seconds=0.1, batch_rows=100),  # p50 .002, 1000/s
        RoundTiming((0.004, 0.005, 0.006), batch_seconds=0.25, batch_rows=100),  # p50 .005, 400/s
    ]
    cost = model_cost(rounds, size_bytes=1234)
    assert cost == ModelCost(p50_seconds=0.005, rows_per_second=400.0, size_bytes=1234)


def test_one_slow_round_does_not_move_the_median() -> None:
    steady = RoundTiming((0.01,) * 5, batch_seconds=0.1, batch_rows=10)
    spike = RoundTiming((1.0,) * 5, batch_seconds=10.0, batch_rows=10)
    cost = model_cost([steady, spike, steady], size_bytes=1)
    assert cost.p50_seconds == 0.01
    assert cost.rows_per_second == 100.0


def test_summarize_gives_pr_over_base_ratios() -> None:
    base = RoundTiming((0.002, 0.002), batch_seconds=0.05, batch_rows=100)  # 2000 rows/s
    head = RoundTiming((0.006, 0.006), batch_seconds=0.10, batch_rows=100)  # 1000 rows/s
    cost = summarize(
        [{"base": base, "head": head}] * 3,
        {"base": 1000, "head": 3000},
        single_calls=2,
        batch_rows=100,
    )
    assert cost.latency_ratio == pytest.approx(3.0)
    assert cost.throughput_ratio == pytest.approx(0.5)
    assert cost.size_ratio == 3.0
    assert cost.rounds == 3
    assert cost.to_json_dict()["ratios"]["size"] == 3.0


def test_ratio_against_a_zero_base_is_none() -> None:
    assert ratio(1.0, 0.0) is None
    assert ratio(3.0, 2.0) == 1.5


def test_rounds_alternate_which_model_goes_first() -> None:
    assert [order_of_round(i) for i in range(3)] == [
        ("base", "head"),
        ("head", "base"),
        ("base", "head"),
    ]


class FakeClock:
    """Each call to a model advances the clock by that model's cost for the rows it got."""

    def __init__(self) -> None:
        self.now = 0.0
        self.calls: list[tuple[Side, int]] = []

    def __call__(self) -> float:
        return self.now

    def model(self, side: Side, seconds_per_row: float) -> Any:
        def predict(rows: list[int]) -> None:
            self.calls.append((side, len(rows)))
            self.now += seconds_per_row * len(rows)

        return predict


def test_timing_takes_turns_call_by_call_after_an_untimed_warm_up() -> None:
    clock = FakeClock()
    work = {
        side: Workload(clock.model(side, cost), [[1], [2]], list(range(8)), 8)
        for side, cost in (("base", 0.001), ("head", 0.004))
    }
    timed = time_rounds(work, rounds=2, clock=clock)
    warm_up, first, second = clock.calls[:2], clock.calls[2:8], clock.calls[8:]
    assert warm_up == [("base", 1), ("head", 1)]
    assert first == [("base", 1), ("head", 1)] * 2 + [("base", 8), ("head", 8)]
    assert second == [("head", 1), ("base", 1)] * 2 + [("head", 8), ("base", 8)]
    for timings in timed:
        assert timings["base"].single_seconds == pytest.approx((0.001, 0.001))
        assert timings["head"].batch_seconds == pytest.approx(0.032)
    cost = summarize(timed, {side: 1 for side in SIDES}, single_calls=2, batch_rows=8)
    assert cost.latency_ratio == pytest.approx(4.0)
    assert cost.throughput_ratio == pytest.approx(0.25)
    assert cost.head.rows_per_second == pytest.approx(250.0)
