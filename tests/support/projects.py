"""Copies of the project: the session's one reproduced copy, and private copies of it for tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.support.shell import sh


def without_dvc_tmp(folder: str, names: list[str]) -> list[str]:
    """DVC's .dvc/tmp (locks, index, queue workers' files) belongs to its folder; a copy needs none."""
    return ["tmp"] if Path(folder).name == ".dvc" else []


def copy_reproduced(source: Path, target: Path) -> Path:
    """A private copy of a reproduced project (git history and DVC cache included) at `target`.

    Copying costs well under a second; `dvc repro` from scratch costs tens of seconds. The copy's
    files keep their content, so DVC finds every stage up to date (it re-hashes, trains nothing).
    """
    shutil.copytree(source, target, symlinks=True, ignore=without_dvc_tmp)
    return target


def clone_on_a_branch(upstream: Path, folder: Path, branch: str = "change") -> Path:
    """A git clone of a reproduced fork on a new branch, sharing the fork's DVC cache (so a
    `dvc repro` runs only the stages a change touches)."""
    clone = folder / "clone"
    sh(folder, "git", "clone", "-q", str(upstream), str(clone))
    sh(clone, "dvc", "cache", "dir", "--local", str(upstream / ".dvc" / "cache"))
    sh(clone, "dvc", "checkout", "-q")
    sh(clone, "git", "checkout", "-q", "-b", branch)
    return clone
