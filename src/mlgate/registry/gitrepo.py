"""The few git reads and writes the registry needs, through the `git` command."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from mlgate.registry import RegistryError

# Who signs tags and commits where git has no identity (GitHub's runners have none).
BOT_NAME = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"


def git(
    root: Path,
    *args: str,
    data: bytes | None = None,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """`git ARGS` in `root`; the result whatever the exit status (bytes in, bytes out)."""
    try:
        return subprocess.run(
            ["git", *args],
            cwd=root,
            input=data,
            capture_output=True,
            check=False,
            env={**os.environ, **env} if env else None,
        )
    except FileNotFoundError:
        if not root.is_dir():
            raise RegistryError(f"{root}: no such folder") from None
        raise RegistryError("`git` is not installed (the registry lives in git tags)") from None


def git_text(root: Path, *args: str, env: Mapping[str, str] | None = None) -> str:
    """The output of a git command that must succeed."""
    done = git(root, *args, env=env)
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip().splitlines()
        raise RegistryError(f"`git {' '.join(args[:2])}` failed: {detail[-1] if detail else '?'}")
    return done.stdout.decode().strip()


def is_repository(root: Path) -> bool:
    return root.is_dir() and git(root, "rev-parse", "--git-dir").returncode == 0


def resolve_commit(root: Path, ref: str, option: str = "--ref") -> str:
    """The full SHA of `ref`, or a RegistryError naming the option."""
    if ref.startswith("-"):
        raise RegistryError(f"{option} {ref}: expected a branch, tag or commit")
    done = git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if done.returncode != 0:
        raise RegistryError(f"{option} {ref}: not a commit in this repository")
    return done.stdout.decode().strip()


def read_at(root: Path, commit: str, path: str) -> bytes | None:
    """The file `path` as committed at `commit`, or None when it is not there."""
    done = git(root, "cat-file", "blob", f"{commit}:{path}")
    return done.stdout if done.returncode == 0 else None


def identity(root: Path) -> tuple[str, str]:
    """git's configured user, or the GitHub Actions bot where none is configured."""
    name = git(root, "config", "user.name").stdout.decode().strip()
    email = git(root, "config", "user.email").stdout.decode().strip()
    if name and email:
        return name, email
    return (
        os.environ.get("GIT_COMMITTER_NAME") or BOT_NAME,
        os.environ.get("GIT_COMMITTER_EMAIL") or BOT_EMAIL,
    )
