"""The serving tests' shared fixture: a reproduced copy of the project, packaged for BentoML."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from benchmarks.pipeline import copy_project

from tests.e2e.shell import BIN, GIT_IDENTITY, sh


@pytest.fixture(scope="session")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A reproduced copy of the project whose model is in a private BentoML store."""
    project = tmp_path_factory.mktemp("serving") / "mlgate"
    copy_project(project)
    env = {
        **os.environ,
        **GIT_IDENTITY,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "BENTOML_HOME": str(project.parent / "bentoml"),
        "BENTOML_DO_NOT_TRACK": "True",
        "DVC_NO_ANALYTICS": "1",
        "MLGATE_PREDICTION_LOG_DIR": str(project.parent / "predictions"),
    }
    sh(project, "dvc", "repro")
    sh(project, "mlgate", "registry", "register")  # model@v0.1.0: /metadata names it
    built = subprocess.run(
        ["mlgate", "bento"], cwd=project, env=env, capture_output=True, text=True, check=False
    )
    assert built.returncode == 0, built.stdout + built.stderr
    return project, env
