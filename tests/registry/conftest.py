"""Registry tests run in a throwaway repository shaped like the project (see project.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from mlgate.cli import app
from tests.registry.project import Project


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """main with one committed model; the current directory."""
    created = Project.create(tmp_path / "repo")
    monkeypatch.chdir(created.root)
    return created


def mlgate(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))
