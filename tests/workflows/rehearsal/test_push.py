"""Rehearse ci.yml on a push to main: freshness check, then the tests."""

from __future__ import annotations

import re

import pytest

from tests.workflows.rehearsal.act import Rehearsal

pytestmark = [pytest.mark.slow, pytest.mark.rehearsal]

# The rehearsed `make test` runs the fast suite: the full one (this rehearsal included) is
# what is running it.
FAST_SUITE = {"PYTEST_ADDOPTS": "-m 'not slow and not container and not rehearsal' -q"}


def test_push_to_main_checks_freshness_then_runs_the_tests(rehearsal: Rehearsal) -> None:
    run = rehearsal.run(
        "push",
        "ci.yml",
        {"ref": "refs/heads/main", "after": rehearsal.sha("main")},
        branch="main",
        secrets={"GITHUB_TOKEN": "rehearsal-token"},
        env=FAST_SUITE,
    )
    assert run.jobs == {"tests": "succeeded"}, run.log[-4000:]
    assert "dvc.lock and the committed results are fresh" in run.log
    tests = re.search(r"\d+ passed", run.log)
    assert tests, "pytest did not run"
    assert run.log.index("results are fresh") < tests.start()
    assert "No findings to report" in run.log  # zizmor, through make test
    assert "dvc push --run-cache" not in run.log  # no DVC remote credentials: nothing pushed
    (checkout,) = run.called("checkout")
    assert checkout["tokens"]["AWS_ACCESS_KEY_ID"] is False
