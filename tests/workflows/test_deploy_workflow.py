"""deploy.yml and promote.yml: who may push images, where, and what `make rollout` runs."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from tests.conftest import REPO_ROOT
from tests.workflows.test_review_workflow import load, steps


def test_deploy_runs_only_for_the_stage_branches_and_never_cancels() -> None:
    workflow = load("deploy.yml")
    assert workflow["on"] == {"push": {"branches": ["staging", "production"]}}
    assert workflow["concurrency"]["cancel-in-progress"] is False
    assert "github.ref_name" in workflow["concurrency"]["group"]


def test_every_deploy_job_has_its_environment() -> None:
    for job in load("deploy.yml")["jobs"].values():
        assert job["environment"] == "${{ github.ref_name }}"


def test_only_the_image_job_may_push_packages_and_sign() -> None:
    jobs = load("deploy.yml")["jobs"]
    assert jobs["image"]["permissions"] == {
        "contents": "read",
        "packages": "write",
        "id-token": "write",
        "attestations": "write",
    }
    assert jobs["rollout"]["permissions"] == {"contents": "read"}


def test_image_is_tested_before_it_is_built_and_attested_after() -> None:
    runs = [s.get("run", s.get("uses", "")) for s in steps(load("deploy.yml")["jobs"]["image"])]
    order = [
        next(i for i, r in enumerate(runs) if r.startswith(prefix))
        for prefix in (
            "make test-serving",
            "make bento",
            "make publish-image",
            "actions/attest-build-provenance@",
            "anchore/sbom-action@",
        )
    ]
    assert order == sorted(order)


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
