"""registry.yml: who may push tags, when, and what `make push-tags` pushes."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.support.paths import REPO_ROOT
from tests.support.shell import git
from tests.support.workflows import load, steps


def job() -> dict[str, object]:
    (only,) = load("registry.yml")["jobs"].values()
    return dict(only)


def test_registry_runs_on_pushes_to_the_three_branches_one_at_a_time() -> None:
    workflow = load("registry.yml")
    assert workflow["on"] == {"push": {"branches": ["main", "staging", "production"]}}
    assert workflow["concurrency"] == {"group": "registry", "cancel-in-progress": False}


def test_only_contents_write_and_the_token_only_in_the_push_step() -> None:
    registry = job()
    assert registry["permissions"] == {"contents": "write"}
    with_token = [s for s in steps(registry) if "secrets.GITHUB_TOKEN" in str(s)]
    assert [s.get("run") for s in with_token] == ["make push-tags"]
    checkout = steps(registry)[0]
    assert checkout["with"] == {"fetch-depth": 0, "persist-credentials": False}


def test_main_registers_and_the_stage_branches_assign_then_tags_are_pushed() -> None:
    runs = {s.get("run"): s.get("if") for s in steps(job()) if "run" in s}
    assert runs["make register"] == "github.ref_name == 'main'"
    assert runs["make assign"] == "github.ref_name != 'main'"
    assert list(runs)[-1] == "make push-tags"


def test_deploy_checks_out_the_tags_it_names_the_image_by() -> None:
    checkout = steps(load("deploy.yml")["jobs"]["build"])[0]
    assert checkout["with"]["fetch-depth"] == 0


def test_push_tags_pushes_the_registry_tags_only(tmp_path: Path) -> None:
    origin, clone = tmp_path / "origin.git", tmp_path / "clone"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    git(tmp_path, "init", "-q", "-b", "main", str(clone))
    git(clone, "commit", "-q", "--allow-empty", "-m", "first")
    git(clone, "remote", "add", "origin", str(origin))
    for tag in ("model@v0.1.0", "model#staging#1", "release-1"):
        git(clone, "tag", "-a", "-m", tag, tag)
    done = subprocess.run(
        ["make", "-s", "-f", str(REPO_ROOT / "Makefile"), "push-tags"],
        cwd=clone,
        env={**os.environ, "GITHUB_TOKEN": "secret-value"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert git(origin, "tag", "--list").split() == ["model#staging#1", "model@v0.1.0"]
    assert "secret-value" not in (clone / ".git" / "config").read_text()
    assert "secret-value" not in done.stdout + done.stderr
