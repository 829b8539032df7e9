"""The serving tests' shared fixtures: a reproduced copy of the project, packaged for BentoML,
and one real server of it for the whole session (starting one costs seconds)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlgate.serving.smoke import served
from tests.support.projects import copy_reproduced
from tests.support.shell import BIN, GIT_IDENTITY, sh


@pytest.fixture(scope="session")
def packaged(
    reproduced_project: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, str]]:
    """A reproduced copy of the project whose model is in a private BentoML store."""
    # the session's reproduced project, copied: registering and packaging change it
    project = copy_reproduced(reproduced_project, tmp_path_factory.mktemp("serving") / "mlgate")
    env = {
        **os.environ,
        **GIT_IDENTITY,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "BENTOML_HOME": str(project.parent / "bentoml"),
        "BENTOML_DO_NOT_TRACK": "True",
        "DVC_NO_ANALYTICS": "1",
        "MLGATE_PREDICTION_LOG_DIR": str(project.parent / "predictions"),
        # Every request logged, whatever params.yaml's production-sized default: the tests count
        # the lines.
        "MLGATE_PREDICTION_LOG_SAMPLE_RATE": "1.0",
    }
    sh(project, "mlgate", "registry", "register")  # model@v0.1.0: /metadata names it
    built = subprocess.run(
        ["mlgate", "bento"], cwd=project, env=env, capture_output=True, text=True, check=False
    )
    assert built.returncode == 0, built.stdout + built.stderr
    return project, env


@pytest.fixture(scope="session")
def server(packaged: tuple[Path, dict[str, str]]) -> Iterator[str]:
    """`bentoml serve` of the packaged service on 127.0.0.1, shared by the serving tests.

    It has a BentoML home of its own (the model store linked in): every `bentoml serve` empties
    its home's Prometheus folder at start, which would reset this server's /metrics whenever
    another test serves (`mlgate smoke`).
    """
    project, env = packaged
    home = project.parent / "bentoml-server"
    home.mkdir(exist_ok=True)
    if not (home / "models").exists():
        (home / "models").symlink_to(Path(env["BENTOML_HOME"]) / "models")
    own = env | {"BENTOML_HOME": str(home)}
    with served("mlgate.serving.service:MlgateModel", cwd=project, env=own) as url:
        yield url
