"""Shared fixtures: small datasets built here (never downloaded) and isolated work folders."""

from __future__ import annotations

import os

# The suite runs the same locally and inside a GitHub job (ci.yml runs `make test`): GitHub's
# context would change what the code under test records (GITHUB_SHA in a bento) and how typer
# prints help (colour forced under GITHUB_ACTIONS). Tests that need a variable set it themselves.
# This runs before anything imports typer.
for _name in [n for n in os.environ if n.startswith(("GITHUB_", "RUNNER_"))]:
    del os.environ[_name]
for _name in ("FORCE_COLOR", "PY_COLORS"):
    os.environ.pop(_name, None)

from pathlib import Path

import pandas as pd
import pytest

from tests.support.datasets import BASE_PARAMS, make_custom_frame, write_params


@pytest.fixture
def custom_frame() -> pd.DataFrame:
    return make_custom_frame()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder, made the current directory, holding the custom CSV."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data" / "external").mkdir(parents=True)
    make_custom_frame().to_csv(tmp_path / "data" / "external" / "custom.csv", index=False)
    write_params(tmp_path, BASE_PARAMS)
    return tmp_path
