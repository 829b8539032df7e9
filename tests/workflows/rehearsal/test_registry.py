"""Rehearse registry.yml on a push to main: a version is registered and its tag reaches origin."""

from __future__ import annotations

import re
import subprocess

import pytest
import yaml

from tests.workflows.rehearsal.act import Rehearsal, Run

pytestmark = [pytest.mark.slow, pytest.mark.rehearsal]


def git(rehearsal: Rehearsal, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=rehearsal.origin, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_push_to_main_registers_the_model_and_pushes_the_tag(
    rehearsal: Rehearsal, registered_main: Run
) -> None:
    run = registered_main
    assert run.jobs == {"register or assign the model version": "succeeded"}, run.log[-4000:]
    log = re.sub(r"\x1b\[[0-9;]*m", "", run.log)  # rich colours its output under GitHub Actions
    assert "registered model@v0.1.0 at" in log
    assert "* [new tag]         model@v0.1.0 -> model@v0.1.0" in log  # make push-tags
    assert "model@v0.1.0" in git(rehearsal, "tag", "--list")
    assert git(rehearsal, "rev-parse", "model@v0.1.0^{commit}") == rehearsal.sha("main")
    lock = yaml.safe_load(git(rehearsal, "show", "main:dvc.lock"))
    model = lock["stages"]["train"]["outs"][0]["md5"]
    message = git(rehearsal, "tag", "-l", "--format=%(contents)", "model@v0.1.0")
    assert f"models/model.skops md5 {model}" in message
    (checkout,) = run.called("checkout")
    assert checkout["tokens"]["GITHUB_TOKEN"] is False  # the token is the push step's only
