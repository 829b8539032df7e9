"""`dvc repro` in a temporary copy of this repository: the real pipeline, as a forker runs it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tests.support.projects import copy_reproduced
from tests.support.shell import sh, stages_run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reproduced(reproduced_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git copy of the project's files (as committed or about to be), after one `dvc repro`
    (the session's, copied: the first repro's own checks are in `reproduced_project`)."""
    return copy_reproduced(reproduced_project, tmp_path_factory.mktemp("fork") / "mlgate")


@pytest.fixture
def fork(reproduced: Path, tmp_path: Path) -> Path:
    """A private copy of the reproduced fork (cache included) that a test may change."""
    target = tmp_path / "mlgate"
    return copy_reproduced(reproduced, target)


def test_repro_reproduces_the_committed_results_exactly(reproduced: Path) -> None:
    assert sh(reproduced, "git", "status", "--porcelain") == ""


def test_second_repro_runs_no_stage(reproduced: Path) -> None:
    output = sh(reproduced, "dvc", "repro")
    assert stages_run(output) == []
    assert "Data and pipelines are up to date" in output


def test_forced_rerun_gives_byte_identical_metrics(fork: Path) -> None:
    """Training and scoring again give the same bytes (the other stages' determinism: the
    session's first `dvc repro` reproducing the committed results exactly)."""
    before = (fork / "reports" / "metrics.json").read_bytes()
    for stage in ("train", "evaluate"):
        assert stages_run(sh(fork, "dvc", "repro", "--force", "--single-item", stage)) == [stage]
    assert (fork / "reports" / "metrics.json").read_bytes() == before
    assert sh(fork, "git", "status", "--porcelain") == ""


def test_editing_a_model_param_reruns_only_the_model_stages(fork: Path) -> None:
    params = yaml.safe_load((fork / "params.yaml").read_text())
    params["model"]["params"]["max_iter"] = 50
    (fork / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    output = sh(fork, "dvc", "repro")
    # drift reads the model too (classification quality in its report); the card describes it
    assert sorted(stages_run(output)) == ["card", "drift", "evaluate", "train"]
    assert "model.params.max_iter" in sh(fork, "dvc", "params", "diff")
    assert "model.log_loss" in sh(fork, "dvc", "metrics", "diff")  # only changed metrics listed


def test_editing_the_positive_label_does_not_retrain(fork: Path) -> None:
    params = yaml.safe_load((fork / "params.yaml").read_text())
    params["data"]["positive_label"] = 0
    (fork / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    # validate re-checks the label (its report is unchanged, so split and train are skipped)
    assert stages_run(sh(fork, "dvc", "repro")) == ["validate", "evaluate", "card"]


def test_push_then_pull_restores_the_model(fork: Path, tmp_path: Path) -> None:
    remote = tmp_path / "remote"
    sh(fork, "dvc", "remote", "add", "--local", "-d", "scratch", str(remote))
    sh(fork, "dvc", "push")
    model = fork / "models" / "model.skops"
    original = model.read_bytes()
    model.unlink()
    shutil.rmtree(fork / ".dvc" / "cache")
    sh(fork, "dvc", "pull")
    assert model.read_bytes() == original


def test_ci_reproduce_with_a_remote_trains_nothing_and_restores_every_output(
    fork: Path, tmp_path: Path
) -> None:
    """`make reproduce` as the workflows run it (DVC_PULL=true) in a fresh clone: no stage runs,
    and the outputs later steps read (the splits, the model) are in the workspace."""
    remote = tmp_path / "remote"
    sh(fork, "dvc", "remote", "add", "--local", "-d", "ci", str(remote))
    sh(fork, "dvc", "push", "--run-cache")
    clone = tmp_path / "clone"
    sh(tmp_path, "git", "clone", "-q", str(fork), str(clone))
    sh(clone, "dvc", "remote", "add", "--local", "-d", "ci", str(remote))
    # -o setup: use this test run's environment instead of syncing a venv into the clone
    output = sh(clone, "make", "-o", "setup", "reproduce", "DVC_PULL=true")
    assert "pulling from the DVC remote failed" not in output
    assert stages_run(output) == []
    for path in ("models/model.skops", "data/processed/train.parquet", "data/raw/data.parquet"):
        assert (clone / path).is_file(), path
    assert sh(clone, "git", "status", "--porcelain") == ""
