"""`mlgate rollback`: a branch off the stage branch restoring a version's lock entries and params."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.support.cli import mlgate
from tests.support.registry_project import TRAIN_CODE, Project, next_second

BRANCH = "rollback/production-v0.1.0"


def promote(project: Project, source: str, stage: str) -> None:
    project.merge(source, stage)
    result = mlgate("registry", "assign", "--stage", stage, "--ref", stage)
    assert result.exit_code == 0, result.output


@pytest.fixture
def released(project: Project) -> Project:
    """v0.1.0 then v0.2.0 (max_iter 100 → 200) went through staging to production."""
    mlgate("registry", "register")
    promote(project, "main", "staging")
    promote(project, "staging", "production")
    project.set_max_iter(200)
    project.commit("Deeper trees")
    mlgate("registry", "register")
    next_second()
    promote(project, "main", "staging")
    promote(project, "staging", "production")
    return project


def show(project: Project, ref: str, path: str) -> str:
    return project.git("show", f"{ref}:{path}")


def lock(project: Project, ref: str) -> dict[str, dict[str, object]]:
    return dict(yaml.safe_load(show(project, ref, "dvc.lock"))["stages"])


def rollback_branches(project: Project) -> list[str]:
    return project.git("branch", "--list", "rollback/*", "--format=%(refname:short)").split()


def test_rollback_restores_the_previous_versions_entries_and_params(released: Project) -> None:
    project = released
    tags_before = project.tags()
    result = mlgate("rollback", "--stage", "production")
    assert result.exit_code == 0, result.output
    assert f"✓ {BRANCH}" in result.output
    assert "production v0.2.0 → v0.1.0" in result.output
    assert project.sha(f"{BRANCH}^") == project.sha("production")

    version, now, restored = (lock(project, ref) for ref in ("model@v0.1.0", "production", BRANCH))
    for stage in ("train", "evaluate", "drift"):
        assert restored[stage] == version[stage], stage
    for stage in ("ingest", "validate", "split"):
        assert restored[stage] == now[stage], stage
    params_now = show(project, "production", "params.yaml")
    assert show(project, BRANCH, "params.yaml") == params_now.replace(
        "max_iter: 200", "max_iter: 100", 1
    )  # one line: comments, gates and the rest as on production
    for path in ("reports/metrics.json", "reports/plots/roc.json"):
        assert show(project, BRANCH, path) == show(project, "model@v0.1.0", path)

    changed = project.git("diff", "--name-only", "production", BRANCH).split()
    assert sorted(changed) == [
        "dvc.lock",
        "params.yaml",
        "reports/metrics.json",
        "reports/plots/roc.json",
    ]
    message = project.git("log", "-1", "--format=%B", BRANCH)
    assert message.startswith("Roll production back to model v0.1.0")
    assert f"Restored from commit `{project.sha('model@v0.1.0^{commit}')}`" in message
    assert "`model.params.max_iter`: `200` → `100`" in message
    assert "entries of stage(s) `train`, `evaluate`, `drift`" in message
    # Nothing else moved: the workspace, the current branch, the tags.
    assert project.git("rev-parse", "--abbrev-ref", "HEAD") == "main"
    assert project.git("status", "--porcelain") == ""
    assert project.tags() == tags_before


def test_merging_the_rollback_puts_production_back_on_the_version(released: Project) -> None:
    project = released
    mlgate("rollback", "--stage", "production")
    next_second()
    promote(project, BRANCH, "production")
    view = json.loads(mlgate("registry", "show", "--json").stdout)
    assert view["stages"] == {"staging": "v0.2.0", "production": "v0.1.0"}
    assert mlgate("registry", "version", "--ref", "production").stdout == "v0.1.0\n"


def test_rollback_to_a_named_version(released: Project) -> None:
    result = mlgate("rollback", "--stage", "production", "--to", "v0.1.0")
    assert result.exit_code == 0, result.output
    assert rollback_branches(released) == [BRANCH]


def test_preparing_the_same_rollback_again_finds_its_branch(released: Project) -> None:
    first = mlgate("rollback", "--stage", "production")
    again = mlgate("rollback", "--stage", "production")
    assert again.exit_code == 0, again.output
    assert first.output.split("(")[1][:7] == again.output.split("(")[1][:7]


def test_an_unknown_version_is_one_line_and_writes_nothing(released: Project) -> None:
    tags = released.tags()
    result = mlgate("rollback", "--stage", "production", "--to", "v9.9.9")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: --to v9.9.9: not a registered version of 'model' (registered: v0.2.0, v0.1.0)\n"
    )
    assert rollback_branches(released) == []
    assert released.tags() == tags


def test_an_unknown_stage_is_one_line_and_writes_nothing(released: Project) -> None:
    result = mlgate("rollback", "--stage", "prod")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: --stage prod: not a stage (expected one of: staging, production)\n"
    )
    assert rollback_branches(released) == []


def test_a_stage_that_never_changed_version_needs_a_version(project: Project) -> None:
    mlgate("registry", "register")
    promote(project, "main", "production")
    result = mlgate("rollback", "--stage", "production")
    assert result.exit_code == 1
    assert "no earlier version was assigned to production" in result.stderr
    assert rollback_branches(project) == []


def test_rolling_back_to_the_version_in_place_is_refused(released: Project) -> None:
    result = mlgate("rollback", "--stage", "production", "--to", "v0.2.0")
    assert result.exit_code == 1
    assert "production already holds model v0.2.0" in result.stderr
    assert rollback_branches(released) == []


def test_a_code_change_since_the_version_cannot_be_rolled_back_by_lock(project: Project) -> None:
    mlgate("registry", "register")
    promote(project, "main", "production")
    project.change_code(TRAIN_CODE)
    project.commit("New training code")
    mlgate("registry", "register")
    next_second()
    promote(project, "main", "production")
    result = mlgate("rollback", "--stage", "production")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert f"{TRAIN_CODE} changed since v0.1.0 (stage 'train' reads it)" in result.stderr
    assert rollback_branches(project) == []


@pytest.fixture
def gh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `gh` that records its arguments and answers like GitHub."""
    calls = tmp_path / "gh-calls.jsonl"
    script = tmp_path / "bin" / "gh"
    script.parent.mkdir()
    script.write_text(
        "#!/usr/bin/env python3\n"
        "import json, sys\n"
        f"open({str(calls)!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n"
        "print('[]' if sys.argv[1:3] == ['pr', 'list'] else 'https://github.com/o/r/pull/7')\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{script.parent}{os.pathsep}{os.environ['PATH']}")
    return calls


