"""deploy.yml and promote.yml: who may push images, where, and what `make rollout` runs."""

from __future__ import annotations

import os
import re
import stat
import subprocess
from pathlib import Path

from tests.support.paths import REPO_ROOT
from tests.support.workflows import load, steps


def test_deploy_runs_only_for_the_stage_branches_and_never_cancels() -> None:
    workflow = load("deploy.yml")
    assert workflow["on"] == {"push": {"branches": ["staging", "production"]}}
    assert workflow["concurrency"]["cancel-in-progress"] is False
    assert "github.ref_name" in workflow["concurrency"]["group"]


def test_deploy_builds_publishes_and_rolls_out_in_three_jobs() -> None:
    jobs = load("deploy.yml")["jobs"]
    assert list(jobs) == ["build", "publish", "rollout"]
    assert jobs["publish"]["needs"] == "build"
    assert jobs["rollout"]["needs"] == "publish"


def test_only_the_jobs_that_touch_the_stage_hold_its_environment() -> None:
    # The build job runs project code: no environment, so none of the stage's secrets.
    jobs = load("deploy.yml")["jobs"]
    assert "environment" not in jobs["build"]
    for job_id in ("publish", "rollout"):
        assert jobs[job_id]["environment"] == "${{ github.ref_name }}"


def test_the_build_job_may_write_nothing() -> None:
    jobs = load("deploy.yml")["jobs"]
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert not set(re.findall(r"secrets\.(\w+)", str(jobs["build"]))) - {
        "DVC_READ_AWS_ACCESS_KEY_ID",
        "DVC_READ_AWS_SECRET_ACCESS_KEY",
    }


def test_only_the_publish_job_may_push_packages_and_sign() -> None:
    jobs = load("deploy.yml")["jobs"]
    assert jobs["publish"]["permissions"] == {
        "packages": "write",
        "id-token": "write",
        "attestations": "write",
    }
    assert set(jobs["rollout"]["permissions"].values()) == {"read"}


def test_the_rollout_job_may_only_read() -> None:
    rollout = load("deploy.yml")["jobs"]["rollout"]
    assert rollout["permissions"] == {
        "contents": "read",
        "packages": "read",
        "attestations": "read",
    }
    assert "id-token" not in rollout["permissions"]


