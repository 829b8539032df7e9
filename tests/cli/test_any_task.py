"""Any tabular task through every stage, editing only params.yaml's `data:` section.

The project's own params.yaml (the bundled example's) with data.source, data.target and
data.drop pointed at data nobody here has seen: a binary churn-like file, three string classes
and a regression, each with awkward names, categoricals, missing values, an id column and a
constant column. Every stage must go green with the other sections' defaults.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests.support.cli import record_model_hash, run
from tests.support.datasets import make_binary_frame, make_custom_frame, make_regression_frame
from tests.support.paths import REPO_ROOT

ALL_STAGES = ("ingest", "validate", "split", "train", "evaluate", "card", "drift")

CASES: dict[str, tuple[Callable[[], pd.DataFrame], str, list[str], str]] = {
    # name: data, target, drop, the task auto must decide
    "binary": (make_binary_frame, "will churn?", ["customer id"], "classification"),
    "multiclass": (make_custom_frame, "outcome", ["row_id"], "classification"),
    "regression": (make_regression_frame, "sale price", ["listing id"], "regression"),
}


def forkers_params(source: str, target: str, drop: list[str]) -> dict:
    """The repository's params.yaml with only the data section's three keys edited."""
    params = yaml.safe_load((REPO_ROOT / "params.yaml").read_text())
    params["data"].update({"source": source, "target": target, "drop": drop})
    return params


def run_every_stage() -> dict[str, str]:
    lines = {}
    for stage in ALL_STAGES:
        code, out, err = run(stage)
        assert code == 0, f"{stage} failed: {err}"
        lines[stage] = out
        if stage == "train":
            record_model_hash(Path.cwd())
    return lines


@pytest.mark.parametrize("case", CASES)
def test_a_forkers_data_goes_green_through_every_stage(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make, target, drop, task = CASES[case]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data" / "external").mkdir(parents=True)
    make().to_csv(tmp_path / "data" / "external" / "mine.csv", index=False)
    params = forkers_params("data/external/mine.csv", target, drop)
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))

    run_every_stage()

    report = json.loads((tmp_path / "reports" / "data_validation.json").read_text())
    assert report["schema"]["task"] == task
    assert report["task_reason"].startswith("auto: ")
    metrics = json.loads((tmp_path / "reports" / "metrics.json").read_text())
    if task == "regression":
        assert set(metrics["model"]) == {"rmse", "mae", "r2", "mape"}
        assert metrics["model"]["rmse"] < 0.9 * metrics["baseline"]["rmse"]
        plots = {"predicted_vs_actual.json", "residuals.json"}
    else:
        assert metrics["model"]["accuracy"] > metrics["baseline"]["accuracy"]
        plots = {"confusion.json", "roc.json", "precision_recall.json"}
    assert plots | {"importance.json", "feature_importance.png"} == {
        path.name for path in (tmp_path / "reports" / "plots").iterdir()
    }
    card = (tmp_path / "reports" / "model_card.md").read_text()
    assert target.replace("?", "") in card or target in card
    slices = json.loads((tmp_path / "reports" / "slices.json").read_text())
    assert slices["slices"], "auto bins and categoricals give slices on any data"
    drift = json.loads((tmp_path / "reports" / "drift.json").read_text())
    assert drift["drifted"] is False  # a random split of one file
