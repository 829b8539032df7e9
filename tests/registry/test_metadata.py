"""The registry version `mlgate bento` records for `/metadata`."""

from __future__ import annotations

from pathlib import Path

from mlgate.registry.versions import registered_version_of_model
from tests.support.cli import mlgate
from tests.support.registry_project import Project


def test_a_registered_model_file_has_its_version(project: Project) -> None:
    assert registered_version_of_model(project.root, project.model) is None  # no tags yet
    mlgate("registry", "register")
    assert registered_version_of_model(project.root, project.model) == "v0.1.0"
    assert registered_version_of_model(project.root, "0" * 32) is None


def test_outside_a_repository_or_a_registry_it_is_null(tmp_path: Path, project: Project) -> None:
    assert registered_version_of_model(tmp_path / "nowhere", project.model) is None
    mlgate("registry", "register")
    (project.root / "dvc.yaml").write_text("stages: {}\n")  # no artifacts: no registry
    assert registered_version_of_model(project.root, project.model) is None
