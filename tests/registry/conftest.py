"""Registry tests run in a throwaway repository shaped like the project
(tests/support/registry_project.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.registry_project import Project


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """main with one committed model; the current directory."""
    created = Project.create(tmp_path / "repo")
    monkeypatch.chdir(created.root)
    return created
