"""`mlgate registry register`: a version when the model changed, with the documented bump."""

from __future__ import annotations

import subprocess

from tests.support.cli import mlgate
from tests.support.registry_project import EVALUATE_CODE, MODEL, Project


def tag_message(project: Project, tag: str) -> str:
    assert project.git("cat-file", "-t", tag) == "tag"  # annotated, as GTO reads them
    return project.git("tag", "-l", "--format=%(contents)", tag)


def test_the_first_model_is_v0_1_0_tagged_on_its_commit(project: Project) -> None:
    result = mlgate("registry", "register")
    assert result.exit_code == 0, result.output
    assert project.tags() == ["model@v0.1.0"]
    assert project.sha("model@v0.1.0^{commit}") == project.sha("main")
    assert f"{MODEL} md5 {project.model}" in tag_message(project, "model@v0.1.0")
    assert f"registered model@v0.1.0 at {project.sha()[:7]}" in result.output
    assert "first version" in result.output


def test_an_unchanged_model_registers_nothing(project: Project) -> None:
    mlgate("registry", "register")
    project.commit("Docs only: dvc.lock unchanged")
    result = mlgate("registry", "register")
    assert result.exit_code == 0, result.output
    assert "unchanged, nothing registered" in result.output
    assert "model v0.1.0" in result.output
    assert project.tags() == ["model@v0.1.0"]


def test_registering_the_same_commit_twice_is_a_no_op(project: Project) -> None:
    mlgate("registry", "register")
    result = mlgate("registry", "register")
    assert result.exit_code == 0
    assert "unchanged, nothing registered" in result.output
    assert project.tags() == ["model@v0.1.0"]


def test_a_params_change_is_a_minor_bump(project: Project) -> None:
    mlgate("registry", "register")
    project.set_max_iter(200)
    project.commit("Deeper trees")
    result = mlgate("registry", "register")
    assert result.exit_code == 0, result.output
    assert project.tags() == ["model@v0.1.0", "model@v0.2.0"]
    message = tag_message(project, "model@v0.2.0")
    assert f"{MODEL} md5 {project.model}" in message
    assert "Bump: minor since v0.1.0: params: model.params.max_iter 100 → 200" in message


def test_a_data_change_is_a_minor_bump(project: Project) -> None:
    mlgate("registry", "register")
    project.change_data()
    project.commit("More training data")
    mlgate("registry", "register")
    assert "model@v0.2.0" in project.tags()
    assert "minor since v0.1.0: data: data/processed/train.parquet" in tag_message(
        project, "model@v0.2.0"
    )


def test_a_code_only_change_is_a_patch(project: Project) -> None:
    mlgate("registry", "register")
    project.change_code()
    project.commit("Faster training code")
    result = mlgate("registry", "register")
    assert "model@v0.1.1" in project.tags(), result.output
    assert "patch since v0.1.0: code or dependencies changed" in tag_message(
        project, "model@v0.1.1"
    )


def test_bumps_follow_the_latest_version(project: Project) -> None:
    mlgate("registry", "register")
    project.change_code()
    project.commit("code")
    mlgate("registry", "register")
    project.set_max_iter(40)
    project.commit("params")
    mlgate("registry", "register")
    project.change_code()
    project.commit("code again")
    mlgate("registry", "register")
    assert sorted(project.tags()) == [
        "model@v0.1.0",
        "model@v0.1.1",
        "model@v0.2.0",
        "model@v0.2.1",
    ]


def test_evaluation_only_changes_do_not_register(project: Project) -> None:
    mlgate("registry", "register")
    project.change_code(EVALUATE_CODE)  # new metrics code, same model
    project.metrics["model"]["accuracy"] = 0.5
    project.commit("evaluate differently")
    result = mlgate("registry", "register")
    assert "unchanged, nothing registered" in result.output
    assert project.tags() == ["model@v0.1.0"]


def test_register_at_another_ref(project: Project) -> None:
    first = project.sha()
    project.set_max_iter(30)
    project.commit("shallower")
    result = mlgate("registry", "register", "--ref", first)
    assert result.exit_code == 0, result.output
    assert project.sha("model@v0.1.0^{commit}") == first


def test_an_unknown_ref_is_one_line_and_tags_nothing(project: Project) -> None:
    result = mlgate("registry", "register", "--ref", "no-such-branch")
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: --ref no-such-branch: not a commit in this repository"
    assert project.tags() == []


def test_a_commit_without_dvc_lock_is_one_line(project: Project) -> None:
    project.git("rm", "-q", "dvc.lock")
    project.git("commit", "-qm", "no lock")
    result = mlgate("registry", "register")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert "dvc.lock at" in result.stderr
    assert "not found; run `dvc repro`" in result.stderr
    assert project.tags() == []


def test_without_the_artifact_declaration_nothing_is_tagged(project: Project) -> None:
    dvc_yaml = project.root / "dvc.yaml"
    dvc_yaml.write_text(dvc_yaml.read_text().split("\nartifacts:")[0])
    result = mlgate("registry", "register")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "error: dvc.yaml: artifacts.model: not declared (expected a `path:` to the model file)"
    )
    assert project.tags() == []


def test_without_a_git_identity_the_tag_is_signed_by_the_actions_bot(
    project: Project, monkeypatch
) -> None:
    project.git("config", "--unset", "user.name")
    project.git("config", "--unset", "user.email")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    result = mlgate("registry", "register")
    assert result.exit_code == 0, result.output
    tagger = subprocess.run(
        ["git", "tag", "-l", "--format=%(taggername)", "model@v0.1.0"],
        cwd=project.root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert tagger == "github-actions[bot]"
