"""End to end with DVC: register, promote, roll back; the rollback branch is fresh for DVC."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.support.projects import copy_reproduced
from tests.support.registry_project import next_second
from tests.support.shell import sh, stages_run

pytestmark = pytest.mark.slow


def test_a_rollback_branch_restores_the_model_and_dvc_has_nothing_to_do(
    reproduced_project: Path, tmp_path: Path
) -> None:
    # the first model, in this copy's DVC cache (the session's `dvc repro`, copied)
    project = copy_reproduced(reproduced_project, tmp_path / "project")
    first = hashlib.md5((project / "models" / "model.skops").read_bytes()).hexdigest()
    assert "registered model@v0.1.0" in sh(project, "mlgate", "registry", "register")
    sh(project, "git", "branch", "production")
    sh(project, "mlgate", "registry", "assign", "--stage", "production", "--ref", "production")
    # The artifact declaration and GTO's tags are what `dvc artifacts get` resolves.
    sh(project, "dvc", "push")
    for selector in ("--stage=production", "--rev=v0.1.0"):
        got = tmp_path / f"got{selector.split('=')[0]}.skops"
        sh(tmp_path, "dvc", "artifacts", "get", str(project), "model", selector, "-o", str(got))
        assert hashlib.md5(got.read_bytes()).hexdigest() == first

    params = project / "params.yaml"
    params.write_text(params.read_text().replace("max_iter: 100", "max_iter: 30", 1))
    sh(project, "dvc", "repro")
    sh(project, "git", "commit", "-qam", "Fewer boosting rounds")
    assert "model@v0.2.0" in sh(project, "mlgate", "registry", "register")
    sh(project, "git", "checkout", "-q", "production")
    sh(project, "git", "merge", "-q", "--no-ff", "-m", "Promote", "main")
    next_second()
    sh(project, "mlgate", "registry", "assign", "--stage", "production", "--ref", "production")
    shown = json.loads(sh(project, "mlgate", "registry", "show", "--json"))
    assert shown["stages"]["production"] == "v0.2.0"

    sh(project, "mlgate", "rollback", "--stage", "production")
    sh(project, "git", "checkout", "-q", "rollback/production-v0.1.0")
    sh(project, "dvc", "checkout")  # the first model, from the cache by its restored hash
    assert hashlib.md5((project / "models" / "model.skops").read_bytes()).hexdigest() == first
    output = sh(project, "dvc", "repro")
    assert stages_run(output) == []  # lock entries, params and committed outputs agree
    assert sh(project, "git", "status", "--porcelain") == ""
    assert sh(project, "mlgate", "registry", "version").strip() == "v0.1.0"
