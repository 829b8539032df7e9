"""Rehearse deploy.yml on a push to production: tested bento, image pushed, attested."""

from __future__ import annotations

import re

import pytest

from tests.workflows.rehearsal.act import Rehearsal, Run

pytestmark = [pytest.mark.slow, pytest.mark.rehearsal]


def test_push_to_production_builds_tests_and_publishes_the_image(
    rehearsal: Rehearsal, registered_main: Run
) -> None:
    # production holds main's model, which registry.yml registered as v0.1.0 (registered_main)
    sha = rehearsal.sha("production")
    run = rehearsal.run(
        "push",
        "deploy.yml",
        {"ref": "refs/heads/production", "after": sha},
        branch="production",
        secrets={"GITHUB_TOKEN": "rehearsal-token"},
    )
    assert run.jobs == {
        "build and publish the image": "succeeded",
        "roll out to the cluster": "succeeded",
    }, run.log[-4000:]
    assert re.search(r"\d+ passed", run.log)  # make test-serving
    (build,) = run.called("docker")
    image = "ghcr.io/owner/mlgate"
    assert {f"{image}:{sha}", f"{image}:production", f"{image}:v0.1.0"} <= set(build["tags"])
    log = re.sub(r"\x1b\[[0-9;]*m", "", run.log)
    assert re.search(r"bento: model \w{8} \(v0\.1\.0\)", log)  # /metadata's registry_version
    assert build["push"] is True
    assert "FROM" in build["dockerfile"]  # the bento's generated Dockerfile
    (login,) = run.called("login")
    assert login["inputs"]["registry"] == "ghcr.io"
    assert login["inputs"]["password"] == "<set>"
    (attest,) = run.called("attest")
    digest = attest["inputs"]["subject-digest"]
    assert digest.startswith("sha256:")
    assert attest["inputs"]["subject-name"] == image
    (sbom,) = run.called("sbom")
    assert sbom["inputs"]["image"] == f"{image}@{digest}"
    assert "no KUBE_CONFIG secret: skipping the rollout" in run.log