def test_push_opens_the_pull_request_into_the_stage(
    released: Project, gh: Path, tmp_path: Path
) -> None:
    origin = tmp_path / "origin.git"
    subprocess.run(["git", "init", "-q", "--bare", str(origin)], check=True)
    released.git("remote", "add", "origin", str(origin))
    released.git("push", "-q", "origin", "main", "staging", "production")
    released.git("fetch", "-q", "origin")
    result = mlgate("rollback", "--stage", "production", "--push")
    assert result.exit_code == 0, result.output
    assert "opened: https://github.com/o/r/pull/7" in result.output
    pushed = subprocess.run(
        ["git", "rev-parse", BRANCH], cwd=origin, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert pushed == released.sha(BRANCH)
    create = [json.loads(line) for line in gh.read_text().splitlines()][-1]
    assert create[:6] == ["pr", "create", "--base", "production", "--head", BRANCH]
    assert create[create.index("--title") + 1] == "Roll production back to model v0.1.0"
    body = create[create.index("--body") + 1]
    assert f"Restored from commit `{released.sha('model@v0.1.0^{commit}')}`" in body
    assert "`model.params.max_iter`: `200` → `100`" in body
    assert "`reports/metrics.json`" in body


def test_a_stage_added_since_the_version_cannot_be_rolled_back_by_lock(project: Project) -> None:
    mlgate("registry", "register")
    promote(project, "main", "production")
    model = project.lock["stages"]["train"]["outs"][0]
    project.lock["stages"]["explain"] = {
        "cmd": "mlgate explain",
        "deps": [dict(model)],
        "outs": [{"path": "reports/explain.md", "hash": "md5", "md5": "c" * 32, "size": 1}],
    }
    project.set_max_iter(200)
    project.commit("A new stage reading the model, and deeper trees")
    mlgate("registry", "register")
    next_second()
    promote(project, "main", "production")
    result = mlgate("rollback", "--stage", "production")
    assert result.exit_code == 1
    assert "stage(s) explain read the model on production but did not exist at v0.1.0" in (
        result.stderr
    )
    assert rollback_branches(project) == []


def test_a_param_another_stage_reads_too_is_not_restored_behind_its_back(
    project: Project,
) -> None:
    mlgate("registry", "register")
    promote(project, "main", "production")
    stages = project.lock["stages"]
    stages["split"]["params"]["params.yaml"]["data.seed"] = 7  # read by split and evaluate
    stages["evaluate"]["params"]["params.yaml"]["data.seed"] = 7
    project.params = project.params.replace("seed: 42", "seed: 7", 1)
    project.retrain()
    project.commit("Another seed")
    mlgate("registry", "register")
    next_second()
    promote(project, "main", "production")
    result = mlgate("rollback", "--stage", "production")
    assert result.exit_code == 1
    assert "params: data.seed differs from v0.1.0 and stage 'split' reads it too" in result.stderr
    assert rollback_branches(project) == []
