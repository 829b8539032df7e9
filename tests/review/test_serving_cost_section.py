"""The serving-cost section: ratios beside both sides, one line when not measured, nothing when
off."""

from __future__ import annotations

from mlgate.review.serving_cost import CostUnavailable, ModelCost, ModelUnchanged, ServingCost
from mlgate.review.serving_cost_section import serving_cost_section
from tests.support.markdown import row, table_with


def cost(base: ModelCost, head: ModelCost) -> ServingCost:
    return ServingCost(base, head, rounds=5, single_calls=10, batch_rows=100)


def test_the_section_shows_both_sides_and_pr_over_base_ratios() -> None:
    text = serving_cost_section(
        cost(
            ModelCost(p50_seconds=0.004, rows_per_second=20000.0, size_bytes=200 * 1024),
            ModelCost(p50_seconds=0.010, rows_per_second=8000.0, size_bytes=600 * 1024),
        )
    )
    assert text.startswith("### Serving cost")
    table = table_with(text, "PR / base")
    latency = row(table, "cost", "single-record latency (p50)")
    assert (latency["base"], latency["PR"], latency["PR / base"]) == ("4 ms", "10 ms", "2.50×")
    throughput = row(table, "cost", "batch throughput (100 rows)")
    assert throughput["base"] == "20,000 rows/s"
    assert throughput["PR / base"] == "0.40×"
    size = row(table, "cost", "model file size")
    assert (size["base"], size["PR"], size["PR / base"]) == ("200.0 KiB", "600.0 KiB", "3.00×")
    assert "5 rounds" in text
    assert "alternately" in text


def test_a_zero_base_shows_no_ratio() -> None:
    text = serving_cost_section(cost(ModelCost(0.0, 10.0, 0), ModelCost(0.001, 10.0, 2 << 20)))
    table = table_with(text, "PR / base")
    assert row(table, "cost", "model file size")["PR / base"] == "—"
    assert row(table, "cost", "model file size")["PR"] == "2.0 MiB"


def test_an_unmeasured_cost_is_one_line_saying_why() -> None:
    text = serving_cost_section(CostUnavailable("the base's model is not in the cache; run x"))
    assert text.splitlines()[-1] == "Not measured: the base's model is not in the cache; run x."
    assert "|" not in text


def test_a_byte_identical_model_is_one_line_and_no_table() -> None:
    text = serving_cost_section(ModelUnchanged("24396c7993658c2f1e9581b5cfa88daa"))
    assert "byte for byte (md5 `24396c79`)" in text
    assert "|" not in text


def test_the_section_is_empty_when_the_timing_is_off() -> None:
    assert serving_cost_section(None) == ""
