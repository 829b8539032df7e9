"""A uv.lock-only change, as a Dependabot PR makes it: the lock's text is edited (nothing is
installed), and DVC re-runs what the pin can change; the review says whether the model changed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from mlgate.layout import ENVIRONMENT, LOCK, MODEL, UV_LOCK
from tests.support.projects import copy_reproduced
from tests.support.shell import git, sh, stages_run

pytestmark = pytest.mark.slow


def committed_copy(reproduced: Path, folder: Path) -> Path:
    """The reproduced project with everything committed: the base a bump is reviewed against."""
    project = copy_reproduced(reproduced, folder / "mlgate")
    git(project, "add", "-A")
    git(project, "commit", "-q", "--allow-empty", "-m", "base")
    return project


def bump(project: Path, package: str) -> tuple[str, str]:
    """Raise `package`'s pinned patch version in uv.lock's text; (old, new)."""
    lock = project / UV_LOCK
    text = lock.read_text()
    entry = re.compile(rf'(\[\[package\]\]\nname = "{re.escape(package)}"\nversion = ")([^"]+)"')
    found = entry.search(text)
    assert found, f"{package} is not pinned in uv.lock"
    old = found.group(2)
    head, _, last = old.rpartition(".")
    new = f"{head}.{int(last) + 1}"
    lock.write_text(entry.sub(rf'\g<1>{new}"', text, count=1))
    return old, new


def md5(project: Path, output: Path) -> str:
    stages = yaml.safe_load((project / LOCK).read_text())["stages"]
    return next(
        out["md5"]
        for stage in stages.values()
        for out in stage.get("outs", [])
        if out["path"] == output.as_posix()
    )


def test_a_dev_only_bump_re_runs_the_environment_stage_alone(
    reproduced_project: Path, tmp_path: Path
) -> None:
    project = committed_copy(reproduced_project, tmp_path)
    before = (project / ENVIRONMENT).read_bytes()
    bump(project, "pytest")
    status = sh(project, "dvc", "status")
    assert "environment:" in status
    assert stages_run(sh(project, "dvc", "repro")) == ["environment"]
    assert (project / ENVIRONMENT).read_bytes() == before


def test_a_runtime_bump_re_runs_the_pipeline_and_the_review_says_the_model_is_unchanged(
    reproduced_project: Path, tmp_path: Path
) -> None:
    """One pipeline re-run: every stage depends on the pins; the same data, params and installed
    packages give the same model bytes, and the review compares the PR with its base commit."""
    project = committed_copy(reproduced_project, tmp_path)
    base = git(project, "rev-parse", "HEAD")
    model = md5(project, MODEL)
    old, new = bump(project, "scikit-learn")
    git(project, "commit", "-qam", f"Bump scikit-learn from {old} to {new}")

    stages = yaml.safe_load((project / "dvc.yaml").read_text())["stages"]
    assert sorted(stages_run(sh(project, "dvc", "repro"))) == sorted(stages)
    assert json.loads((project / ENVIRONMENT).read_text())["packages"]["scikit-learn"] == new
    assert md5(project, MODEL) == model
    git(project, "commit", "-qam", "Reproduce the pipeline for the dependency bump")

    sh(project, "mlgate", "report", "--base", base)
    review = (project / "reports" / "review.md").read_text()
    section = review.split("### Dependencies", 1)[1]
    assert f"| `scikit-learn` | `{old}` | `{new}` |" in section
    assert "model unchanged (byte-identical)" in section
    facts = json.loads((project / "reports" / "review" / "review.json").read_text())
    assert facts["dependencies"]["changed"] == [{"name": "scikit-learn", "base": old, "pr": new}]
    assert facts["dependencies"]["model_unchanged"] is True
