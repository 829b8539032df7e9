"""Finding the base commit: by name, via origin/, by fetching into a shallow clone, or a clear error."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from mlgate.errors import GitError, ReviewError
from mlgate.review.revisions import head_revision, resolve_base
from tests.support.shell import git


@pytest.fixture
def upstream(tmp_path: Path) -> Path:
    """A repository with `main` and a `feature` branch one commit ahead."""
    repo = tmp_path / "upstream"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "t@example.com")
    git(repo, "config", "user.name", "t")
    (repo / "f.txt").write_text("one\n")
    git(repo, "add", "f.txt")
    git(repo, "commit", "-q", "-m", "one")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "f.txt").write_text("two\n")
    git(repo, "commit", "-q", "-am", "two")
    return repo


def test_base_resolves_by_branch_name(upstream: Path) -> None:
    base = resolve_base(upstream, "main")
    assert base.sha == git(upstream, "rev-parse", "main")
    assert (base.name, base.short) == ("main", base.sha[:7])


def test_base_falls_back_to_the_remote_tracking_branch(upstream: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--branch", "feature", str(upstream), str(clone))
    assert resolve_base(clone, "main").sha == git(upstream, "rev-parse", "main")


def test_shallow_clone_fetches_the_missing_base(upstream: Path, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    git(
        tmp_path,
        "clone",
        "-q",
        "--depth=1",
        "--single-branch",
        "--branch",
        "feature",
        f"file://{upstream}",
        str(clone),
    )
    main_sha = git(upstream, "rev-parse", "main")
    assert subprocess.run(["git", "cat-file", "-e", main_sha], cwd=clone).returncode != 0
    assert resolve_base(clone, "main").sha == main_sha


def test_missing_base_without_a_remote_says_what_to_run(upstream: Path) -> None:
    with pytest.raises(
        ReviewError,
        match=r"--base nosuch: no such commit in this clone; "
        r"fetch it first, e.g. `git fetch origin nosuch`",
    ):
        resolve_base(upstream, "nosuch")


def test_option_like_base_is_rejected(upstream: Path) -> None:
    with pytest.raises(ReviewError, match="expected a branch, tag or commit"):
        resolve_base(upstream, "--upload-pack=evil")


def test_outside_git_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(GitError, match="not a git repository; the review compares git revisions"):
        resolve_base(tmp_path, "main")


def test_head_reports_uncommitted_changes(upstream: Path) -> None:
    head, dirty = head_revision(upstream)
    assert head.sha == git(upstream, "rev-parse", "HEAD")
    assert not dirty
    (upstream / "f.txt").write_text("three\n")
    assert head_revision(upstream)[1]
