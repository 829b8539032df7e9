"""vcs.git against a real git in a throwaway repository: each failure is one GitError message."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mlgate.errors import GitError, MlgateError
from mlgate.vcs import git
from tests.support.shell import git as sh_git


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """One commit on main (notes.txt), by a configured user."""
    root = tmp_path / "repo"
    root.mkdir()
    sh_git(root, "init", "-q", "-b", "main")
    sh_git(root, "config", "user.name", "Ada")
    sh_git(root, "config", "user.email", "ada@example.com")
    (root / "notes.txt").write_text("one\n")
    sh_git(root, "add", "notes.txt")
    sh_git(root, "commit", "-qm", "one")
    return root


@pytest.fixture
def no_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PATH where git cannot be found."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def test_git_error_is_a_user_mistake_the_cli_reports() -> None:
    assert issubclass(GitError, MlgateError)


def test_missing_git_is_one_message_for_every_call(repo: Path, no_git: None) -> None:
    for call in (
        lambda: git.run(repo, "status"),
        lambda: git.is_repository(repo),
        lambda: git.resolve_commit(repo, "main"),
        lambda: git.file_at(repo, "HEAD", "notes.txt"),
        lambda: git.identity(repo),
    ):
        with pytest.raises(GitError, match=r"^git is not installed; mlgate needs it on PATH"):
            call()


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(GitError, match=r"nowhere: no such folder$"):
        git.run(tmp_path / "nowhere", "status")


def test_outside_a_repository(tmp_path: Path) -> None:
    assert not git.is_repository(tmp_path)
    assert git.head_sha(tmp_path) is None
    assert git.current_branch(tmp_path) is None
    with pytest.raises(GitError, match=r": not a git repository; the sweep needs commits$"):
        git.require_repository(tmp_path, "the sweep needs commits")


def test_a_bad_ref_names_the_option_and_the_ref(repo: Path) -> None:
    with pytest.raises(GitError, match=r"^--stage nosuch: not a commit in this repository$"):
        git.resolve_commit(repo, "nosuch", option="--stage")


def test_an_option_like_ref_is_refused_not_run(repo: Path) -> None:
    with pytest.raises(GitError, match=r"^--ref --output=x: expected a branch, tag or commit$"):
        git.resolve_commit(repo, "--output=x")
    assert git.commit_of(repo, "--output=x") is None
    assert not (repo / "x").exists()


def test_resolve_commit_gives_the_full_sha(repo: Path) -> None:
    assert git.resolve_commit(repo, "main") == sh_git(repo, "rev-parse", "HEAD")
    assert git.head_sha(repo) == sh_git(repo, "rev-parse", "HEAD")


def test_a_failed_command_says_which_and_gits_fatal_line_not_its_usage_hint(repo: Path) -> None:
    with pytest.raises(
        GitError, match=r"^`git log nosuch\.\.main` failed: fatal: ambiguous argument 'nosuch"
    ):
        git.text(repo, "log", "nosuch..main")


def test_log_lines_are_the_new_commits_newest_first(repo: Path) -> None:
    sh_git(repo, "commit", "-q", "--allow-empty", "-m", "two")
    sh_git(repo, "commit", "-q", "--allow-empty", "-m", "three")
    listed = git.log_lines(repo, since="HEAD~2", until="main")
    assert [line.split(" ", 1)[1] for line in listed] == ["three", "two"]
    with pytest.raises(GitError, match=r"^`git log nosuch\.\.main` failed: fatal: "):
        git.log_lines(repo, since="nosuch", until="main")


def test_a_slow_command_times_out(repo: Path) -> None:
    sh_git(repo, "config", "alias.wait", "!sleep 1")
    with pytest.raises(GitError, match=r"^`git wait` took longer than 0\.2 s$"):
        git.run(repo, "wait", timeout=0.2)


def test_file_at_reads_the_committed_file_not_the_workspace(repo: Path) -> None:
    (repo / "notes.txt").write_text("changed, not committed\n")
    assert git.file_at(repo, "HEAD", "notes.txt") == b"one\n"


def test_file_at_a_missing_path_is_none(repo: Path) -> None:
    assert git.file_at(repo, "HEAD", "nosuch.txt") is None
    assert git.file_at(repo, "HEAD", ".") is None  # a tree is not a file


def test_files_under_lists_blobs_recursively(repo: Path) -> None:
    (repo / "plots").mkdir()
    (repo / "plots" / "a.json").write_text("{}")
    sh_git(repo, "add", "plots")
    sh_git(repo, "commit", "-qm", "plots")
    assert list(git.files_under(repo, "HEAD", "plots")) == ["plots/a.json"]
    assert git.files_under(repo, "HEAD", "nothing-here") == {}


def test_identity_is_gits_configured_user(repo: Path) -> None:
    assert git.identity(repo) == ("Ada", "ada@example.com")


def test_identity_falls_back_to_the_actions_bot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_COMMITTER_NAME", raising=False)
    monkeypatch.delenv("GIT_COMMITTER_EMAIL", raising=False)
    bare = tmp_path / "bare"
    bare.mkdir()
    sh_git(bare, "init", "-q")
    assert git.identity(bare) == (git.BOT_NAME, git.BOT_EMAIL)
    monkeypatch.setenv("GIT_COMMITTER_NAME", "ci")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "ci@example.com")
    assert git.identity(bare) == ("ci", "ci@example.com")


def test_branches_as_the_clone_knows_them(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    sh_git(tmp_path, "clone", "-q", str(repo), str(clone))
    assert git.branch_ref(clone, "main") == "origin/main"
    sh_git(clone, "branch", "local-only")
    assert git.branch_ref(clone, "local-only") == "local-only"
    assert git.branch_ref(clone, "nosuch") is None
    assert git.branch_exists(clone, "local-only")
    assert not git.branch_exists(clone, "nosuch")


def test_branch_names_git_would_refuse(repo: Path) -> None:
    assert git.is_valid_branch_name(repo, "sweep/best")
    assert not git.is_valid_branch_name(repo, "bad..name")


def test_status_and_dirty_workspace(repo: Path) -> None:
    assert git.status(repo) == []
    (repo / "new.txt").write_text("untracked")
    assert git.status(repo) == ["?? new.txt"]
    assert not git.is_dirty(repo)  # untracked files do not count
    (repo / "notes.txt").write_text("two\n")
    assert git.is_dirty(repo)


def test_current_branch(repo: Path) -> None:
    assert git.current_branch(repo) == "main"
    sh_git(repo, "checkout", "-q", "--detach")
    assert git.current_branch(repo) == "HEAD"


def test_fetch_commit_into_a_shallow_clone(repo: Path, tmp_path: Path) -> None:
    sh_git(repo, "checkout", "-q", "-b", "feature")
    (repo / "notes.txt").write_text("two\n")
    sh_git(repo, "commit", "-qam", "two")
    clone = tmp_path / "shallow"
    sh_git(
        tmp_path,
        "clone",
        "-q",
        "--depth=1",
        "--single-branch",
        "--branch",
        "feature",
        f"file://{repo}",
        str(clone),
    )
    assert git.is_shallow(clone)
    assert git.has_remote(clone, "origin")
    main = sh_git(repo, "rev-parse", "main")
    assert git.commit_of(clone, main) is None
    assert git.fetch_commit(clone, "origin", "main") == main
    assert git.fetch_commit(clone, "origin", "nosuch") is None


def test_tags_by_pattern_and_none_outside_a_repository(repo: Path, tmp_path: Path) -> None:
    sh_git(repo, "tag", "model@v0.1.0")
    sh_git(repo, "tag", "other")
    assert git.tags(repo, "model@*") == ["model@v0.1.0"]
    assert git.tags(tmp_path, "model@*") == []


def test_run_passes_input_and_env(repo: Path) -> None:
    blob = git.text(repo, "hash-object", "--stdin", input=b"one\n")
    assert blob == sh_git(repo, "rev-parse", "HEAD:notes.txt")
    assert git.text(repo, "var", "GIT_AUTHOR_IDENT", env={"GIT_AUTHOR_NAME": "Bo"}).startswith(
        "Bo <"
    )
    assert "GIT_AUTHOR_NAME" not in os.environ
