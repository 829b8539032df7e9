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

from tests.support.cli import assert_clean_failure, record_model_hash, run
from tests.support.datasets import make_binary_frame, make_custom_frame, make_regression_frame
from tests.support.paths import REPO_ROOT

ALL_STAGES = ("ingest", "validate", "split", "train", "evaluate", "card", "drift")

CASES: dict[str, tuple[Callable[[], pd.DataFrame], str, list[str], str]] = {
    # name: data, target, drop, the task auto must decide
    "binary": (make_binary_frame, "will churn?", ["customer id"], "classification"),
    "multiclass": (make_custom_frame, "outcome", ["row_id"], "classification"),
    "regression": (make_regression_frame, "sale price", ["listing id"], "regression"),
}


CATEGORICAL = {
    "binary": ["contract type", "plan"],
    "multiclass": ["colour", "region"],
    "regression": ["district/zone", "country"],
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
    assert report["schema"]["categorical"] == CATEGORICAL[case]  # inferred from text columns
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


# ------------------------------------------------------------------ bad input, one line each


@pytest.fixture
def houses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The regression data, ingested, with the forker's params."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data" / "external").mkdir(parents=True)
    make_regression_frame().to_csv(tmp_path / "data" / "external" / "mine.csv", index=False)
    write_data(tmp_path)
    code, _, err = run("ingest")
    assert code == 0, err
    return tmp_path


def write_data(folder: Path, **data: object) -> None:
    params = forkers_params("data/external/mine.csv", "sale price", ["listing id"])
    params["data"].update(data)
    (folder / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))


def written(folder: Path) -> set[str]:
    return {
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.is_file() and "external" not in path.parts and path.name != "params.yaml"
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"target": "price"}, "data.target: column(s) 'price' not in the data"),
        ({"drop": ["listing id", "agent"]}, "data.drop: column(s) 'agent' not in the data"),
        (
            {"target": "district/zone", "task": "regression"},
            "data.task: regression needs a numeric target; 'district/zone' holds values that are not numbers",
        ),
    ],
)
def test_bad_data_settings_are_one_line_and_write_nothing(
    houses: Path, data: dict, message: str
) -> None:
    write_data(houses, **data)
    code, _, err = run("validate")
    assert_clean_failure(code, err, message)
    assert written(houses) == {"data/raw/data.parquet"}


def test_a_regression_target_with_text_in_it_is_named(houses: Path) -> None:
    frame = make_regression_frame().astype({"sale price": object})
    frame.loc[3, "sale price"] = "call us"
    frame.to_csv(houses / "data" / "external" / "mine.csv", index=False)
    write_data(houses, task="regression")
    assert run("ingest")[0] == 0
    code, _, err = run("validate")
    assert_clean_failure(
        code, err, "data.task: regression needs a numeric target; 'sale price' holds values that"
    )
    assert "(e.g. 'call us')" in err
    assert written(houses) == {"data/raw/data.parquet"}


def test_auto_names_stray_text_in_a_numeric_target(houses: Path) -> None:
    frame = make_regression_frame().astype({"sale price": object})
    frame.loc[3, "sale price"] = "call us"
    frame.to_csv(houses / "data" / "external" / "mine.csv", index=False)
    assert run("ingest")[0] == 0
    code, _, err = run("validate")
    assert_clean_failure(
        code, err, "data.target: 'sale price' is numbers but for a few values (e.g. 'call us')"
    )
    assert written(houses) == {"data/raw/data.parquet"}


@pytest.mark.parametrize("target", ["sale price", "prediction"])
def test_a_column_named_prediction_is_refused_unless_dropped(houses: Path, target: str) -> None:
    """Drift checks put the model's predictions beside the features under that name: a column
    of the data with it would be overwritten silently."""
    frame = make_regression_frame().rename(columns={"rooms#": "prediction"})
    if target == "prediction":
        frame = frame.rename(columns={"prediction": "rooms#", "sale price": "prediction"})
    frame.to_csv(houses / "data" / "external" / "mine.csv", index=False)
    write_data(houses, target=target)
    assert run("ingest")[0] == 0
    code, _, err = run("validate")
    assert_clean_failure(code, err, "data: the column 'prediction' is reserved")
    assert written(houses) == {"data/raw/data.parquet"}
    if target == "sale price":
        write_data(houses, drop=["listing id", "prediction"])
        assert run("validate")[0] == 0
