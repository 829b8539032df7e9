"""The environment stage writes the runtime pins; a missing or broken uv.lock is one line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, cast

import pytest

from mlgate.errors import EnvironmentLockError
from mlgate.layout import ENVIRONMENT, PYTHON_VERSION, UV_LOCK
from mlgate.stages import environment
from tests.support.paths import REPO_ROOT

NO_PARAMS = cast(Any, None)  # the stage reads none


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(REPO_ROOT / UV_LOCK, tmp_path / UV_LOCK)
    (tmp_path / PYTHON_VERSION).write_text("3.11\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_stage_writes_the_pins_and_the_python(project: Path) -> None:
    detail = environment.run(NO_PARAMS)
    record = json.loads((project / ENVIRONMENT).read_text())
    assert record["python"] == "3.11"
    assert "scikit-learn" in record["packages"]
    assert f"{len(record['packages'])} runtime packages pinned, Python 3.11" in detail


def test_the_same_lock_writes_the_same_bytes(project: Path) -> None:
    environment.run(NO_PARAMS)
    first = (project / ENVIRONMENT).read_bytes()
    environment.run(NO_PARAMS)
    assert (project / ENVIRONMENT).read_bytes() == first


def test_a_missing_lock_names_the_file_and_the_fix(project: Path) -> None:
    (project / UV_LOCK).unlink()
    with pytest.raises(
        EnvironmentLockError, match=r"^uv.lock: unreadable \(FileNotFoundError\); run `uv lock`"
    ):
        environment.run(NO_PARAMS)
    assert not (project / ENVIRONMENT).exists()
