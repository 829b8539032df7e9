"""Rehearse deploy.yml on a push to production: a tested bento and image built without write
rights, then that image pushed and attested by a job that runs no project code, then verified
(its attestation, and the model it serves against the stage's registered version) before the
rollout; a stage that holds another model refuses the rollout."""

from __future__ import annotations

import hashlib
import re
import subprocess
from collections.abc import Iterator

import pytest
import yaml

from tests.support.registry_project import next_second
from tests.support.shell import attempt, sh
from tests.workflows.rehearsal.act import Rehearsal, Run

pytestmark = [pytest.mark.slow, pytest.mark.rehearsal]

MODEL = "models/model.skops"


# The docker stand-in plays the runner's engine for the rollout's verification; named, since its
# `docker info` fails (the ci.yml rehearsal builds its base image with podman for real).
ROLLOUT_ENV = {"MLGATE_ONLY_TESTS": "tests/serving/test_contract.py", "CONTAINER_ENGINE": "docker"}


def _tags(rehearsal: Rehearsal) -> set[str]:
    listed = subprocess.run(
        ["git", "tag", "--list"], cwd=rehearsal.origin, capture_output=True, text=True, check=True
    )
    return set(listed.stdout.split())


@pytest.fixture
def production_assigned(rehearsal: Rehearsal, registered_main: Run) -> Iterator[None]:
    """What registry.yml does on a push to production: production → v0.1.0 (production's model).

    The tags (and branches) added here are removed afterwards: other rehearsals share the origin.
    """
    before = _tags(rehearsal)
    next_second()  # GTO orders a stage's assignments by their (whole-second) time
    sh(
        rehearsal.origin,
        "mlgate",
        "registry",
        "assign",
        "--stage",
        "production",
        "--ref",
        "production",
    )
    yield
    added = sorted(_tags(rehearsal) - before)
    if added:
        sh(rehearsal.origin, "git", "tag", "-d", *added)
    sh(rehearsal.origin, "git", "checkout", "-q", "main")
    attempt(rehearsal.origin, "git", "branch", "-D", "other-model")


@pytest.fixture
def production_holds_another_model(rehearsal: Rehearsal, production_assigned: None) -> str:
    """A version registered for another model (a dvc.lock naming another md5), then assigned to
    production: the registry's stage no longer holds the model production's image serves."""
    origin = rehearsal.origin
    sh(origin, "git", "checkout", "-q", "-b", "other-model", "production")
    lock_file = origin / "dvc.lock"
    lock = yaml.safe_load(lock_file.read_text())
    served = next(out["md5"] for out in lock["stages"]["train"]["outs"] if out["path"] == MODEL)
    other = hashlib.md5(f"not {served}".encode()).hexdigest()
    lock_file.write_text(lock_file.read_text().replace(served, other))
    sh(origin, "git", "commit", "-qam", "Another model")
    sh(origin, "mlgate", "registry", "register", "--ref", "other-model")
    next_second()
    sh(origin, "mlgate", "registry", "assign", "--stage", "production", "--ref", "other-model")
    sh(origin, "git", "checkout", "-q", "main")
    return other


def test_push_to_production_builds_tests_and_publishes_the_image(
    rehearsal: Rehearsal, registered_main: Run, production_assigned: None
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
        env=ROLLOUT_ENV,
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
    (build,) = [call for call in run.called("docker") if call["job"] == "build"]
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
    logins = {call["job"]: call["inputs"] for call in run.called("login")}
    assert set(logins) == {"publish", "rollout"}  # rollout: to pull the image it verifies
    for inputs in logins.values():
        assert inputs["registry"] == "ghcr.io"
        assert inputs["password"] == "<set>"
    provenance, sbom_attestation = run.called("attest")
    digest = provenance["inputs"]["subject-digest"]
    assert digest.startswith("sha256:")
    assert provenance["inputs"]["subject-name"] == image
    assert provenance["inputs"]["sbom-path"] == ""
    (sbom,) = run.called("sbom")
    assert sbom["inputs"]["image"] == f"{image}@{digest}"
    assert sbom_attestation["inputs"]["subject-digest"] == digest
    assert sbom_attestation["inputs"]["sbom-path"] == sbom["inputs"]["output-file"]
    # the rollout job: the attestation of that digest verified, the image started, its model
    # the one production holds, and only then the rollout
    (verify,) = run.called("gh")
    assert verify["job"] == "rollout"
    assert verify["argv"][:5] == [
        "attestation",
        "verify",
        f"oci://{image}@{digest}",
        "--repo",
        "owner/mlgate",
    ]
    assert verify["tokens"]["GH_TOKEN"] is True
    started = [c["argv"][0] for c in run.called("docker") if c["job"] == "rollout"]
    assert started == ["pull", "run", "rm"]
    served = re.search(r"serves model (\w{12}), which is production's v0\.1\.0", log)
    assert served, log[-4000:]
    assert log.index("serves model") < log.index("no KUBE_CONFIG secret: skipping the rollout")


def test_a_stage_that_holds_another_model_refuses_the_rollout(
    rehearsal: Rehearsal, production_holds_another_model: str
) -> None:
    run = rehearsal.run(
        "push",
        "deploy.yml",
        {"ref": "refs/heads/production", "after": rehearsal.sha("production")},
        branch="production",
        secrets={"GITHUB_TOKEN": "rehearsal-token"},
        env=ROLLOUT_ENV,
    )
    assert run.jobs == {
        "build and test the image": "succeeded",
        "publish and attest the image": "succeeded",
        "roll out to the cluster": "failed",
    }, run.log[-4000:]
    log = re.sub(r"\x1b\[[0-9;]*m", "", run.log)
    refused = [line for line in log.splitlines() if "error: model mismatch:" in line]
    assert len(refused) == 1, log[-4000:]
    other = production_holds_another_model
    assert f"but production holds v0.1.1 (model {other[:12]}); not rolling out" in refused[0]
    assert "skipping the rollout" not in log  # make rollout never ran
    assert [c["argv"][0] for c in run.called("docker") if c["job"] == "rollout"] == [
        "pull",
        "run",
        "rm",
    ]
