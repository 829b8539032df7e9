"""`make check-fresh`: committed results that the code no longer produces fail, saying what to run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.projects import copy_reproduced
from tests.support.shell import attempt, sh

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def project(reproduced_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's reproduced project, copied: as CI's test job has it after restoring the DVC
    cache (check-fresh itself reproduces what the cache lacks)."""
    return copy_reproduced(reproduced_project, tmp_path_factory.mktemp("fresh") / "mlgate")


def check_fresh(folder: Path) -> tuple[int, str]:
    # -o setup: this test run's environment, instead of syncing a venv into the copy
    done = attempt(folder, "make", "-o", "setup", "check-fresh")
    return done.returncode, done.stdout + done.stderr


def test_committed_results_are_fresh(project: Path) -> None:
    code, output = check_fresh(project)
    assert code == 0, output
    assert "dvc.lock and the committed results are fresh" in output


def test_a_param_changed_without_repro_fails_with_the_command_to_run(project: Path) -> None:
    params = project / "params.yaml"
    params.write_text(params.read_text().replace("max_iter: 100", "max_iter: 50", 1))
    sh(project, "git", "commit", "-qam", "Change a param, forget dvc repro")
    code, output = check_fresh(project)
    assert code != 0  # make's own status for a failed recipe
    assert "Run 'make refresh-lock' (dvc repro, then git add dvc.lock and reports/)" in output
    assert "dvc.lock" in output.split("::error::")[0]  # the stale files are listed first