def test_the_rollout_job_verifies_the_image_before_rolling_it_out() -> None:
    rollout = load("deploy.yml")["jobs"]["rollout"]
    runs = [s.get("run", s.get("uses", "")) for s in steps(rollout)]
    verify = runs.index("make verify-rollout")
    assert verify < runs.index("make rollout")
    assert runs.index("make setup") < verify
    checkout = next(s for s in steps(rollout) if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # the registry's tags and their commits
    verified = steps(rollout)[verify]
    rolled = next(s for s in steps(rollout) if s.get("run") == "make rollout")
    assert verified["env"]["IMAGE_REF"] == rolled["env"]["IMAGE_REF"]  # the same digest
    assert "@${{ needs.publish.outputs.digest }}" in verified["env"]["IMAGE_REF"]
    assert verified["env"]["STAGE"] == "${{ github.ref_name }}"
    assert verified["env"]["GH_TOKEN"] == "${{ secrets.GITHUB_TOKEN }}"
    assert "KUBE_CONFIG" not in verified["env"]  # the cluster's secret reaches only the rollout


def test_make_verify_rollout_passes_the_image_and_the_stage(tmp_path: Path) -> None:
    ref = "ghcr.io/o/r@sha256:" + "b" * 64
    done = subprocess.run(
        ["make", "-n", "verify-rollout", f"IMAGE_REF={ref}", "STAGE=production"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert f'mlgate verify-rollout --image "{ref}" --stage "production"' in done.stdout


def test_the_publish_job_checks_out_nothing_and_runs_no_project_code() -> None:
    publish = load("deploy.yml")["jobs"]["publish"]
    for step in steps(publish):
        assert not step.get("uses", "").startswith(("actions/checkout@", "astral-sh/setup-uv@"))
        run = step.get("run", "")
        # one inline command on the archive: skopeo, nothing of this repository
        assert not re.search(
            r"\b(make|mlgate|python3?|pip|uv|uvx|dvc|bentoml|pytest|bash|sh)\b", run
        ), run
    (push,) = [step for step in steps(publish) if "run" in step]
    assert "skopeo copy" in push["run"]
    assert push["env"]["TAGS"] == "${{ needs.build.outputs.tags }}"


def test_image_is_tested_then_archived_then_published_and_attested() -> None:
    jobs = load("deploy.yml")["jobs"]
    build = [s.get("run", s.get("uses", "")) for s in steps(jobs["build"])]
    order = [
        next(i for i, r in enumerate(build) if r.startswith(prefix))
        for prefix in (
            "make test-serving",
            "make bento",
            "make smoke",
            "make image-archive",
            "actions/upload-artifact@",
        )
    ]
    assert order == sorted(order)
    publish = [s.get("uses", s.get("run", "")) for s in steps(jobs["publish"])]
    order = [
        next(i for i, r in enumerate(publish) if r.startswith(prefix) or prefix in r)
        for prefix in (
            "actions/download-artifact@",
            "docker/login-action@",
            "skopeo copy",
            "actions/attest-build-provenance@",
            "anchore/sbom-action@",
            "actions/attest@",
        )
    ]
    assert order == sorted(order)


def test_the_archive_the_build_uploads_is_the_one_the_publish_job_pushes() -> None:
    jobs = load("deploy.yml")["jobs"]
    upload = next(s for s in steps(jobs["build"]) if "upload-artifact" in s.get("uses", ""))
    download = next(s for s in steps(jobs["publish"]) if "download-artifact" in s.get("uses", ""))
    assert upload["with"]["name"] == download["with"]["name"]
    push = next(s for s in steps(jobs["publish"]) if "run" in s)
    assert push["env"]["ARCHIVE"].startswith(download["with"]["path"])


def test_the_sbom_is_attested_not_only_uploaded() -> None:
    publish = load("deploy.yml")["jobs"]["publish"]
    sbom = next(s for s in steps(publish) if s.get("uses", "").startswith("anchore/sbom-action@"))
    attest = next(s for s in steps(publish) if s.get("uses", "").startswith("actions/attest@"))
    assert attest["with"]["sbom-path"] == sbom["with"]["output-file"]
    provenance = next(s for s in steps(publish) if "attest-build-provenance" in s.get("uses", ""))
    for step in (attest, provenance):
        assert step["with"]["subject-digest"] == "${{ steps.push.outputs.digest }}"
        assert step["with"]["subject-name"] == "${{ steps.push.outputs.image }}"
        assert step["with"]["push-to-registry"] is True


def test_the_image_archive_is_built_without_pushing(tmp_path: Path) -> None:
    done = subprocess.run(
        ["make", "-n", "image-archive", f"IMAGE_ARCHIVE={tmp_path}/i.tar"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = done.stdout.replace("\\\n", " ").splitlines()
    build = next(line for line in lines if "bentoml containerize" in line)
    assert f"--opt output=type=oci,dest={tmp_path}/i.tar" in build
    assert "push" not in build


def test_promotion_opens_a_pull_request_and_nothing_else() -> None:
    workflow = load("promote.yml")
    assert set(workflow["on"]) == {"workflow_dispatch"}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert steps(job)[-1]["run"] == 'mlgate promote --to "$TARGET"'


def _stub(folder: Path, name: str, log: Path) -> None:
    script = folder / name
    script.write_text(f'#!/bin/sh\necho "{name} $*" >> {log}\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def test_rollout_pins_the_digest_and_waits_for_the_deployment(tmp_path: Path) -> None:
    log = tmp_path / "calls"
    for tool in ("kubectl", "kustomize"):
        _stub(tmp_path, tool, log)
    env = {
        **os.environ,
        "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}",
        "KUBE_CONFIG": "apiVersion: v1\nkind: Config\n",
    }
    ref = "ghcr.io/o/r@sha256:" + "a" * 64
    done = subprocess.run(
        ["make", "-s", "rollout", "OVERLAY=production", f"IMAGE_REF={ref}"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    calls = log.read_text().splitlines()
    assert calls == [
        f"kustomize edit set image ghcr.io/OWNER/mlgate={ref}",
        "kubectl apply -k deploy/k8s/overlays/production",
        "kubectl rollout status deployment/mlgate -n mlgate-production --timeout=300s",
    ]


def test_rollout_without_a_cluster_secret_is_skipped() -> None:
    env = {k: v for k, v in os.environ.items() if k != "KUBE_CONFIG"}
    done = subprocess.run(
        ["make", "-s", "rollout"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert "skipping the rollout" in done.stdout
