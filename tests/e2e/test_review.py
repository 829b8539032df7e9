"""`mlgate report` and `mlgate gate` in a temporary fork: `main` plus a branch, real `dvc repro`.

The fork trains on the bundled-free custom dataset (three string classes, categoricals), so
these runs also cover a multiclass review.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from benchmarks.pipeline import copy_project

from tests.support.datasets import make_custom_frame, params_with
from tests.support.markdown import row, table_with
from tests.support.projects import clone_on_a_branch
from tests.support.shell import attempt, sh, stages_run

pytestmark = pytest.mark.slow

GATES = {
    "thresholds": {"accuracy": 0.7},
    "max_regression": {"accuracy": 0.03, "roc_auc": "2%", "log_loss": 0.1},
    "baseline_margin": {"accuracy": 0.2},
}


def set_params(folder: Path, **model_params: Any) -> None:
    path = folder / "params.yaml"
    params = yaml.safe_load(path.read_text())
    params["model"]["params"].update(model_params)
    path.write_text(yaml.safe_dump(params, sort_keys=False))


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`main` of a fork on the custom data, reproduced and committed as a forker would."""
    root = tmp_path_factory.mktemp("review") / "mlgate"
    copy_project(root)
    make_custom_frame().to_csv(root / "data" / "external" / "custom.csv", index=False)
    params = yaml.safe_load((root / "params.yaml").read_text())
    for section, values in params_with().items():  # every key stays present, as DVC requires
        params[section].update(values)
    params["gates"] = GATES
    params["card"]["slices"]["numeric_bins"] = {"size": 3}
    # Timing both models adds seconds to every report; tests/review/test_serving_cost_input.py
    # covers it.
    params["review"]["serving_cost"]["enabled"] = False
    (root / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    sh(root, "dvc", "repro")
    sh(root, "git", "add", "-A")
    sh(root, "git", "commit", "-q", "-m", "custom data")
    return root


@pytest.fixture
def branch(upstream: Path, tmp_path: Path) -> Path:
    return clone_on_a_branch(upstream, tmp_path)


def review(folder: Path, *extra: str) -> str:
    sh(folder, "mlgate", "report", "--base", "main", *extra)
    return (folder / "reports" / "review.md").read_text()


def test_a_degraded_hyperparameter_change_shows_its_deltas_and_fails_the_gate(
    branch: Path,
) -> None:
    """One PR, one `dvc repro`: the params and metric deltas as the review shows them, and the
    gate and the review agreeing on what failed."""
    set_params(branch, max_iter=1, max_depth=1)
    assert sorted(stages_run(sh(branch, "dvc", "repro"))) == ["card", "drift", "evaluate", "train"]
    gate = attempt(branch, "mlgate", "gate", "--base", "main")
    assert gate.returncode == 1, gate.stdout + gate.stderr
    verdict = json.loads((branch / "reports" / "gate.json").read_text())
    failed = {(g["kind"], g["score"]) for g in verdict["gates"] if g["status"] == "failed"}
    assert ("max_regression", "accuracy") in failed
    assert verdict["passed"] is False
    assert verdict["base"]["sha"] == sh(branch, "git", "rev-parse", "main").strip()

    text = review(branch, "--plots", "images", "--summary", "reports/summary.md")
    # The job summary's copy, from the same run: the same review, its plots a link, not images
    summary = (branch / "reports" / "summary.md").read_text()
    assert "](review/" in text
    assert "](review/" not in summary
    for part in (lambda md: md.split("### Params")[0], lambda md: md.split("### Uncertainty")[1]):
        assert part(summary) == part(text)
    assert table_with(text, "param") == [
        {"param": "`model.params.max_depth`", "base": "`5`", "PR": "`1`"},
        {"param": "`model.params.max_iter`", "base": "`30`", "PR": "`1`"},
    ]
    metrics = table_with(text, "Δ")
    before = json.loads(sh(branch, "git", "show", "main:reports/metrics.json"))["model"]
    after = json.loads((branch / "reports" / "metrics.json").read_text())["model"]
    auc = row(metrics, "metric", "ROC AUC")
    assert auc["base `" + sh(branch, "git", "rev-parse", "--short=7", "main").strip() + "`"] == (
        f"{before['roc_auc']:.4f}"
    )
    assert auc["PR workspace"] == f"{after['roc_auc']:.4f}"
    assert auc["Δ"] == f"{after['roc_auc'] - before['roc_auc']:+.4f}".replace("-", "−")
    (model,) = table_with(text, "DVC-tracked path")
    assert model["DVC-tracked path"] == "`models/model.skops`"
    # three classes: a 3 × 3 confusion matrix as PNG beside the markdown
    assert (branch / "reports" / "review" / "confusion.png").read_bytes().startswith(b"\x89PNG")
    assert "![confusion matrix](review/confusion.png)" in text

    headline = text.splitlines()[2]
    assert headline.startswith("❌ **Quality gate failed**")
    assert "regression vs base on accuracy" in headline
    reported = {
        (g["gate"], g["metric"])
        for g in table_with(text, "requirement")
        if g["result"] == "❌ fail"
    }
    assert ("regression vs base", "accuracy") in reported
    assert len(reported) == verdict["failed"]  # the report and the gate agree, gate by gate

    # slices vs base: the worst-moved slice heads the table, and the slice gate names it
    base_slices = json.loads(sh(branch, "git", "show", "main:reports/slices.json"))["slices"]
    head_slices = json.loads((branch / "reports" / "slices.json").read_text())["slices"]
    was = {(s["feature"], s["name"]): s["scores"]["accuracy"] for s in base_slices}
    drops = sorted(
        (was[s["feature"], s["name"]] - s["scores"]["accuracy"], s["feature"], s["name"])
        for s in head_slices
        if s["ranked"] and (s["feature"], s["name"]) in was
    )
    drop = drops[-1][0]
    assert drop > 0
    worst = {f"`{feature}` `{name}`": feature for d, feature, name in drops if d == drop}
    moved = table_with(text, "rows (base → PR)")
    assert moved[0]["slice"] in worst
    assert moved[0]["Δ"] == "🔴 " + f"{-drop:+.4f}".replace("-", "−")
    # the same test rows on both sides: each shown slice's paired interval holds its Δ
    low, high = (
        float(bound.replace("−", "-"))
        for bound in moved[0]["interval"].removeprefix("[").removesuffix("]").split(", ")
    )
    assert low <= -drop <= high
    assert "Intervals: paired bootstrap, 95%, of each slice's Δ" in text
    params = yaml.safe_load((branch / "params.yaml").read_text())
    params["gates"]["slice_regression"] = {"tolerance": drop - 0.01, "min_rows": 10}
    (branch / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    sliced = attempt(branch, "mlgate", "gate", "--base", "main", "--gates-from", "workspace")
    assert sliced.returncode == 1, sliced.stdout + sliced.stderr
    verdict = json.loads((branch / "reports" / "gate.json").read_text())
    (result,) = [g for g in verdict["gates"] if g["kind"] == "slice_regression"]
    assert result["status"] == "failed"
    assert result["detail"].startswith(f"{worst[moved[0]['slice']]} ")
    assert f"drop {drop:.4f}" in result["detail"]
    # Uncertainty: both sides scored on the same test rows, so paired intervals, one per
    # max_regression score; the gate's details state each one and whether it is significant.
    intervals = table_with(text, "95% interval")
    assert [r["metric"] for r in intervals] == ["accuracy", "ROC AUC", "log loss"]
    assert {r["resampling"] for r in intervals} == {"paired"}
    assert "same " in text.split("### Uncertainty", 1)[1].split("###", 1)[0]
    drawn = json.loads((branch / "reports" / "review" / "review.json").read_text())["intervals"]
    assert drawn["paired"] is True
    by_metric = {item["metric"]: item for item in drawn["intervals"]}
    accuracy = by_metric["accuracy"]
    assert accuracy["delta"] == pytest.approx(after["accuracy"] - before["accuracy"], abs=1e-6)
    assert accuracy["low"] <= accuracy["delta"] <= accuracy["high"]
    details = {g["score"]: g["detail"] for g in verdict["gates"] if g["kind"] == "max_regression"}
    for score, label in (
        ("accuracy", "accuracy"),
        ("roc_auc", "ROC AUC"),
        ("log_loss", "log loss"),
    ):
        wording = "significant" if by_metric[score]["significant"] else "not significant"
        assert details[score].endswith(f"(paired): {wording}"), details[score]
        shown = row(intervals, "metric", label)["significant"]
        assert (shown != "no") == by_metric[score]["significant"]


def test_unchanged_branch_reports_no_metric_changes(branch: Path) -> None:
    assert stages_run(sh(branch, "dvc", "repro")) == []
    gate = attempt(branch, "mlgate", "gate", "--base", "main")
    assert gate.returncode == 0, gate.stdout + gate.stderr
    text = review(branch)
    assert "no metric changes" in text.splitlines()[2]
    assert "No changes: metrics, params and DVC-tracked data are identical to the base." in text


def test_more_data_shows_rows_before_and_after(branch: Path) -> None:
    make_custom_frame(rows=360, seed=1).to_csv(
        branch / "data" / "external" / "custom.csv", index=False
    )
    sh(branch, "dvc", "repro")
    text = review(branch, "--plots", "mermaid")
    raw = row(table_with(text, "DVC-tracked path"), "DVC-tracked path", "`data/raw/data.parquet`")
    assert raw["rows × columns"] == "300 × 6 → 360 × 6"
    assert "Validated raw data: 300 → 360 rows" in text
    assert "```mermaid" in text
    assert "![" not in text
    matrix = table_with(text, "actual \\ predicted")
    assert [r["actual \\ predicted"] for r in matrix] == ["**high**", "**low**", "**mid**"]
    # other test rows (more data): each side is resampled on its own, and the review says so
    intervals = table_with(text, "95% interval")
    assert {r["resampling"] for r in intervals} == {"unpaired"}
    before = json.loads(sh(branch, "git", "show", "main:reports/metrics.json"))["test_rows"]
    after = json.loads((branch / "reports" / "metrics.json").read_text())["test_rows"]
    assert f"the test rows differ ({before} at the base, {after} here" in text
    # no slice holds the same rows on both sides: no slice intervals, said once above the table
    assert table_with(text, "rows (base → PR)")
    slices = text.split("#### Slices that moved most", 1)[1]
    assert (
        slices.count(f"No intervals: the test rows differ ({before} at the base, {after} here)")
        == 1
    )


def test_first_pull_request_against_a_base_without_metrics(branch: Path) -> None:
    sh(branch, "git", "rm", "-q", "--cached", "reports/metrics.json")
    sh(branch, "git", "commit", "-q", "-m", "a base with no metrics")
    sh(branch, "git", "branch", "-f", "main")
    text = review(branch)
    assert "first review: the base has no metrics yet" in text.splitlines()[2]
    assert all(r["Δ"] == "—" for r in table_with(text, "Δ"))
    assert attempt(branch, "mlgate", "gate", "--base", "main").returncode == 0


def test_pull_request_cannot_loosen_the_gate_that_judges_it(branch: Path) -> None:
    set_params(branch, max_iter=1, max_depth=1)
    params = yaml.safe_load((branch / "params.yaml").read_text())
    params["gates"] = {}
    (branch / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    sh(branch, "dvc", "repro")
    assert attempt(branch, "mlgate", "gate", "--base", "main").returncode == 1
    text = review(branch)
    assert "this PR changes `gates:`" in text


def test_a_slice_gate_fails_the_pr_and_the_review_states_the_worst_slice(branch: Path) -> None:
    worst = json.loads((branch / "reports" / "slices.json").read_text())["worst"]
    params = yaml.safe_load((branch / "params.yaml").read_text())
    params["gates"]["worst_slice"] = {"metric": "accuracy", "min": worst["value"] + 0.05}
    (branch / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    assert stages_run(sh(branch, "dvc", "repro")) == []  # gates are read by no stage
    # the base's gates (no slice gate) judge by default; the branch's own apply once merged
    assert attempt(branch, "mlgate", "gate", "--base", "main").returncode == 0
    gate = attempt(branch, "mlgate", "gate", "--base", "main", "--gates-from", "workspace")
    assert gate.returncode == 1, gate.stdout + gate.stderr
    verdict = json.loads((branch / "reports" / "gate.json").read_text())
    failed = [(g["kind"], g["score"]) for g in verdict["gates"] if g["status"] == "failed"]
    assert failed == [("worst_slice", "accuracy")]

    text = review(branch, "--gates-from", "workspace")
    assert "worst slice on accuracy" in text.splitlines()[2]
    card = text.split("### Model card")[1]
    assert "`reports/model_card.md` in this branch" in card
    assert f"{worst['value']:.4f} on {worst['rows']} rows" in card
    assert "; base: " in card  # main's slices.json, for comparison
