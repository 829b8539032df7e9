"""`mlgate sweep` in a fresh git + DVC repository: bad input is one line and queues nothing.

The sweep itself (DVC queue, run-cache, `--branch`) runs end to end in tests/e2e/test_sweep.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from mlgate.cli import app
from tests.support.paths import REPO_ROOT
from tests.support.sweep_examples import GRID

runner = CliRunner()
BIN = Path(sys.executable).parent


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git + DVC repository holding the project's params.yaml and dvc.yaml (no data needed)."""
    for name in ("params.yaml", "dvc.yaml"):
        (tmp_path / name).write_text((REPO_ROOT / name).read_text())
    monkeypatch.chdir(tmp_path)
    for command in (
        ["git", "init", "-q", "-b", "main"],
        [str(BIN / "dvc"), "init", "-q"],
        ["git", "add", "-A"],
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "project"],
    ):
        subprocess.run(command, cwd=tmp_path, check=True, capture_output=True)
    return tmp_path


def write_sweep(folder: Path, sweep: object) -> None:
    raw = yaml.safe_load((folder / "params.yaml").read_text())
    raw["sweep"] = sweep
    (folder / "params.yaml").write_text(yaml.safe_dump(raw, sort_keys=False))


def nothing_queued(folder: Path) -> bool:
    refs = subprocess.run(
        ["git", "for-each-ref", "refs/exps"], cwd=folder, capture_output=True, text=True
    ).stdout
    return refs == "" and not (folder / ".dvc" / "tmp" / "exps").exists()


@pytest.mark.parametrize(
    ("sweep", "message"),
    [
        ({"grid": {"model.params.max_feature": [1]}}, "sweep.grid.model.params.max_feature: not a key"),
        ({"grid": {"model.params.max_depth": []}}, "sweep.grid.model.params.max_depth: List should have at least 1 item"),
        ({"grid": {"data.seed": list(range(100))}}, "sweep.grid: 100 experiments (100 values); at most 64 per sweep"),
        ({"grid": GRID, "metric": "auc"}, "sweep.metric: Input should be 'accuracy'"),
        ({"grid": {"review.plots": ["images", "mermaid"]}}, "sweep.grid.review.plots: no stage in dvc.yaml depends on it"),
    ],
)  # fmt: skip
def test_bad_sweep_section_is_one_line_and_queues_nothing(
    project: Path, sweep: dict[str, Any], message: str
) -> None:
    write_sweep(project, sweep)
    result = runner.invoke(app, ["sweep"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: params.yaml: ")
    assert message in lines[0]
    assert result.stdout == ""
    assert nothing_queued(project)


def test_missing_sweep_section_is_reported(project: Path) -> None:
    raw = yaml.safe_load((project / "params.yaml").read_text())
    del raw["sweep"]
    (project / "params.yaml").write_text(yaml.safe_dump(raw, sort_keys=False))
    result = runner.invoke(app, ["sweep"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "error: params.yaml: no `sweep:` section; add one with a grid (see docs/sweeps.md)"
    )


@pytest.mark.parametrize(
    ("branch", "message"),
    [
        ("bad..name", "error: --branch 'bad..name': not a valid git branch name"),
        ("main", "error: --branch 'main': the branch exists already; choose another name"),
    ],
)
def test_bad_branch_is_refused_before_anything_runs(
    project: Path, branch: str, message: str
) -> None:
    result = runner.invoke(app, ["sweep", "--branch", branch])
    assert result.exit_code == 1
    assert result.stderr.strip() == message
    assert nothing_queued(project)


def test_bad_jobs_is_a_usage_error(project: Path) -> None:
    result = runner.invoke(app, ["sweep", "--jobs", "0"])
    assert result.exit_code == 2
    assert nothing_queued(project)


def test_dry_run_prints_every_command_and_queues_nothing(project: Path) -> None:
    result = runner.invoke(app, ["sweep", "--dry-run", "--jobs", "2"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == (
        "4 experiments, ranked by ROC AUC (higher is better), 2 at a time. "
        "Nothing queued (--dry-run):"
    )
    queued = [line.split() for line in lines[1:5]]
    assert [q[:5] for q in queued] == [["dvc", "exp", "run", "--queue", "--name"]] * 4
    assert len({q[5] for q in queued}) == 4
    assert [q[6:] for q in queued] == [
        ["-S", f"model.params.max_leaf_nodes={n}", "-S", f"model.params.min_samples_leaf={m}"]
        for n in (15, 31)
        for m in (10, 20)
    ]
    assert lines[5] == "dvc exp run --run-all --jobs 2"
    assert nothing_queued(project)
