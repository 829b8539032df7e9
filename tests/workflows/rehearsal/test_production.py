"""Rehearse deploy.yml on a push to production: a tested bento and image built without write
rights, then that image pushed and attested by a job that runs no project code."""

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
        # make test-serving runs a sample: the whole suite (which holds every serving test) is
        # what is running this rehearsal; the job's own bento build and smoke test run in full.
        env={"MLGATE_ONLY_TESTS": "tests/serving/test_contract.py"},
    )
    assert run.jobs == {
        "build and test the image": "succeeded",
        "publish and attest the image": "succeeded",
        "roll out to the cluster": "succeeded",
    }, run.log[-4000:]
    assert re.search(r"\d+ passed", run.log)  # make test-serving
    log = re.sub(r"\x1b\[[0-9;]*m", "", run.log)
    assert re.search(r"bento: model \w{8} \(v0\.1\.0\)", log)  # /metadata's registry_version
    # the build job: an OCI archive, pushed nowhere
    (build,) = run.called("docker")
    assert build["job"] == "build"
    assert build["push"] is False
    assert "FROM" in build["dockerfile"]  # the bento's generated Dockerfile
    assert any(a.startswith("type=oci,dest=") for a in build["argv"])
    # the publish job: checks out nothing, pushes that archive with every tag, attests it
    assert {call["job"] for call in run.called("checkout")} == {"build", "rollout"}
    image = "ghcr.io/owner/mlgate"
    pushes = run.called("skopeo")
    assert {call["job"] for call in pushes} == {"publish"}
    tags = {call["dest"] for call in pushes}
    assert {f"{image}:{sha}", f"{image}:production", f"{image}:v0.1.0"} <= tags
    assert any(tag.startswith(f"{image}:model-") for tag in tags)
    assert len(tags) == 4
    (login,) = run.called("login")
    assert login["job"] == "publish"
    assert login["inputs"]["registry"] == "ghcr.io"
    assert login["inputs"]["password"] == "<set>"
    provenance, sbom_attestation = run.called("attest")
    digest = provenance["inputs"]["subject-digest"]
    assert digest.startswith("sha256:")
    assert provenance["inputs"]["subject-name"] == image
    assert provenance["inputs"]["sbom-path"] == ""
    (sbom,) = run.called("sbom")
    assert sbom["inputs"]["image"] == f"{image}@{digest}"
    assert sbom_attestation["inputs"]["subject-digest"] == digest
    assert sbom_attestation["inputs"]["sbom-path"] == sbom["inputs"]["output-file"]
    assert "no KUBE_CONFIG secret: skipping the rollout" in run.log
