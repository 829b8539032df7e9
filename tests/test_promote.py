"""`mlgate promote`: the promotion PR's content from git, opened through a stand-in `gh`."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlgate.cli import app
from mlgate.promote import PromotionError, plan_promotion
from mlgate.registry import RegistryError
from tests.support.shell import git

LOCK = "stages:\n  {stage}:\n    outs:\n    - path: models/model.skops\n      md5: {md5}\n"
DVC_YAML = "artifacts:\n  model:\n    path: models/model.skops\n    type: model\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """main is two commits (and a new model) ahead of staging."""
    root = tmp_path / "repo"
    root.mkdir()
    monkeypatch.chdir(root)
    git(root, "init", "-q", "-b", "main")
    (root / "dvc.yaml").write_text(DVC_YAML)
    (root / "dvc.lock").write_text(LOCK.format(stage="train", md5="a" * 32))
    git(root, "add", "dvc.yaml", "dvc.lock")
    git(root, "commit", "-qm", "first model")
    git(root, "branch", "staging")
    (root / "dvc.lock").write_text(LOCK.format(stage="train", md5="b" * 32))
    git(root, "commit", "-qam", "deeper trees")
    (root / "README").write_text("x")
    git(root, "add", "README")
    git(root, "commit", "-qm", "docs")
    return root


@pytest.fixture
def gh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `gh` that records its arguments; `gh pr list` answers from GH_LIST (default none)."""
    calls = tmp_path / "gh-calls.jsonl"
    script = tmp_path / "bin" / "gh"
    script.parent.mkdir()
    script.write_text(
        "#!/usr/bin/env python3\n"
        "import json, os, sys\n"
        f"open({str(calls)!r}, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n"
        "if sys.argv[1:3] == ['pr', 'list']: print(os.environ.get('GH_LIST', '[]'))\n"
        "else: print('https://github.com/o/r/pull/9')\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{script.parent}{os.pathsep}{os.environ['PATH']}")
    return calls


def test_plan_lists_the_commits_and_the_model_change(repo: Path) -> None:
    plan = plan_promotion(repo, "staging")
    assert (plan.source, plan.target) == ("main", "staging")
    assert [line.split(" ", 1)[1] for line in plan.commits] == ["docs", "deeper trees"]
    assert "**Model:** `aaaaaaaa` → `bbbbbbbb`" in plan.body()
    assert "compares against `staging`" in plan.body()


def test_the_model_is_the_declared_artifact_whichever_stage_writes_it(repo: Path) -> None:
    (repo / "dvc.lock").write_text(LOCK.format(stage="fit", md5="c" * 32))
    git(repo, "commit", "-qam", "the model stage is named fit")
    plan = plan_promotion(repo, "staging")
    assert (plan.target_model, plan.source_model) == ("a" * 32, "c" * 32)


def test_without_a_declared_artifact_the_error_names_it(repo: Path) -> None:
    (repo / "dvc.yaml").write_text("stages: {}\n")
    with pytest.raises(RegistryError, match=r"dvc.yaml: artifacts.model: not declared"):
        plan_promotion(repo, "staging")


def test_missing_stage_branch_says_how_to_create_it(repo: Path) -> None:
    with pytest.raises(
        PromotionError,
        match=r"branch 'production' not found .*create it once with `git push origin staging:production`",
    ):
        plan_promotion(repo, "production")


def test_promote_opens_the_pull_request_with_gh(repo: Path, gh: Path) -> None:
    result = CliRunner().invoke(app, ["promote", "--to", "staging"])
    assert result.exit_code == 0, result.output
    assert "opened: https://github.com/o/r/pull/9" in result.output
    calls = [json.loads(line) for line in gh.read_text().splitlines()]
    create = calls[-1]
    assert create[:6] == ["pr", "create", "--base", "staging", "--head", "main"]
    assert create[create.index("--title") + 1] == "Promote main → staging"


def test_an_open_promotion_is_reused(repo: Path, gh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GH_LIST", '[{"url": "https://github.com/o/r/pull/4"}]')
    result = CliRunner().invoke(app, ["promote", "--to", "staging"])
    assert "already open: https://github.com/o/r/pull/4" in result.output
    assert all(json.loads(line)[1] != "create" for line in gh.read_text().splitlines())


def test_nothing_to_promote(repo: Path, gh: Path) -> None:
    git(repo, "branch", "-f", "staging", "main")
    result = CliRunner().invoke(app, ["promote", "--to", "staging"])
    assert result.exit_code == 0
    assert "nothing to promote: staging already contains main" in result.output
    assert not gh.exists()


def test_without_gh_the_error_says_so(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_git = tmp_path / "only-git"
    only_git.mkdir()
    (only_git / "git").symlink_to(shutil.which("git") or "/usr/bin/git")
    monkeypatch.setenv("PATH", str(only_git))
    result = CliRunner().invoke(app, ["promote", "--to", "staging"])
    assert result.exit_code == 1
    assert "error: the GitHub CLI `gh` is not installed" in result.stderr


def test_dry_run_prints_the_pull_request(repo: Path, gh: Path) -> None:
    result = CliRunner().invoke(app, ["promote", "--to", "staging", "--dry-run"])
    assert "Promote main → staging" in result.output
    assert not gh.exists()
