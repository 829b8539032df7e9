"""`mlgate card` on the custom dataset, malformed `card:` sections, and the worst-slice gate
through `mlgate gate` (exit 1 when the worst slice misses its floor)."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import STAGES, assert_clean_failure, run, run_stages
from tests.support.datasets import make_regression_frame, params_with, write_params
from tests.support.shell import git

CARD = Path("reports/model_card.md")
SLICES = Path("reports/slices.json")


def card_params(card: dict[str, Any], **sections: Any) -> dict[str, Any]:
    return params_with() | {"card": card} | sections


def test_card_stage_writes_the_card_and_slices(workdir: Path) -> None:
    write_params(workdir, card_params({"slices": {"numeric_bins": {"size": 3}, "min_rows": 5}}))
    run_stages(*STAGES)
    code, out, err = run("card")
    assert code == 0, err
    assert "card: " in out
    assert "worst" in out
    body = json.loads(SLICES.read_text())
    features = {item["feature"] for item in body["slices"]}
    assert features == {"colour", "region", "size"}
    assert body["worst"]["value"] == min(
        item["scores"]["accuracy"]
        for item in body["slices"]
        if item["ranked"] and item["scores"]["accuracy"] is not None
    )
    text = CARD.read_text()
    assert "## Metrics per slice" in text
    assert "⚠️ **worst**" in text
    data_md5 = hashlib.md5(Path("data/raw/data.parquet").read_bytes()).hexdigest()
    model_md5 = hashlib.md5(Path("models/model.skops").read_bytes()).hexdigest()
    assert f"md5 `{data_md5}`" in text
    assert f"md5 `{model_md5}`" in text


def test_card_stage_bins_the_most_important_numeric_features_by_default(workdir: Path) -> None:
    run_stages(*STAGES)
    code, _, err = run("card")
    assert code == 0, err
    body = json.loads(SLICES.read_text())
    assert (body["metric"], body["direction"]) == ("accuracy", "higher")
    importance = json.loads(Path("reports/plots/importance.json").read_text())
    numeric = [row["feature"] for row in importance if row["feature"] in ("size", "weight")]
    features = [item["feature"] for item in body["slices"] if item["kind"] == "numeric"]
    assert list(dict.fromkeys(features)) == numeric  # both, strongest first
    assert "`card.slices.numeric_bins: auto`" in CARD.read_text()


def test_card_stage_on_a_regression_scores_slices_by_rmse(workdir: Path) -> None:
    # Parquet keeps the numbers' types (the task from a CSV's text is the validate stage's job)
    make_regression_frame().to_parquet("data/external/prices.parquet", index=False)
    data = {
        "source": "data/external/prices.parquet",
        "target": "sale price",
        "task": "regression",
        "drop": ["listing id"],
    }
    write_params(workdir, params_with(data=data, model={"estimator": "auto"}))
    run_stages(*STAGES)
    code, out, err = run("card")
    assert code == 0, err
    assert "RMSE" in out
    body = json.loads(SLICES.read_text())
    assert (body["metric"], body["direction"], body["classes"]) == ("rmse", "lower", [])
    assert body["worst"]["value"] == max(
        item["scores"]["rmse"]
        for item in body["slices"]
        if item["ranked"] and item["scores"]["rmse"] is not None
    )
    text = CARD.read_text()
    assert "`HistGradientBoostingRegressor`" in text
    assert "| RMSE |" in text
    assert "target distribution" in text
    assert "label balance" not in text


def test_card_stage_is_byte_identical_when_rerun(workdir: Path) -> None:
    run_stages(*STAGES, "card")
    first = CARD.read_bytes(), SLICES.read_bytes()
    run_stages("card")
    assert (CARD.read_bytes(), SLICES.read_bytes()) == first


@pytest.mark.parametrize(
    ("card", "message"),
    [
        ({"ownr": "me"}, "card.ownr: unknown key"),
        ({"slices": {"bins": {"size": 3}}}, "card.slices.bins: unknown key"),
        (
            {"slices": {"numeric_bins": {"size": 1}}},
            "card.slices.numeric_bins.size: expected a number of quantile bins (2 to 20)",
        ),
        (
            {"slices": {"numeric_bins": {"size": [12, 8]}}},
            "card.slices.numeric_bins.size: cut points must increase strictly",
        ),
        (
            {"slices": {"numeric_bins": {"size": "quartiles"}}},
            "card.slices.numeric_bins.size: expected a number of quantile bins",
        ),
        ({"slices": {"min_rows": 0}}, "card.slices.min_rows: Input should be greater than"),
        ({"slices": {"metric": "auc"}}, "card.slices.metric: Input should be 'accuracy'"),
        ({"slices": {"metric": "rmse"}}, "card.slices.metric: rmse is not a classification score"),
        ({"slices": {"numeric_bins": "all"}}, "card.slices.numeric_bins: expected auto, {} or"),
        ({"limitations": "none"}, "card.limitations: Input should be a valid tuple"),
        ({"owner": ""}, "card.owner: String should have at least 1 character"),
    ],
)
def test_bad_card_section_is_one_line_and_writes_nothing(
    workdir: Path, card: dict[str, Any], message: str
) -> None:
    run_stages(*STAGES)
    write_params(workdir, card_params(card))
    code, _, err = run("card")
    assert_clean_failure(code, err, message)
    assert not CARD.exists()
    assert not SLICES.exists()


@pytest.mark.parametrize(
    ("column", "why"),
    [("colour", "it is categorical"), ("height", "no such feature"), ("outcome", "the target")],
)
def test_bad_bins_column_is_named_and_nothing_is_written(
    workdir: Path, column: str, why: str
) -> None:
    run_stages(*STAGES)
    write_params(workdir, card_params({"slices": {"numeric_bins": {column: 3}}}))
    code, _, err = run("card")
    assert_clean_failure(
        code, err, f"card.slices.numeric_bins.{column}: not a numeric feature of the validated data"
    )
    assert why in err
    assert not CARD.exists()
    assert not SLICES.exists()


def test_bad_card_before_evaluate_names_the_stage_to_run(workdir: Path) -> None:
    run_stages("ingest", "validate", "split", "train")
    code, _, err = run("card")
    assert_clean_failure(code, err, "reports/metrics.json: not found; run `dvc repro evaluate`")
    assert not CARD.exists()


# ------------------------------------------------------------------ the worst-slice gate


@pytest.fixture
def reviewed(workdir: Path) -> Path:
    """The custom pipeline run and committed on `main` of a git + DVC project (no dvc.yaml:
    nothing is stale), ready for `mlgate gate`."""
    write_params(workdir, card_params({"slices": {"numeric_bins": {"size": 3}}}))
    run_stages(*STAGES, "card")
    git(workdir, "init", "-q", "-b", "main")
    subprocess.run(["dvc", "init", "-q"], cwd=workdir, check=True)
    git(workdir, "add", "-A")
    git(workdir, "commit", "-q", "-m", "pipeline")
    return workdir


def gate_params(worst_slice: dict[str, Any] | None) -> dict[str, Any]:
    return card_params(
        {"slices": {"numeric_bins": {"size": 3}}}, gates={"worst_slice": worst_slice}
    )


def test_gate_fails_when_the_worst_slice_misses_its_floor(reviewed: Path) -> None:
    worst = json.loads(SLICES.read_text())["worst"]
    write_params(reviewed, gate_params({"metric": "accuracy", "min": worst["value"] + 0.01}))
    code, out, err = run("gate", "--base", "main", "--gates-from", "workspace")
    assert code == 1, out + err
    assert "gate failed" in out
    verdict = json.loads(Path("reports/gate.json").read_text())
    (result,) = verdict["gates"]
    assert (result["kind"], result["score"], result["status"]) == (
        "worst_slice",
        "accuracy",
        "failed",
    )
    assert result["value"] == worst["value"]
    assert f"({worst['rows']} rows): {worst['value']:.4f} misses ≥" in result["detail"]


def test_gate_passes_when_the_worst_slice_reaches_its_floor(reviewed: Path) -> None:
    worst = json.loads(SLICES.read_text())["worst"]
    write_params(reviewed, gate_params({"metric": "accuracy", "min": worst["value"]}))
    code, out, err = run("gate", "--base", "main", "--gates-from", "workspace")
    assert code == 0, out + err
    assert json.loads(Path("reports/gate.json").read_text())["gates"][0]["status"] == "passed"


def test_bad_worst_slice_gate_without_slices_json_is_an_error(reviewed: Path) -> None:
    SLICES.unlink()
    write_params(reviewed, gate_params({"metric": "accuracy", "min": 0.5}))
    for command in ("gate", "report"):
        code, _, err = run(command, "--base", "main", "--gates-from", "workspace")
        assert_clean_failure(
            code, err, "reports/slices.json: not found, and gates.worst_slice needs"
        )
    assert not Path("reports/gate.json").exists()
    assert not Path("reports/review.md").exists()


def test_report_links_the_card_and_states_the_worst_slice(reviewed: Path) -> None:
    worst = json.loads(SLICES.read_text())["worst"]
    code, _, err = run("report", "--base", "main", "--gates-from", "workspace")
    assert code == 0, err
    text = Path("reports/review.md").read_text()
    assert "### Model card" in text
    assert "`reports/model_card.md`" in text
    assert f"{worst['value']:.4f} on {worst['rows']} rows" in text
