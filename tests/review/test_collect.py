"""What DVC reports between two revisions of a tiny repository (git + `dvc init`, no pipeline run)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from dvc.repo import Repo
from typer.testing import CliRunner

from mlgate.cli import app
from mlgate.errors import ConfigError, ReviewError
from mlgate.review.collect import collect_metrics, collect_params, open_repo, read_base_gates
from mlgate.review.revisions import resolve_base

DVC_YAML = """\
metrics:
  - reports/metrics.json
  - reports/extra.json
params:
  - params.yaml
"""


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=folder,
        check=True,
        capture_output=True,
    )


def write(folder: Path, name: str, body: object) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body if isinstance(body, str) else json.dumps(body))


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`main` holds metrics and params; the test changes the workspace."""
    monkeypatch.chdir(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    Repo.init(str(tmp_path)).close()
    write(tmp_path, "dvc.yaml", DVC_YAML)
    write(tmp_path, "params.yaml", "model:\n  depth: 8\ngates:\n  thresholds:\n    accuracy: 0.9\n")
    write(
        tmp_path, "reports/metrics.json", {"model": {"accuracy": 0.9, "recall": 0.8}, "note": "x"}
    )
    write(tmp_path, "reports/extra.json", {"latency_ms": 12})
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "base")
    return tmp_path


def test_metrics_added_removed_and_non_numeric(repo: Path) -> None:
    write(repo, "reports/metrics.json", {"model": {"accuracy": 0.95, "f1": 0.7}, "note": "y"})
    metrics = {
        m.name: m
        for m in collect_metrics(
            open_repo(repo), resolve_base(repo, "main"), "reports/metrics.json"
        )
    }
    assert set(metrics) == {
        "model.accuracy",
        "model.f1",
        "model.recall",
        "reports/extra.json:latency_ms",
    }
    assert (metrics["model.accuracy"].base, metrics["model.accuracy"].head) == (0.9, 0.95)
    assert metrics["model.f1"].movement == "added"
    assert metrics["model.recall"].movement == "removed"
    assert metrics["reports/extra.json:latency_ms"].movement == "unchanged"


def test_params_diff_lists_only_changed_params(repo: Path) -> None:
    write(repo, "params.yaml", "model:\n  depth: 3\ngates:\n  thresholds:\n    accuracy: 0.9\n")
    changes = collect_params(open_repo(repo), resolve_base(repo, "main"))
    assert [(c.name, c.base, c.head) for c in changes] == [("model.depth", 8, 3)]


def test_base_gates_are_read_from_the_base_revision(repo: Path) -> None:
    write(repo, "params.yaml", "model:\n  depth: 8\ngates: {}\n")
    gates = read_base_gates(open_repo(repo), resolve_base(repo, "main"), "params.yaml")
    assert gates is not None
    assert gates.thresholds == {"accuracy": 0.9}


def test_malformed_gates_at_the_base_name_the_revision(repo: Path) -> None:
    write(repo, "params.yaml", "gates:\n  thresholds:\n    acc: 1\n")
    git(repo, "commit", "-qam", "bad gates")
    with pytest.raises(ConfigError, match=r"params.yaml at main \(\w{7}\): gates.thresholds.acc"):
        read_base_gates(open_repo(repo), resolve_base(repo, "main"), "params.yaml")


def test_unreadable_workspace_metrics_are_one_clear_error(repo: Path) -> None:
    write(repo, "reports/metrics.json", '{"model": {"accuracy": ')
    with pytest.raises(ReviewError, match="DVC could not read this workspace's metrics"):
        collect_metrics(open_repo(repo), resolve_base(repo, "main"), "reports/metrics.json")


def test_broken_dvc_yaml_is_one_line_not_a_traceback(repo: Path) -> None:
    write(repo, "params.yaml", "data: {source: x, target: y}\nmodel: {estimator: a.B}\n")
    write(repo, "dvc.yaml", "stages: [broken")
    result = CliRunner().invoke(app, ["gate", "--base", "main"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: DVC could not read this workspace's metrics")
    assert "Traceback" not in result.output + result.stderr


def test_outside_a_dvc_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    git(tmp_path, "init", "-q")
    with pytest.raises(ReviewError, match="not a DVC repository"):
        open_repo(tmp_path)
