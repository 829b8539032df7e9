"""Rehearse ci.yml on a push to main: freshness check, then the tests."""

from __future__ import annotations

import re

import pytest

from tests.workflows.rehearsal.act import Rehearsal

pytestmark = [pytest.mark.slow, pytest.mark.rehearsal]

# ci.yml's jobs run every tier (make test-fast, test-slow, test-rehearsal); rehearsed, the slow
# ones skip: the full suite (this rehearsal included) is what is running it. Of the fast tier, a
# sample runs: enough to see pytest run in that job, without running the tier a second time.
# Each tier collects four files: a fast test module or two (which run), and one slow and one
# rehearsal module (which skip), so every tier has something to select.
SAMPLE = "tests/test_layout.py tests/test_scheduling.py tests/e2e/test_freshness.py"
FAST_SUITE = {
    "MLGATE_SKIP_MARKERS": "slow container rehearsal",
    "PYTEST_ADDOPTS": f"{SAMPLE} tests/workflows/rehearsal/test_registry.py",
    "PYTEST_WORKERS": "0",  # one process per tier: a handful of tests needs no workers
}


def test_push_to_main_checks_freshness_then_runs_the_tests(rehearsal: Rehearsal) -> None:
    # The write keys as the `dvc-remote` environment holds them (act gives every job every secret;
    # the workflow decides which job may read them). The default remote is a local folder.
    run = rehearsal.run(
        "push",
        "ci.yml",
        {"ref": "refs/heads/main", "after": rehearsal.sha("main")},
        branch="main",
        secrets={
            "GITHUB_TOKEN": "rehearsal-token",
            "AWS_ACCESS_KEY_ID": "write-key",
            "AWS_SECRET_ACCESS_KEY": "write-secret",
        },
        env=FAST_SUITE,
    )
    assert run.jobs == {
        "lint and type checks": "succeeded",
        "tests": "succeeded",
        "end-to-end tests": "succeeded",
        "rehearsals and container": "succeeded",
        "push to the DVC remote": "succeeded",
    }, run.log[-4000:]
    assert "dvc.lock and the committed results are fresh" in run.log
    tests = re.search(r"\d+ passed", run.log)
    assert tests, "pytest did not run"
    assert run.log.index("results are fresh") < tests.start()
    assert "No findings to report" in run.log  # zizmor, through make lint-workflows
    assert re.search(r"\d+ skipped", run.log)  # the slow tiers, whose tests this run is running
    # the tests ran with no DVC keys (no read-only ones are set): the write keys never reached them
    assert "dvc repro (no DVC remote credentials" in run.log
    # the push job pushed the cache the tests left, without reproducing anything itself
    # act pads each job's log prefix to the longest job name: "[ci/push to the DVC remote  ]"
    push = [
        line for line in run.log.splitlines() if re.match(r"\[ci/push to the DVC remote *\]", line)
    ]
    assert push, "no log line of the push job"
    assert any("dvc push --run-cache" in line for line in push)
    assert not any("Running stage" in line or "dvc repro" in line for line in push)
    assert any("--no-install-project" in line for line in push)
    checkouts = {call["job"]: call for call in run.called("checkout")}
    assert set(checkouts) == {"checks", "test", "slow", "rehearsals", "push-data"}
    for job in ("checks", "test", "slow", "rehearsals"):
        assert checkouts[job]["tokens"]["AWS_ACCESS_KEY_ID"] is False, job
