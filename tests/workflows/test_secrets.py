"""Credentials by least privilege (issue 17): the DVC remote's write keys live in a GitHub
Environment only main, staging and production may use, in jobs that run no project code; every
job that runs project code gets read-only remote keys or none, and no write grant or write token
unless it is listed below with its reason."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest

from tests.support.paths import REPO_ROOT
from tests.support.workflows import ALL, load, steps

# The keys `dvc push` uses, and the read-only ones for pull requests and branch runs.
WRITE_KEYS = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
READ_KEYS = {"DVC_READ_AWS_ACCESS_KEY_ID", "DVC_READ_AWS_SECRET_ACCESS_KEY"}
PUSH_ENVIRONMENT = "dvc-remote"
STAGE_BRANCHES = """contains(fromJSON('["main", "staging", "production"]'), github.ref_name)"""
# A step that runs this project's code: the Makefile, the CLI, the pipeline, the tests.
PROJECT_CODE = re.compile(r"^(make|mlgate|dvc|pytest|python3?|uv|bentoml)\b")
# Jobs that run project code while holding a write grant or a write secret, and why they may.
# Each runs only reviewed code: pushes to a protected branch, or main's code when dispatched or
# scheduled (test_writers_run_only_reviewed_code_from_a_protected_branch).
WRITERS_THAT_RUN_PROJECT_CODE = {
    # pushes the registry's tags; the token reaches only `make push-tags` (push to main/stages)
    ("registry.yml", "registry"),
    # opens the promotion PR (dispatched, from main only); a PR is reviewed before it merges
    ("promote.yml", "promote"),
    # opens or updates the drift issue with gh (schedule on main)
    ("monitor.yml", "issue"),
    # applies the manifests with the cluster's credentials (protected stage environments)
    ("deploy.yml", "rollout"),
}


def secrets_of(job: dict[str, Any]) -> set[str]:
    return set(re.findall(r"secrets\.(\w+)", str(job)))


def runs_project_code(job: dict[str, Any]) -> bool:
    return any(
        PROJECT_CODE.match(step["run"].strip()) and step["run"].strip() != "make push-data"
        for step in steps(job)
        if "run" in step
    )


def all_jobs() -> list[tuple[str, str]]:
    return [(name, job_id) for name in ALL for job_id in load(name)["jobs"]]


@pytest.mark.parametrize("name", ALL)
def test_dvc_write_keys_only_in_the_stage_environment_and_only_for_make_push_data(
    name: str,
) -> None:
    for job_id, job in load(name)["jobs"].items():
        if not secrets_of(job) & WRITE_KEYS:
            continue
        assert job.get("environment") == PUSH_ENVIRONMENT, (name, job_id)
        assert STAGE_BRANCHES in job["if"], (name, job_id, job.get("if"))
        runs = [step["run"].strip() for step in steps(job) if "run" in step]
        assert runs == ["make push-data"], (name, job_id, runs)
        # the keys reach the push step only
        for step in steps(job):
            if step.get("run", "").strip() != "make push-data":
                assert not secrets_of(step) & WRITE_KEYS, (name, job_id, step)


def test_every_workflow_that_keeps_data_pushes_it_from_the_environment() -> None:
    pushing = {
        name
        for name, job_id in all_jobs()
        if any(
            step.get("run", "").strip() == "make push-data"
            for step in steps(load(name)["jobs"][job_id])
        )
    }
    assert pushing == {"ci.yml", "monitor.yml", "train-remote.yml"}


@pytest.mark.parametrize(("name", "job_id"), all_jobs())
def test_jobs_that_run_project_code_hold_no_write_keys_and_no_write_grant(
    name: str, job_id: str
) -> None:
    job = load(name)["jobs"][job_id]
    if not runs_project_code(job):
        return
    assert not secrets_of(job) & WRITE_KEYS, (name, job_id)
    if (name, job_id) in WRITERS_THAT_RUN_PROJECT_CODE:
        return
    grants = job.get("permissions", {})
    assert all(level != "write" for level in grants.values()), (name, job_id, grants)
    assert secrets_of(job) <= {"GITHUB_TOKEN"} | READ_KEYS, (name, job_id, secrets_of(job))


def test_pull_requests_and_branch_runs_pull_with_the_read_only_keys() -> None:
    for name, job_id in (("ci.yml", "test"), ("review.yml", "review")):
        job = load(name)["jobs"][job_id]
        assert secrets_of(job) == READ_KEYS | ({"GITHUB_TOKEN"} & secrets_of(job)), name
        assert "environment" not in job
        pull = next(s for s in steps(job) if s.get("env", {}).get("DVC_PULL"))
        assert pull["env"]["AWS_ACCESS_KEY_ID"] == "${{ secrets.DVC_READ_AWS_ACCESS_KEY_ID }}"
        assert pull["env"]["AWS_SECRET_ACCESS_KEY"] == (
            "${{ secrets.DVC_READ_AWS_SECRET_ACCESS_KEY }}"
        )


def test_ci_pushes_in_its_own_job_after_the_tests_from_their_cache() -> None:
    jobs = load("ci.yml")["jobs"]
    push = jobs["push-data"]
    assert push["needs"] == ["checks", "test", "slow", "rehearsals"]
    assert "github.event_name == 'push'" in push["if"]
    assert push["permissions"] == {"contents": "read"}
    uses = [s.get("uses", "").split("@")[0] for s in steps(push)]
    assert "actions/download-artifact" in uses
    download = next(s for s in steps(push) if "download-artifact" in s.get("uses", ""))
    upload = next(s for s in steps(jobs["test"]) if "upload-artifact" in s.get("uses", ""))
    assert download["with"]["name"] == upload["with"]["name"]
    assert download["with"]["path"] == ".dvc/cache" == upload["with"]["path"]
    assert upload["with"]["include-hidden-files"] is True
    # the cache is kept only when it will be pushed
    assert STAGE_BRANCHES in upload["if"]
    assert "github.event_name == 'push'" in upload["if"]


def test_make_push_data_runs_no_project_code() -> None:
    done = subprocess.run(
        ["make", "-n", "--no-print-directory", "push-data"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    # (under a calling make, e.g. the rehearsed `make test`, make adds its own lines)
    commands = [line for line in done.stdout.splitlines() if line.strip() and "make[" not in line]
    assert any("--no-install-project" in line and "--no-dev" in line for line in commands)
    assert commands[-1].endswith("dvc push --run-cache")
    assert not any(
        # a program (bare or by path), not a folder's name (a rehearsal runs in /tmp/pytest-of-…)
        re.search(r"(^|[\s/])(mlgate|pytest)(\s|$)|\bdvc repro\b|uv sync --locked --all", line)
        for line in commands
    ), commands


def test_the_secrets_docs_name_the_read_only_keys_and_the_push_environment() -> None:
    secrets_page = (REPO_ROOT / "docs" / "ci-cd-and-rehearsal.md").read_text()
    for word in (*READ_KEYS, PUSH_ENVIRONMENT):
        assert word in secrets_page, word


PROTECTED = {"main", "staging", "production"}
# Known gap (SECURITY.md): the drift issue job runs only `gh` through the Makefile, but a
# dispatch from another branch runs that branch's Makefile with `issues: write`. A ref guard
# skipped the job in act's schedule rehearsal, so it waits for a rehearsal that sets the ref.
FROM_ANY_REF = {("monitor.yml", "issue")}


@pytest.mark.parametrize(("name", "job_id"), sorted(WRITERS_THAT_RUN_PROJECT_CODE - FROM_ANY_REF))
def test_writers_run_only_reviewed_code_from_a_protected_branch(name: str, job_id: str) -> None:
    """A dispatch (or schedule) runs the workflow from any branch a contributor picks: a writer
    reachable that way must refuse every ref but main's, or its token meets unreviewed code."""
    workflow = load(name)
    triggers = workflow.get("on", workflow.get(True))
    only_protected_pushes = set(triggers) == {"push"} and set(triggers["push"]["branches"]) <= (
        PROTECTED
    )
    if not only_protected_pushes:
        assert "github.ref == 'refs/heads/main'" in workflow["jobs"][job_id].get("if", ""), (
            f"{name} · {job_id} holds a write token and runs code from whatever ref it is "
            f"triggered on ({sorted(triggers)})"
        )
