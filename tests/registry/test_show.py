"""`mlgate registry show`: GTO's versions and stages with each version's model hash and metrics."""

from __future__ import annotations

import json

from tests.support.cli import mlgate
from tests.support.registry_project import Project, next_second


def test_show_json_lists_versions_stages_hashes_metrics_and_commits(project: Project) -> None:
    mlgate("registry", "register")
    first, first_sha = project.model, project.sha()
    project.merge("main", "staging")
    mlgate("registry", "assign", "--stage", "staging", "--ref", "staging")
    project.set_max_iter(200)
    project.metrics["model"]["accuracy"] = 0.9737
    project.commit("deeper")
    mlgate("registry", "register")
    result = mlgate("registry", "show", "--json")
    assert result.exit_code == 0, result.output
    view = json.loads(result.stdout)
    assert view["artifact"] == "model"
    assert view["path"] == "models/model.skops"
    assert view["stages"] == {"staging": "v0.1.0", "production": None}
    latest, oldest = view["versions"]
    assert (latest["version"], latest["commit"], latest["model_hash"]) == (
        "v0.2.0",
        project.sha(),
        project.model,
    )
    assert latest["stages"] == []
    assert latest["metrics"]["accuracy"] == 0.9737
    assert set(latest["metrics"]) == {"accuracy", "f1", "roc_auc", "log_loss"}
    assert (oldest["version"], oldest["commit"], oldest["model_hash"]) == (
        "v0.1.0",
        first_sha,
        first,
    )
    assert oldest["stages"] == ["staging"]
    assert oldest["registered_at"]


def test_show_prints_a_table(project: Project) -> None:
    mlgate("registry", "register")
    project.merge("main", "production")
    mlgate("registry", "assign", "--stage", "production", "--ref", "production")
    result = mlgate("registry", "show")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "model (models/model.skops); stages: staging: -, production: v0.1.0"
    header = next(line for line in lines if "version" in line)
    for column in ("version", "stages", "model md5", "accuracy", "f1", "roc_auc", "commit"):
        assert column in header
    row = next(line for line in lines[1:] if "v0.1.0" in line)
    assert project.model[:8] in row
    assert "0.9500" in row
    assert project.sha()[:7] in row


def test_show_on_an_empty_registry_says_how_to_register(project: Project) -> None:
    result = mlgate("registry", "show")
    assert result.exit_code == 0
    assert "no registered versions of model" in result.output
    assert json.loads(mlgate("registry", "show", "--json").stdout)["versions"] == []


def test_a_stage_back_on_an_older_version_shows_it_there(project: Project) -> None:
    mlgate("registry", "register")
    mlgate("registry", "assign", "--stage", "production")
    project.set_max_iter(200)
    project.commit("deeper")
    mlgate("registry", "register")
    next_second()
    mlgate("registry", "assign", "--stage", "production")
    next_second()
    result = mlgate("registry", "assign", "--stage", "production", "--ref", "HEAD~1")
    assert "assigned production → model v0.1.0 (was v0.2.0)" in result.output
    view = json.loads(mlgate("registry", "show", "--json").stdout)
    assert view["stages"]["production"] == "v0.1.0"
    assert [v["stages"] for v in view["versions"]] == [[], ["production"]]
