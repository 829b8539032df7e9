"""The review's serving-cost section: PR/base ratios of latency, throughput and file size, with
how they were measured (ratios of medians; the absolute times are this runner's)."""

from __future__ import annotations

from mlgate.review.serving_cost import CostOutcome, CostUnavailable, ModelUnchanged

TITLE = "### Serving cost"


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def _milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:.3g} ms"


def _rows_per_second(rate: float) -> str:
    return f"{rate:,.0f} rows/s"


def _size(size: int) -> str:
    for unit, scale in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


def serving_cost_section(cost: CostOutcome | None) -> str:
    """Markdown for the review; empty when the timing is off (review.serving_cost.enabled)."""
    if cost is None:
        return ""
    if isinstance(cost, CostUnavailable):
        return f"{TITLE}\n\nNot measured: {cost.reason}."
    if isinstance(cost, ModelUnchanged):
        return (
            f"{TITLE}\n\nThe model file is the base's, byte for byte (md5 `{cost.md5[:8]}`): "
            "the same serving cost, so nothing was timed."
        )
    base, head = cost.base, cost.head
    rows = [
        "| cost | base | PR | PR / base |",
        "| :-- | --: | --: | --: |",
        f"| single-record latency (p50) | {_milliseconds(base.p50_seconds)} | "
        f"{_milliseconds(head.p50_seconds)} | {_ratio(cost.latency_ratio)} |",
        f"| batch throughput ({cost.batch_rows} rows) | {_rows_per_second(base.rows_per_second)} "
        f"| {_rows_per_second(head.rows_per_second)} | {_ratio(cost.throughput_ratio)} |",
        f"| model file size | {_size(base.size_bytes)} | {_size(head.size_bytes)} | "
        f"{_ratio(cost.size_ratio)} |",
    ]
    how = (
        f"Both models timed in this job's one process, alternately: {cost.rounds} rounds "
        f"(each alternating which goes first) of {cost.single_calls} single-record predictions "
        f"and one batch of {cost.batch_rows} test-split rows per model; medians across rounds. "
        "Compare the ratios: the absolute times are this runner's."
    )
    return "\n\n".join([TITLE, "\n".join(rows), how])
