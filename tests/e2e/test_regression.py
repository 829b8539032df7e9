"""A regression fork, as a forker makes one: the bundled project with only `data:` pointed at
a price file, reproduced with `dvc repro`, then reviewed and gated with the default gates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from benchmarks.pipeline import copy_project

from tests.support.datasets import make_regression_frame
from tests.support.markdown import row, table_with
from tests.support.projects import clone_on_a_branch
from tests.support.shell import attempt, sh, stages_run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`main` of a regression fork: data.source, data.target and data.drop edited, nothing else."""
    root = tmp_path_factory.mktemp("regression") / "mlgate"
    copy_project(root)
    make_regression_frame().to_csv(root / "data" / "external" / "houses.csv", index=False)
    path = root / "params.yaml"
    text = path.read_text()
    for old, new in (
        ("source: sklearn:breast_cancer", "source: data/external/houses.csv"),
        ("target: target", "target: sale price"),
        ("drop: []", 'drop: ["listing id"]'),
    ):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text)  # comments and every other default kept
    sh(root, "dvc", "repro")
    sh(root, "git", "add", "-A")
    sh(root, "git", "commit", "-q", "-m", "my prices")
    return root


@pytest.fixture
def branch(upstream: Path, tmp_path: Path) -> Path:
    return clone_on_a_branch(upstream, tmp_path)


def set_model_params(folder: Path, **values: object) -> None:
    path = folder / "params.yaml"
    params = yaml.safe_load(path.read_text())
    params["model"]["params"].update(values)
    path.write_text(yaml.safe_dump(params, sort_keys=False))


def test_auto_decided_regression_and_scored_it(upstream: Path) -> None:
    report = json.loads((upstream / "reports" / "data_validation.json").read_text())
    assert report["schema"]["task"] == "regression"
    assert "'sale price' is numeric" in report["task_reason"]
    metrics = json.loads((upstream / "reports" / "metrics.json").read_text())
    assert metrics["model"]["r2"] > 0.5 > metrics["baseline"]["r2"]
    lock = yaml.safe_load((upstream / "dvc.lock").read_text())
    assert "reports/plots" in {out["path"] for out in lock["stages"]["evaluate"]["outs"]}


def test_the_default_gates_pass_an_unchanged_regressor(branch: Path) -> None:
    assert stages_run(sh(branch, "dvc", "repro")) == []
    gate = attempt(branch, "mlgate", "gate", "--base", "main")
    assert gate.returncode == 0, gate.stdout + gate.stderr
    verdict = json.loads((branch / "reports" / "gate.json").read_text())
    assert verdict["task"] == "regression"
    assert {g["score"] for g in verdict["gates"]} == {"rmse", "mae", "r2"}
    assert "accuracy" in verdict["not_applicable"]


def test_a_degraded_regressor_fails_the_default_gate_and_the_review_shows_why(
    branch: Path,
) -> None:
    set_model_params(branch, max_iter=2, max_depth=1)
    assert sorted(stages_run(sh(branch, "dvc", "repro"))) == ["card", "drift", "evaluate", "train"]
    gate = attempt(branch, "mlgate", "gate", "--base", "main")
    assert gate.returncode == 1, gate.stdout + gate.stderr
    verdict = json.loads((branch / "reports" / "gate.json").read_text())
    failed = {(g["kind"], g["score"]) for g in verdict["gates"] if g["status"] == "failed"}
    assert ("max_regression", "rmse") in failed

    sh(branch, "mlgate", "report", "--base", "main")
    text = (branch / "reports" / "review.md").read_text()
    assert text.splitlines()[2].startswith("❌ **Quality gate failed**")
    # a regressor's serving cost too: two depth-1 trees against the base's hundred
    size = row(table_with(text, "PR / base"), "cost", "model file size")
    assert float(size["PR / base"].removesuffix("×")) < 1
    rmse = row(table_with(text, "Δ"), "metric", "RMSE")
    assert rmse["change"] == "🔴 ▲ worse"
    assert "Not applied (not regression scores):" in text
    assert table_with(text, "actual value")[0]["MAE base"] != "—"
    for picture in ("predicted.png", "residuals.png"):
        assert (branch / "reports" / "review" / picture).read_bytes().startswith(b"\x89PNG")
    assert "![predicted vs actual](review/predicted.png)" in text
    # a regressor's gated scores get paired intervals too, and the gate states them
    intervals = {r["metric"]: r for r in table_with(text, "95% interval")}
    assert {"RMSE", "MAE", "R²"} <= set(intervals)
    assert intervals["RMSE"]["resampling"] == "paired"
    rmse_gate = next(
        g for g in verdict["gates"] if (g["kind"], g["score"]) == ("max_regression", "rmse")
    )
    assert "95% CI [" in rmse_gate["detail"]
    assert "(paired): " in rmse_gate["detail"]
