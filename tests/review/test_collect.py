"""What DVC reports between two revisions of a tiny repository (git + `dvc init`, no pipeline run)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from dvc.repo import Repo
from typer.testing import CliRunner

from mlgate.cli import app
from mlgate.errors import ArtifactError, ConfigError, ReviewError
from mlgate.review.collect import collect_metrics, collect_params
from mlgate.review.revisions import resolve_base
from mlgate.review.workspace import read_base_gates
from mlgate.vcs.dvc import open_repo
from tests.support.shell import git

DVC_YAML = """\
metrics:
  - reports/metrics.json
  - reports/extra.json
params:
  - params.yaml
"""


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
    with pytest.raises(ReviewError, match="DVC could not read the metrics of this workspace"):
        collect_metrics(open_repo(repo), resolve_base(repo, "main"), "reports/metrics.json")


def test_missing_workspace_metrics_say_to_run_dvc_repro(repo: Path) -> None:
    (repo / "reports" / "metrics.json").unlink()
    (repo / "reports" / "extra.json").unlink()
    with pytest.raises(
        ArtifactError, match=r"no metrics in this workspace .*run `dvc repro` first"
    ):
        collect_metrics(open_repo(repo), resolve_base(repo, "main"), "reports/metrics.json")


def test_corrupt_base_metrics_do_not_switch_the_regression_gates_off(repo: Path) -> None:
    write(repo, "reports/metrics.json", "{not json")
    git(repo, "commit", "-qam", "corrupt")
    git(repo, "branch", "corrupt")
    write(repo, "reports/metrics.json", {"model": {"accuracy": 0.5}})
    with pytest.raises(ReviewError, match=r"DVC could not read the metrics of corrupt \(\w{7}\)"):
        collect_metrics(open_repo(repo), resolve_base(repo, "corrupt"), "reports/metrics.json")


def test_base_without_metrics_is_a_first_review(repo: Path) -> None:
    git(repo, "rm", "-q", "--cached", "reports/metrics.json", "reports/extra.json")
    git(repo, "commit", "-qm", "no metrics yet")
    metrics = collect_metrics(open_repo(repo), resolve_base(repo, "HEAD"), "reports/metrics.json")
    assert metrics
    assert all(m.base is None and m.movement == "added" for m in metrics)


def test_broken_dvc_yaml_is_one_line_not_a_traceback(repo: Path) -> None:
    write(repo, "params.yaml", "data: {source: x, target: y}\nmodel: {estimator: a.B}\n")
    write(repo, "dvc.yaml", "stages: [broken")
    result = CliRunner().invoke(app, ["gate", "--base", "main"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: DVC could not check whether the pipeline is up to date")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output + result.stderr


GOOD_PARAMS = (
    "data: {source: x, target: y}\nmodel: {estimator: a.B}\ngates: {thresholds: {accuracy: 0.8}}\n"
)


@pytest.fixture
def project(repo: Path) -> Path:
    """The tiny repository with a params.yaml the CLI accepts, committed on main."""
    write(repo, "params.yaml", GOOD_PARAMS)
    git(repo, "commit", "-qam", "cli params")
    return repo


def test_cli_refuses_to_run_from_a_subdirectory(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project / "reports")
    result = CliRunner().invoke(app, ["gate", "--base", "main", "--params", "../params.yaml"])
    assert result.exit_code == 1
    assert "error: run from the project root" in result.stderr


def test_absolute_params_path_still_reads_the_base_gates(project: Path) -> None:
    write(project, "params.yaml", GOOD_PARAMS.replace("0.8", "0.1"))
    result = CliRunner().invoke(
        app, ["gate", "--base", "main", "--params", str(project / "params.yaml")]
    )
    assert result.exit_code == 0, result.output
    verdict = json.loads((project / "reports" / "gate.json").read_text())
    assert verdict["gates_from"].startswith("`params.yaml` at `main`")
    assert verdict["gates"][0]["requirement"] == "≥ 0.8"


def test_unwritable_output_is_one_line(project: Path) -> None:
    result = CliRunner().invoke(app, ["gate", "--base", "main", "--out", "params.yaml/gate.json"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert "params.yaml/gate.json: cannot write here (File exists)" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_stale_pipeline_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stage whose params changed since it ran: its metrics do not measure the workspace."""
    monkeypatch.chdir(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    Repo.init(str(tmp_path)).close()
    write(
        tmp_path,
        "params.yaml",
        "data: {source: x, target: y}\nmodel: {estimator: a.B, params: {d: 1}}\n",
    )
    stage = "stages:\n  score:\n    cmd: python -c \"open('m.json','w').write('{}')\"\n    params: [model.params]\n    metrics: [{m.json: {cache: false}}]\n"
    write(tmp_path, "dvc.yaml", stage)
    Repo(str(tmp_path)).reproduce()
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    write(
        tmp_path,
        "params.yaml",
        "data: {source: x, target: y}\nmodel: {estimator: a.B, params: {d: 2}}\n",
    )
    result = CliRunner().invoke(app, ["gate", "--base", "main"])
    assert result.exit_code == 1
    assert "the pipeline is out of date (stages: score)" in result.stderr
