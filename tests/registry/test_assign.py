"""`mlgate registry assign` and `version`: stages follow the merges main → staging → production."""

from __future__ import annotations

import json

from tests.support.cli import mlgate
from tests.support.registry_project import Project, next_second


def stages(project: Project) -> dict[str, str | None]:
    result = mlgate("registry", "show", "--json")
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout)["stages"])


def promote(project: Project, source: str, stage: str) -> None:
    """Merge, then what registry.yml runs on the push to the stage branch."""
    project.merge(source, stage)
    result = mlgate("registry", "assign", "--stage", stage, "--ref", stage)
    assert result.exit_code == 0, result.output


def test_stages_follow_the_promotion_merges(project: Project) -> None:
    mlgate("registry", "register")
    promote(project, "main", "staging")
    promote(project, "staging", "production")
    assert stages(project) == {"staging": "v0.1.0", "production": "v0.1.0"}

    project.set_max_iter(200)
    project.commit("Deeper trees")
    mlgate("registry", "register")
    next_second()
    promote(project, "main", "staging")  # a merge commit: the version's tag is on an ancestor
    assert project.sha("staging") != project.sha("model@v0.2.0^{commit}")
    assert stages(project) == {"staging": "v0.2.0", "production": "v0.1.0"}

    next_second()
    promote(project, "staging", "production")
    assert stages(project) == {"staging": "v0.2.0", "production": "v0.2.0"}
    assert "model#production#4" in project.tags()  # GTO's stage tags, numbered across stages
    tag = project.git("tag", "-l", "--format=%(contents)", "model#production#4")
    assert "Assigning production to model v0.2.0" in tag
    assert "the model at production" in tag


def test_the_stage_tag_points_at_the_versions_commit(project: Project) -> None:
    mlgate("registry", "register")
    project.commit("docs")  # staging's tip is not the version's commit
    project.merge("main", "staging")
    result = mlgate("registry", "assign", "--stage", "staging", "--ref", "staging")
    assert result.exit_code == 0, result.output
    assert "assigned staging → model v0.1.0: model#staging#1" in result.output
    assert project.sha("model#staging#1^{commit}") == project.sha("model@v0.1.0^{commit}")


def test_assigning_the_version_a_stage_holds_tags_nothing(project: Project) -> None:
    mlgate("registry", "register")
    mlgate("registry", "assign", "--stage", "staging")
    result = mlgate("registry", "assign", "--stage", "staging")
    assert result.exit_code == 0
    assert "staging already holds model v0.1.0: nothing assigned" in result.output
    assert project.tags() == ["model#staging#1", "model@v0.1.0"]


def test_an_unknown_stage_is_one_line_and_tags_nothing(project: Project) -> None:
    mlgate("registry", "register")
    result = mlgate("registry", "assign", "--stage", "qa")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: --stage qa: not a stage (expected one of: staging, production)\n"
    )
    assert project.tags() == ["model@v0.1.0"]


def test_an_unregistered_model_is_one_line_and_tags_nothing(project: Project) -> None:
    mlgate("registry", "register")
    project.set_max_iter(20)
    project.commit("not registered yet")
    result = mlgate("registry", "assign", "--stage", "staging")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert f"md5 {project.model[:8]}) is not a registered version of 'model'" in result.stderr
    assert project.tags() == ["model@v0.1.0"]


def test_version_prints_the_registered_version_of_a_refs_model(project: Project) -> None:
    mlgate("registry", "register")
    project.commit("docs")  # same model, later commit
    result = mlgate("registry", "version")
    assert (result.exit_code, result.stdout) == (0, "v0.1.0\n")
    project.set_max_iter(50)
    project.commit("deeper")
    result = mlgate("registry", "version")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "is not a registered version" in result.stderr
    assert mlgate("registry", "version", "--ref", "HEAD~1").stdout == "v0.1.0\n"


def test_a_model_registered_twice_is_its_newest_version(project: Project) -> None:
    mlgate("registry", "register")
    first = project.lock["stages"]["train"]["outs"][0]["md5"]
    project.set_max_iter(200)
    project.commit("deeper")
    mlgate("registry", "register")
    project.set_max_iter(100)
    project.set_hash("models/model.skops", first)  # back to the first model, byte for byte
    project.commit("revert to 8")
    mlgate("registry", "register")
    assert "model@v0.3.0" in project.tags()
    assert mlgate("registry", "version").stdout == "v0.3.0\n"
