"""The rehearsal's GitHub: a local origin repository with main, a PR branch and production."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from benchmarks.pipeline import copy_project

from tests.support.shell import sh
from tests.workflows.rehearsal.act import BATCH, Rehearsal, Run


@pytest.fixture(scope="session")
def rehearsal(tmp_path_factory: pytest.TempPathFactory) -> Rehearsal:
    if os.environ.get("REHEARSAL_DIR"):
        pytest.fail("a rehearsal inside a rehearsal: the rehearsed `make test` must skip these")
    root = tmp_path_factory.mktemp("rehearsal")
    origin = root / "origin"
    copy_project(origin)  # the working tree's files, committed on main
    sh(origin, "git", "remote", "add", "github", "https://github.com/owner/mlgate.git")
    add_production_batch(origin)
    sh(origin, "git", "branch", "production")
    sh(origin, "git", "checkout", "-q", "-b", "pr")
    params = origin / "params.yaml"
    params.write_text(params.read_text().replace("max_iter: 100", "max_iter: 80", 1))
    sh(origin, "git", "commit", "-qam", "Fewer boosting rounds")
    # A PR that leaves the model alone (dvc.lock fresh): its review reproduces nothing new.
    sh(origin, "git", "checkout", "-q", "-b", "docs", "main")
    (origin / "docs" / "changes.md").write_text("A documentation change.\n")
    sh(origin, "git", "add", "docs/changes.md")
    sh(origin, "git", "commit", "-qm", "A documentation change")
    sh(origin, "git", "checkout", "-q", "main")
    return Rehearsal(root)


def add_production_batch(origin: Path) -> None:
    """A drifted production batch and its labels, committed on main (the schedule finds them)."""
    sh(origin, "dvc", "repro", "split")
    config = yaml.safe_load((origin / "params.yaml").read_text())["data"]
    batches = origin / "data" / "production"
    (batches / "labels").mkdir(parents=True)
    batch = batches / f"{BATCH}.parquet"
    sh(
        origin,
        "mlgate",
        "simulate",
        "--rows",
        "1500",
        "--drift",
        "1",
        "--seed",
        "3",
        "-o",
        str(batch),
    )
    test = pd.read_parquet(origin / "data" / "processed" / "test.parquet")
    labels = pd.read_parquet(batch)
    rng = np.random.default_rng(3)
    labels[config["target"]] = rng.choice(test[config["target"]].to_numpy(), len(labels))
    labels.to_parquet(batches / "labels" / f"{BATCH}.parquet", index=False)
    sh(origin, "git", "add", "-f", "data/production")
    sh(origin, "git", "commit", "-qm", f"Production batch {BATCH} and its labels")
    subprocess.run(["git", "clean", "-qfdX", "data"], cwd=origin, check=True)


@pytest.fixture(scope="session")
def registered_main(rehearsal: Rehearsal) -> Run:
    """registry.yml on a push to main, once: it registers main's model and pushes the tag.

    The rehearsal's git maps GitHub's URL to the origin folder, as GitHub would receive the push.
    """
    return rehearsal.run(
        "push",
        "registry.yml",
        {"ref": "refs/heads/main", "after": rehearsal.sha("main")},
        branch="main",
        secrets={"GITHUB_TOKEN": "rehearsal-token"},
        env={
            "GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": f"url.{rehearsal.origin}.insteadOf",
            "GIT_CONFIG_VALUE_0": "https://github.com/owner/mlgate",
        },
    )
