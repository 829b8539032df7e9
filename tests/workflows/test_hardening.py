"""Hardening every workflow shares: concurrency, timeouts, credentials, thin steps, owners."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from tests.conftest import REPO_ROOT
from tests.workflows.test_review_workflow import ALL, WORKFLOWS, load, steps

# Workflows whose runs must always finish: a cancelled deploy, promotion or retrain leaves a
# half-pushed image, branch, tag or PR behind (or, for train-remote, a launched cloud instance).
NEVER_CANCELLED = {
    "deploy.yml",
    "train-remote.yml",
    "monitor.yml",
    "promote.yml",
    "registry.yml",
    "review-comment.yml",
}
# A step is one command: make, mlgate or cml (or appending a written file to the job summary).
THIN_STEP = re.compile(r'^(make|mlgate|cml) [^\n]*$|^cat [\w./-]+ >> "\$GITHUB_STEP_SUMMARY"$')
# The one inline script, and why: the fork comment job checks out nothing (no Makefile, no PR
# code), so it finds the PR with gh + jq right in the workflow.
INLINE_SCRIPTS = {("review-comment.yml", "comment", "Find the pull request")}


def jobs(name: str) -> dict[str, dict[str, Any]]:
    return dict(load(name)["jobs"])


@pytest.mark.parametrize("name", ALL)
def test_every_workflow_has_concurrency_and_only_pull_requests_cancel(name: str) -> None:
    concurrency = load(name)["concurrency"]
    assert concurrency["group"]
    cancels = concurrency["cancel-in-progress"]
    if name in NEVER_CANCELLED:
        assert cancels is False
    else:
        # Cancelling is for superseded pull-request runs only.
        assert cancels is True or "pull_request" in str(cancels), cancels
        assert "push" not in load(name)["on"] or cancels is not True


@pytest.mark.parametrize("name", ALL)
def test_every_job_has_a_timeout(name: str) -> None:
    for job_name, job in jobs(name).items():
        assert 0 < job.get("timeout-minutes", 0) <= 60, (name, job_name)


@pytest.mark.parametrize("name", ALL)
def test_no_checkout_keeps_the_token(name: str) -> None:
    for job in jobs(name).values():
        for step in steps(job):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False, step


@pytest.mark.parametrize("name", ALL)
def test_no_privileged_trigger_runs_pull_request_code(name: str) -> None:
    triggers = load(name)["on"]
    assert "pull_request_target" not in triggers
    if "workflow_run" in triggers:
        # The privileged follow-up may read artifacts but never check out or run the PR's code.
        for job in jobs(name).values():
            assert not any(s.get("uses", "").startswith("actions/checkout@") for s in steps(job))
            assert not any(s.get("run", "").startswith(("make", "mlgate")) for s in steps(job))


@pytest.mark.parametrize("name", ALL)
def test_steps_are_one_make_mlgate_or_cml_command(name: str) -> None:
    for job_name, job in jobs(name).items():
        for step in steps(job):
            if "run" not in step or (name, job_name, step.get("name", "")) in INLINE_SCRIPTS:
                continue
            assert THIN_STEP.match(step["run"].strip()), (name, job_name, step["run"])


@pytest.mark.parametrize("name", ALL)
def test_write_grants_come_with_a_reason(name: str) -> None:
    text = (WORKFLOWS / name).read_text()
    for line in text.splitlines():
        if re.match(r"^\s+[\w-]+: write\b", line):
            assert "#" in line, f"{name}: a write grant without a reason: {line.strip()}"


def test_ci_checks_freshness_before_the_tests_and_pushes_only_stage_branches() -> None:
    workflow = load("ci.yml")
    assert set(workflow["on"]) == {"push", "pull_request"}
    (job,) = jobs("ci.yml").values()
    assert job["permissions"] == {"contents": "read"}
    runs = [step.get("run", "") for step in steps(job)]
    assert runs.index("make check-fresh") < runs.index("make test")
    push = next(step for step in steps(job) if step.get("run") == "make push-data")
    condition = push["if"]
    assert "github.event_name == 'push'" in condition
    assert "HAS_DVC_REMOTE == 'true'" in condition
    for branch in ("main", "staging", "production"):
        assert f'"{branch}"' in condition
    assert runs.index("make push-data") == len(runs) - 1


def test_ci_caches_uv_and_dvc_keyed_on_their_lock_files() -> None:
    (job,) = jobs("ci.yml").values()
    uv = next(s for s in steps(job) if s.get("uses", "").startswith("astral-sh/setup-uv@"))
    assert uv["with"]["cache-dependency-glob"] == "uv.lock"
    cache = next(s for s in steps(job) if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == ".dvc/cache"
    assert "hashFiles('dvc.lock')" in cache["with"]["key"]


def test_dependabot_updates_the_actions_and_the_python_lock() -> None:
    config = yaml.safe_load((REPO_ROOT / ".github" / "dependabot.yml").read_text())
    ecosystems = {update["package-ecosystem"] for update in config["updates"]}
    assert ecosystems == {"github-actions", "uv"}


def test_codeowners_guard_the_workflows_and_the_pipeline() -> None:
    owned = {
        line.split()[0]
        for line in (REPO_ROOT / ".github" / "CODEOWNERS").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {"/.github/", "/dvc.yaml", "/params.yaml"} <= owned
