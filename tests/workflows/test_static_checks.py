"""The static checks `make lint-workflows` runs catch what they are there for (so a clean run means
something): zizmor flags a template injection, an unpinned action and a pwn request; the schema
check rejects a malformed workflow."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import REPO_ROOT

BAD_WORKFLOW = """\
name: bad
on:
  pull_request_target:
permissions: write-all
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: echo "${{ github.event.pull_request.title }}"
"""

PUSH_WITHOUT_ENVIRONMENT = """\
name: push
on: push
permissions: {}
jobs:
  push:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - run: make push-data
        env:
          AWS_SECRET_ACCESS_KEY: ${{ secrets.AWS_SECRET_ACCESS_KEY }}
"""


def tool(name: str) -> str:
    # The venv's scripts sit next to its python, whether or not the venv is on PATH.
    path = shutil.which(name, path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    assert path, f"{name} is a dev dependency (make setup installs it)"
    return path


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_zizmor_passes_our_workflows() -> None:
    result = run(tool("zizmor"), "--offline", "--persona=pedantic", ".github/", cwd=REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def test_zizmor_auditor_passes_our_workflows() -> None:
    # The auditor persona reports what pedantic does not (secrets outside an environment, a
    # self-hosted runner): each remaining one is ignored inline, with its reason.
    result = run(tool("zizmor"), "--offline", "--persona=auditor", ".github/", cwd=REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def test_zizmor_auditor_flags_a_secret_outside_an_environment(tmp_path: Path) -> None:
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "push.yml").write_text(PUSH_WITHOUT_ENVIRONMENT)
    pedantic = run(tool("zizmor"), "--offline", "--persona=pedantic", ".github/", cwd=tmp_path)
    assert "secrets-outside-env" not in pedantic.stdout  # why lint-workflows runs both
    result = run(tool("zizmor"), "--offline", "--persona=auditor", ".github/", cwd=tmp_path)
    assert result.returncode != 0
    assert "secrets-outside-env" in result.stdout, result.stdout[-3000:]


def test_lint_workflows_runs_zizmor_as_pedantic_and_as_auditor() -> None:
    done = subprocess.run(
        ["make", "-n", "lint-workflows"], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    zizmor = [line for line in done.stdout.splitlines() if line.startswith("zizmor ")]
    assert any("--persona=pedantic" in line for line in zizmor), zizmor
    assert any("--persona=auditor" in line for line in zizmor), zizmor


def test_zizmor_flags_injection_unpinned_actions_and_pwn_requests(tmp_path: Path) -> None:
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "bad.yml").write_text(BAD_WORKFLOW)
    result = run(tool("zizmor"), "--offline", "--persona=pedantic", ".github/", cwd=tmp_path)
    assert result.returncode != 0
    for audit in (
        "template-injection",
        "unpinned-uses",
        "dangerous-triggers",
        "excessive-permissions",
    ):
        assert audit in result.stdout, (audit, result.stdout[-3000:])


@pytest.mark.parametrize(
    ("schema", "files"),
    [
        ("vendor.github-workflows", sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))),
        ("vendor.dependabot", [REPO_ROOT / ".github" / "dependabot.yml"]),
    ],
)
def test_our_files_match_githubs_schemas(schema: str, files: list[Path]) -> None:
    result = run(
        tool("check-jsonschema"), "--builtin-schema", schema, *map(str, files), cwd=REPO_ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_rejects_a_malformed_workflow(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(
        BAD_WORKFLOW.replace("    runs-on: ubuntu-latest\n", "    run-on: ubuntu-latest\n")
    )
    result = run(
        tool("check-jsonschema"),
        "--builtin-schema",
        "vendor.github-workflows",
        str(bad),
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert "run-on" in result.stdout + result.stderr or "runs-on" in result.stdout + result.stderr
