"""Copies of the project: the session's one reproduced copy, and private copies of it for tests."""

from __future__ import annotations

import shutil
from pathlib import Path


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
