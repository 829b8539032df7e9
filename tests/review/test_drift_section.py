"""The review's drift section: drifted columns of the PR beside the base's, or nothing."""

from __future__ import annotations

from mlgate.review.drift_section import drift_section
from tests.support.markdown import row, table_with


def summary(drifted: list[str], columns: tuple[str, ...] = ("a", "b", "c")) -> dict[str, object]:
    return {
        "drifted": len(drifted) / len(columns) >= 0.5,
        "drifted_columns": drifted,
        "drift_share": 0.5,
        "columns": {
            name: {
                "method": "wasserstein",
                "statistic": 0.4 if name in drifted else 0.1,
                "threshold": 0.25,
            }
            for name in columns
        },
    }


def test_nothing_without_a_drift_summary() -> None:
    assert drift_section(summary([]), None, None) == ""


def test_drifted_columns_of_pr_and_base_side_by_side() -> None:
    text = drift_section(summary(["a"]), summary(["a", "b"]), "[artifacts](https://x)")
    assert "🔴 the data drifted: 2/3 columns drifted (limit 50%)" in text
    rows = table_with(text, "statistic")
    assert [r["column"] for r in rows] == ["`a`", "`b`"]
    assert (row(rows, "column", "`b`")["PR"], row(rows, "column", "`b`")["base"]) == (
        "drifted",
        "ok",
    )
    assert row(rows, "column", "`a`")["statistic"] == "0.4000"
    assert "in [artifacts](https://x)" in text


def test_no_drift_and_a_first_review() -> None:
    text = drift_section(None, summary([]), None)
    assert text.startswith("### Drift\n\n🟢 no drift: 0/3 columns drifted")
    assert "| column |" not in text


def test_column_names_stay_inert_code() -> None:
    text = drift_section(None, summary(["a|b", "c`d"], ("a|b", "c`d")), None)
    assert "| `a\\|b` |" in text
    assert "| `` c`d `` |" in text


def output(column: str, statistic: float, drifted: bool) -> dict[str, object]:
    return {
        "column": column,
        "kind": "numeric",
        "method": "wasserstein",
        "statistic": statistic,
        "threshold": 0.25,
        "drifted": drifted,
    }


def with_outputs(
    base: dict[str, object], target_drifted: bool, prediction_drifted: bool = False
) -> dict[str, object]:
    return base | {
        "target": output("sale price", 0.4 if target_drifted else 0.1, target_drifted),
        "prediction": output("prediction", 0.3 if prediction_drifted else 0.05, prediction_drifted),
    }


def test_target_and_predictions_have_their_own_rows_outside_the_column_share() -> None:
    base = with_outputs(summary([]), target_drifted=False)
    head = with_outputs(summary([]), target_drifted=True, prediction_drifted=True)
    text = drift_section(base, head, None)
    assert "🟢 no drift: 0/3 columns drifted" in text
    rows = table_with(text, "tested")
    assert [r["tested"] for r in rows] == ["target `sale price`", "predictions"]
    target = row(rows, "tested", "target `sale price`")
    assert (target["statistic"], target["PR"], target["base"]) == ("0.4000", "drifted", "ok")
    assert row(rows, "tested", "predictions")["PR"] == "drifted"
    assert "| column |" not in text


def test_a_base_summary_without_target_or_predictions_still_renders() -> None:
    text = drift_section(summary(["a"]), with_outputs(summary(["a"]), False), None)
    rows = table_with(text, "tested")
    assert [(r["PR"], r["base"]) for r in rows] == [("ok", "—"), ("ok", "—")]
    assert row(table_with(text, "column"), "column", "`a`")["base"] == "drifted"
