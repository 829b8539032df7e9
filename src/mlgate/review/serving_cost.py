"""What serving the PR's model costs against the base's: both timed in one process, alternately.

A shared CI runner's speed drifts between seconds, so absolute times say little; ratios of two
models timed turn about, in several rounds, with medians across the rounds, say much more. The
arithmetic (`summarize`) is kept apart from the clock (`time_rounds`) so it is tested exactly.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Side = Literal["base", "head"]
SIDES: tuple[Side, Side] = ("base", "head")


@dataclass(frozen=True)
class RoundTiming:
    """One model in one round: each single-record call's seconds, and the batch's."""

    single_seconds: tuple[float, ...]
    batch_seconds: float
    batch_rows: int


@dataclass(frozen=True)
class ModelCost:
    """One model's medians across rounds, and its file size."""

    p50_seconds: float  # median across rounds of each round's single-record p50
    rows_per_second: float  # median across rounds of the batch's throughput
    size_bytes: int

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "p50_seconds": self.p50_seconds,
            "rows_per_second": self.rows_per_second,
            "size_bytes": self.size_bytes,
        }


def ratio(head: float, base: float) -> float | None:
    """PR / base, or None when the base is zero (nothing to compare with)."""
    return head / base if base > 0 else None


@dataclass(frozen=True)
class ServingCost:
    """Both models' costs and how they were measured; the ratios are PR / base."""

    base: ModelCost
    head: ModelCost
    rounds: int
    single_calls: int
    batch_rows: int

    @property
    def latency_ratio(self) -> float | None:
        return ratio(self.head.p50_seconds, self.base.p50_seconds)

    @property
    def throughput_ratio(self) -> float | None:
        return ratio(self.head.rows_per_second, self.base.rows_per_second)

    @property
    def size_ratio(self) -> float | None:
        return ratio(self.head.size_bytes, self.base.size_bytes)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "base": self.base.to_json_dict(),
            "head": self.head.to_json_dict(),
            "ratios": {
                "p50_latency": self.latency_ratio,
                "batch_throughput": self.throughput_ratio,
                "size": self.size_ratio,
            },
            "rounds": self.rounds,
            "single_calls": self.single_calls,
            "batch_rows": self.batch_rows,
        }


@dataclass(frozen=True)
class CostUnavailable:
    """Why the serving cost could not be measured: one line, saying what to run."""

    reason: str

    def to_json_dict(self) -> dict[str, Any]:
        return {"unavailable": self.reason}


@dataclass(frozen=True)
class ModelUnchanged:
    """The PR's model file is the base's, byte for byte: the same cost, nothing to time."""

    md5: str

    def to_json_dict(self) -> dict[str, Any]:
        return {"unchanged": self.md5}


# What the review knows about serving cost: measured, not needed, or why not measured.
CostOutcome = ServingCost | ModelUnchanged | CostUnavailable


def model_cost(rounds: Sequence[RoundTiming], size_bytes: int) -> ModelCost:
    """Medians across rounds of each round's single-call p50 and batch throughput."""
    if not rounds:
        raise ValueError("no rounds to summarize")
    p50s = [statistics.median(timing.single_seconds) for timing in rounds]
    throughputs = [
        timing.batch_rows / timing.batch_seconds if timing.batch_seconds > 0 else float("inf")
        for timing in rounds
    ]
    return ModelCost(statistics.median(p50s), statistics.median(throughputs), size_bytes)


def summarize(
    rounds: Sequence[Mapping[Side, RoundTiming]],
    sizes: Mapping[Side, int],
    *,
    single_calls: int,
    batch_rows: int,
) -> ServingCost:
    """The two models' costs from every round's timings."""
    base, head = (model_cost([timings[side] for timings in rounds], sizes[side]) for side in SIDES)
    return ServingCost(base, head, len(rounds), single_calls, batch_rows)


def order_of_round(index: int) -> tuple[Side, Side]:
    """Which model goes first: the base in even rounds, the PR in odd ones (neither always gets
    the warmer caches)."""
    return SIDES if index % 2 == 0 else (SIDES[1], SIDES[0])


@dataclass(frozen=True)
class Workload:
    """One model's calls: its predict function, its single records and its batch (each already a
    frame of the model's own input columns, so the timing holds nothing but the prediction)."""

    predict: Callable[[Any], object]
    singles: Sequence[Any]
    batch: Any
    batch_rows: int


def time_rounds(
    work: Mapping[Side, Workload],
    *,
    rounds: int,
    clock: Callable[[], float] = time.perf_counter,
) -> list[dict[Side, RoundTiming]]:
    """Time `rounds` rounds. In each, the two models take turns call by call (each single
    record, then the batch), the round's first model going first every time: a load spike on a
    shared runner then hits both models, not a block of one.

    Each model predicts once before the first round, untimed: the first call pays for lazy
    set-up (imports, allocations) that serving pays once, not per request.
    """

    def timed_call(side: Side, rows: Any) -> float:
        started = clock()
        work[side].predict(rows)
        return clock() - started

    for side in SIDES:
        work[side].predict(work[side].singles[0])
    calls = min(len(work[side].singles) for side in SIDES)
    timed: list[dict[Side, RoundTiming]] = []
    for index in range(rounds):
        order = order_of_round(index)
        singles: dict[Side, list[float]] = {side: [] for side in SIDES}
        for call in range(calls):
            for side in order:
                singles[side].append(timed_call(side, work[side].singles[call]))
        batch = {side: timed_call(side, work[side].batch) for side in order}
        timed.append(
            {
                side: RoundTiming(tuple(singles[side]), batch[side], work[side].batch_rows)
                for side in SIDES
            }
        )
    return timed
