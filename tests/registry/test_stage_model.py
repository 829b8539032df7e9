"""stage_model: the version GTO says a stage holds, and that version's model hash (dvc.lock at
its commit), whatever the stage branch's own dvc.lock says."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlgate.registry import RegistryError
from mlgate.registry.artifact import declared_artifact
from mlgate.registry.stage_model import stage_model
from tests.support.cli import mlgate
from tests.support.registry_project import Project, next_second


def test_the_stage_holds_the_assigned_versions_model(project: Project) -> None:
    first = project.model
    assert mlgate("registry", "register").exit_code == 0
    assert mlgate("registry", "assign", "--stage", "production").exit_code == 0
    project.retrain()
    project.commit("A new model")
    assert mlgate("registry", "register").exit_code == 0  # v0.1.1, not in production
    held = stage_model(Path.cwd(), declared_artifact(Path.cwd()), "production")
    assert (held.version, held.model_hash) == ("v0.1.0", first)
    assert held.model_hash != project.model

    next_second()
    assert mlgate("registry", "assign", "--stage", "production").exit_code == 0
    held = stage_model(Path.cwd(), declared_artifact(Path.cwd()), "production")
    assert (held.version, held.model_hash) == ("v0.1.1", project.model)


def test_a_stage_without_an_assignment_says_how_to_assign_it(project: Project) -> None:
    assert mlgate("registry", "register").exit_code == 0
    with pytest.raises(RegistryError, match=r"--stage staging: no version of model is assigned"):
        stage_model(Path.cwd(), declared_artifact(Path.cwd()), "staging")


def test_an_unknown_stage_is_refused(project: Project) -> None:
    with pytest.raises(RegistryError, match=r"--stage qa: not a stage"):
        stage_model(Path.cwd(), declared_artifact(Path.cwd()), "qa")
