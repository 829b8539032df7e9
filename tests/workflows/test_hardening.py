"""Hardening every workflow shares: concurrency, timeouts, credentials, thin steps, owners."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from tests.support.paths import REPO_ROOT
from tests.support.workflows import ALL, WORKFLOWS, load, steps, uses_lines

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
# The inline scripts, and why: jobs that check out nothing (no Makefile, no project code) call
# their tool right in the workflow. The fork comment job finds the PR with gh + jq and posts with
# gh; the deploy's publish job pushes the build job's archive with skopeo.
INLINE_SCRIPTS = {
    ("review-comment.yml", "comment", "Find the pull request"),
    ("review-comment.yml", "comment", "Post or update the review comment"),
    ("deploy.yml", "publish", "Push the archive with every tag"),
}


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
    test, push = jobs("ci.yml")["test"], jobs("ci.yml")["push-data"]
    assert test["permissions"] == {"contents": "read"}
    runs = [step.get("run", "") for step in steps(test)]
    assert runs.index("make check-fresh") < runs.index("make test-fast")
    assert "make push-data" not in runs
    (pushing,) = [step for step in steps(push) if "run" in step]
    assert pushing["run"] == "make push-data"
    assert pushing["if"] == "env.HAS_DVC_REMOTE == 'true'"
    assert "github.event_name == 'push'" in push["if"]
    for branch in ("main", "staging", "production"):
        assert f'"{branch}"' in push["if"]
    assert push["needs"] == ["checks", "test", "slow", "rehearsals"]


def test_ci_runs_the_whole_suite_as_make_test_does_in_parallel_jobs() -> None:
    """The four tiers together are `make test`: lint, types, workflow checks and every test."""
    runs = {
        job_id: [step["run"] for step in steps(job) if "run" in step]
        for job_id, job in jobs("ci.yml").items()
    }
    assert {"make lint", "make typecheck", "make lint-workflows"} <= set(runs["checks"])
    assert "make test-fast" in runs["test"]
    assert "make test-slow" in runs["slow"]
    assert runs["rehearsals"].index("make base-image") < runs["rehearsals"].index(
        "make test-rehearsal"
    )
    makefile = (REPO_ROOT / "Makefile").read_text()
    tiers = {
        target: re.search(rf"^{target}:.*\n\t\$\(PYTEST\) (.*)$", makefile, re.M)
        for target in ("test-fast", "test-slow", "test-rehearsal")
    }
    assert all(tiers.values()), tiers
    selected = {target: match.group(1) for target, match in tiers.items() if match}
    # no test is left out: not slow | slow, neither rehearsal nor container | rehearsal or container
    assert '-m "not slow"' in selected["test-fast"]
    assert '-m "slow and not rehearsal and not container"' in selected["test-slow"]
    assert '-m "rehearsal or container"' in selected["test-rehearsal"]


def test_ci_caches_uv_and_dvc_keyed_on_their_lock_files() -> None:
    test = jobs("ci.yml")["test"]
    uv = next(s for s in steps(test) if s.get("uses", "").startswith("astral-sh/setup-uv@"))
    assert uv["with"]["cache-dependency-glob"] == "uv.lock"
    cache = next(s for s in steps(test) if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == ".dvc/cache"
    assert "hashFiles('dvc.lock')" in cache["with"]["key"]


# The Node 24 releases (Node 20 is gone from GitHub's runners), each SHA read from the action's
# repository: the tag's commit, whose action.yml says `using: node24` (or composite).
NODE24_PINS = {
    "actions/upload-artifact": "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f # v7.0.0",
    "actions/download-artifact": "3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c # v8.0.1",
    "actions/cache": "27d5ce7f107fe9357f9df03efb73ab90386fccae # v5.0.5",
    "actions/attest": "1e69f48acb82d1966a394da916b4c1698aa569d6 # v4.2.2",
}


@pytest.mark.parametrize("name", ALL)
def test_artifact_cache_and_attest_actions_are_their_node24_releases(name: str) -> None:
    for line in uses_lines(name):
        action, pin = line.split("@", 1)
        if action in NODE24_PINS:
            assert pin == NODE24_PINS[action], (name, line)


def test_every_setup_uv_installs_the_makefiles_uv() -> None:
    version = re.search(r"^UV_VERSION := (\S+)$", (REPO_ROOT / "Makefile").read_text(), re.M)
    assert version
    found = 0
    for name in ALL:
        for job_id, job in jobs(name).items():
            for step in steps(job):
                if step.get("uses", "").startswith("astral-sh/setup-uv@"):
                    found += 1
                    assert step.get("with", {}).get("version") == version[1], (name, job_id)
    assert found


def test_dependabot_updates_the_actions_and_the_python_lock() -> None:
    config = yaml.safe_load((REPO_ROOT / ".github" / "dependabot.yml").read_text())
    ecosystems = {update["package-ecosystem"] for update in config["updates"]}
    assert ecosystems == {"github-actions", "uv"}


def owned_paths() -> set[str]:
    return {
        line.split()[0]
        for line in (REPO_ROOT / ".github" / "CODEOWNERS").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }


def test_codeowners_guard_the_workflows_and_the_pipeline() -> None:
    assert {"/.github/", "/dvc.yaml", "/params.yaml", "/.ci/", "/Makefile"} <= owned_paths()


def test_codeowners_guard_the_gate_the_code_its_dependencies_and_the_deploys() -> None:
    # What decides a review's verdict, what runs in CI, what it installs, where data is pushed,
    # what is deployed and which versions are promoted: each changes only with a maintainer.
    assert {
        "/src/",  # the gate (src/mlgate/review/gates.py) and everything CI runs
        "/pyproject.toml",
        "/uv.lock",
        "/.dvc/config",
        "/deploy/",
        "/.gto",
        "/SECURITY.md",
        "/tests/security/",
    } <= owned_paths()


def test_every_codeowners_rule_has_an_owner() -> None:
    for line in (REPO_ROOT / ".github" / "CODEOWNERS").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            owners = line.split()[1:]
            assert owners, line
            assert all(owner.startswith("@") for owner in owners), line
