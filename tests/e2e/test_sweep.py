"""`mlgate sweep` in a temporary copy of the project: a grid of real DVC experiments."""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.projects import copy_reproduced, without_dvc_tmp
from tests.support.shell import attempt, sh, stages_run

pytestmark = pytest.mark.slow

# Two keys, two combinations: the product and the ranking at the cost of two pipeline runs.
GRID = {"model.params.max_leaf_nodes": [3, 15], "model.params.max_iter": [40]}
COMBINATIONS = 2
TIMEOUT = 900


def set_sweep(folder: Path, sweep: dict[str, Any], message: str) -> None:
    """Write the `sweep:` section and commit it (a sweep starts from a commit)."""
    params = yaml.safe_load((folder / "params.yaml").read_text())
    params["sweep"] = sweep
    (folder / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    sh(folder, "git", "commit", "-qam", message)


def sweep(folder: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    done = attempt(folder, "mlgate", "sweep", "--json", *args, timeout=TIMEOUT)
    try:
        body = json.loads(done.stdout)
    except ValueError:
        pytest.fail(f"mlgate sweep printed no JSON:\n{done.stdout}\n{done.stderr}")
    return done.returncode, body, done.stderr


def at(folder: Path, rev: str, path: str) -> Any:
    return yaml.safe_load(sh(folder, "git", "show", f"{rev}:{path}"))


def lookup(tree: Any, key: str) -> Any:
    for part in key.split("."):
        tree = tree[part]
    return tree


@pytest.fixture(scope="module")
def swept(
    reproduced_project: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, int, dict[str, Any], str]:
    """The project after `dvc repro` and one sweep (GRID) ranked by log loss, with `--branch`."""
    # the session's reproduced copy: the committed results, the workspace clean
    copy = copy_reproduced(reproduced_project, tmp_path_factory.mktemp("sweep") / "mlgate")
    set_sweep(copy, {"grid": GRID, "jobs": 2, "metric": "log_loss"}, "a sweep of GRID")
    code, body, log = sweep(copy, "--branch", "best-model")
    return copy, code, body, log


@pytest.fixture
def fork(swept: tuple[Path, int, dict[str, Any], str], tmp_path: Path) -> Path:
    target = tmp_path / "mlgate"
    shutil.copytree(swept[0], target, symlinks=True, ignore=without_dvc_tmp)
    return target


def test_every_combination_runs_and_ranks_by_log_loss_ascending(
    swept: tuple[Path, int, dict[str, Any], str],
) -> None:
    folder, code, body, log = swept
    assert code == 0, log
    assert body["failed"] == []
    ranked = body["ranked"]
    combinations = [
        dict(zip(GRID, values, strict=True)) for values in itertools.product(*GRID.values())
    ]
    assert len(combinations) == COMBINATIONS
    assert sorted(map(json.dumps, (r["params"] for r in ranked))) == sorted(
        map(json.dumps, combinations)
    )
    # Each experiment's own commit: its params and metrics, read with git, not from the sweep
    losses = []
    for entry in ranked:
        params = at(folder, entry["rev"], "params.yaml")
        assert {key: lookup(params, key) for key in GRID} == entry["params"]
        metrics = at(folder, entry["rev"], "reports/metrics.json")["model"]
        assert metrics["log_loss"] == entry["scores"]["log_loss"]
        losses.append(metrics["log_loss"])
    assert losses == sorted(losses)
    assert len(set(losses)) > 1  # the grid makes a difference, so the order means something
    assert [r["rank"] for r in ranked] == list(range(1, COMBINATIONS + 1))


def test_branch_holds_the_best_experiment_on_top_of_head(
    swept: tuple[Path, int, dict[str, Any], str],
) -> None:
    folder, _, body, _ = swept
    best = body["ranked"][0]
    assert body["branch"] == "best-model"
    assert sh(folder, "git", "rev-parse", "best-model").strip() == best["rev"]
    assert (
        sh(folder, "git", "rev-parse", "best-model^").strip()
        == sh(folder, "git", "rev-parse", "HEAD").strip()
    )
    params = at(folder, "best-model", "params.yaml")
    assert {key: lookup(params, key) for key in GRID} == best["params"]
    changed = set(sh(folder, "git", "diff", "--name-only", "HEAD", "best-model").split())
    assert {"params.yaml", "dvc.lock", "reports/metrics.json"} <= changed


def test_the_branch_is_up_to_date_for_dvc(fork: Path) -> None:
    """Checked out, the best experiment's branch needs no `dvc repro`: it can go straight to a PR."""
    sh(fork, "git", "checkout", "-q", "best-model")
    sh(fork, "dvc", "checkout")
    assert "Data and pipelines are up to date" in sh(fork, "dvc", "status")


def test_sweep_leaves_the_workspace_as_it_was(
    swept: tuple[Path, int, dict[str, Any], str],
) -> None:
    folder, _, body, _ = swept
    assert sh(folder, "git", "status", "--porcelain", "--untracked-files=all") == ""
    assert body["workspace_changed"] == []
    assert sh(folder, "git", "branch", "--show-current").strip() == "main"


def test_experiments_skip_the_stages_their_params_do_not_touch(
    swept: tuple[Path, int, dict[str, Any], str],
) -> None:
    *_, log = swept
    ran = stages_run(log)
    assert sorted(ran) == sorted(["train", "evaluate", "card", "drift"] * COMBINATIONS), ran


def test_identical_second_sweep_comes_from_the_run_cache_and_applies_the_best(fork: Path) -> None:
    sh(fork, "git", "branch", "-D", "best-model")
    code, body, log = sweep(fork, "--apply")
    assert code == 0, log
    # DVC keeps no run-cache entry for a stage with an uncached output that is neither a metric
    # nor a plot: the card (markdown, committed) is re-written, about 2 s per experiment.
    assert stages_run(log) == ["card"] * COMBINATIONS
    assert log.count("is cached - skipping run") == 3 * COMBINATIONS  # train, evaluate, drift
    ranked = body["ranked"]
    losses = [r["scores"]["log_loss"] for r in ranked]
    assert losses == sorted(losses)
    # --apply: the best experiment is in the workspace, ready to commit as a PR
    best = ranked[0]
    assert body["applied"] == best["name"]
    assert f"applied {best['name']} to the workspace" in log
    params = yaml.safe_load((fork / "params.yaml").read_text())
    for key, value in best["params"].items():
        assert lookup(params, key) == value, key
    metrics = json.loads((fork / "reports" / "metrics.json").read_text())
    assert best["scores"]
    for name, value in best["scores"].items():
        assert metrics["model"][name] == pytest.approx(value), name
    changed = sh(fork, "git", "status", "--porcelain").split()
    assert {"dvc.lock", "params.yaml", "reports/metrics.json"} <= set(changed)
    assert "up to date" in sh(fork, "dvc", "status")


def test_a_failed_experiment_is_reported_and_no_branch_is_made(fork: Path) -> None:
    # l2_regularization=-1 passes the params schema (model.params is free-form) and fails in
    # train; the other experiment has HEAD's values, so the run-cache answers it (no training)
    grid = {"model.params.max_leaf_nodes": [31], "model.params.l2_regularization": [1.0, -1.0]}
    set_sweep(fork, {"grid": grid, "metric": "roc_auc"}, "a sweep with a bad value")
    code, body, log = sweep(fork, "--branch", "not-made")
    assert code == 1
    assert [r["params"] for r in body["ranked"]] == [
        {"model.params.max_leaf_nodes": 31, "model.params.l2_regularization": 1.0}
    ]
    [failed] = body["failed"]
    assert failed["params"] == {
        "model.params.max_leaf_nodes": 31,
        "model.params.l2_regularization": -1.0,
    }
    assert failed["state"] == "failed"
    assert failed["problem"] == f"failed: see `dvc queue logs {failed['name']}`"
    assert "no branch created: 1 experiment(s) failed" in log
    assert body["branch"] is None
    assert attempt(fork, "git", "rev-parse", "--verify", "--quiet", "not-made").returncode != 0
    assert "l2_regularization" in sh(fork, "dvc", "queue", "logs", failed["name"])
    assert sh(fork, "git", "status", "--porcelain", "--untracked-files=all") == ""


def test_no_branch_when_the_best_is_what_head_already_has(fork: Path) -> None:
    set_sweep(fork, {"grid": {"model.params.max_leaf_nodes": [31]}}, "HEAD's own value only")
    code, body, log = sweep(fork, "--branch", "nothing-new")
    assert code == 0, log
    assert body["branch"] is None
    assert "no branch created: the best experiment changes nothing" in log
    assert attempt(fork, "git", "rev-parse", "--verify", "--quiet", "nothing-new").returncode != 0


def test_a_busy_queue_is_refused_before_queueing(fork: Path) -> None:
    sh(fork, "dvc", "exp", "run", "--queue", "--name", "someone-elses", "-S", "data.seed=1")
    done = attempt(fork, "mlgate", "sweep", timeout=TIMEOUT)
    assert done.returncode == 1
    assert done.stderr.strip().startswith(
        "error: the DVC experiment queue already holds 1 queued or running experiment(s) "
        "(someone-elses)"
    )
    assert "sweep-" not in sh(fork, "dvc", "queue", "status")
    sh(fork, "dvc", "queue", "remove", "--all")
