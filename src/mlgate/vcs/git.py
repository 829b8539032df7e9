"""Every git call mlgate makes, through one wrapper, so every caller fails the same way.

One error type (GitError) and one message each for: git not installed, a folder that is not a
repository, a ref that names no commit, a command that failed or took too long.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from mlgate.errors import GitError

TIMEOUT_SECONDS = 120.0  # a fetch or push over a slow network; local commands take milliseconds

# Who signs tags and commits where git has no identity (GitHub's runners have none).
BOT_NAME = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"


def run(
    root: Path,
    *args: str,
    input: bytes | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> subprocess.CompletedProcess[bytes]:
    """`git ARGS` in `root`, whatever its exit status (bytes in, bytes out).

    Raises GitError only when git cannot run at all: not installed, no such folder, too slow.
    """
    if not root.is_dir():
        raise GitError(f"{root}: no such folder")
    try:
        return subprocess.run(
            ["git", *args],
            cwd=root,
            input=input,
            stdin=subprocess.DEVNULL if input is None else None,
            capture_output=True,
            check=False,
            env={**os.environ, **env} if env else None,
            timeout=timeout,
        )
    except FileNotFoundError:
        raise GitError(
            "git is not installed; mlgate needs it on PATH (https://git-scm.com/downloads)"
        ) from None
    except subprocess.TimeoutExpired:
        raise GitError(f"`{_named(args)}` took longer than {timeout:g} s") from None


def text(
    root: Path,
    *args: str,
    input: bytes | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> str:
    """The stripped output of a git command that must succeed; else a GitError with git's reason."""
    done = run(root, *args, input=input, env=env, timeout=timeout)
    if done.returncode != 0:
        raise GitError(f"`{_named(args)}` failed: {_reason(done.stderr)}")
    return done.stdout.decode().strip()


def _reason(stderr: bytes) -> str:
    """git's own `fatal:`/`error:` line (its last lines are often usage hints), else its last."""
    lines = [line.strip() for line in stderr.decode(errors="replace").splitlines() if line.strip()]
    said = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return (said or lines or ["?"])[-1]


def _named(args: tuple[str, ...]) -> str:
    """The command as people know it: `git log a..b`, `git push origin`, without its options."""
    words = [word for word in args[1:] if not word.startswith("-")]
    return " ".join(["git", *args[:1], *words[:1]])


def is_repository(root: Path) -> bool:
    """Whether `root` is a folder inside a git work tree (or a bare repository)."""
    return root.is_dir() and run(root, "rev-parse", "--git-dir").returncode == 0


def require_repository(root: Path, why: str) -> None:
    """A GitError unless `root` is inside a git repository; `why` says what needs one."""
    if not is_repository(root):
        raise GitError(f"{root}: not a git repository; {why}")


def commit_of(root: Path, ref: str) -> str | None:
    """The full SHA of the commit `ref` names, or None (never read as an option)."""
    if ref.startswith("-"):
        return None
    done = run(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    return done.stdout.decode().strip() if done.returncode == 0 else None


def resolve_commit(root: Path, ref: str, option: str = "--ref") -> str:
    """The full SHA of `ref`, or a GitError naming the option the user gave it with."""
    if ref.startswith("-"):
        raise GitError(f"{option} {ref}: expected a branch, tag or commit")
    sha = commit_of(root, ref)
    if sha is None:
        raise GitError(f"{option} {ref}: not a commit in this repository")
    return sha


def branch_ref(root: Path, branch: str, remote: str = "origin") -> str | None:
    """`branch` as this clone knows it: `<remote>/<branch>` first, else the local branch."""
    for ref in (f"{remote}/{branch}", branch):
        if commit_of(root, ref) is not None:
            return ref
    return None


def branch_exists(root: Path, branch: str) -> bool:
    """Whether the local branch `refs/heads/<branch>` exists."""
    return commit_of(root, f"refs/heads/{branch}") is not None


def is_valid_branch_name(root: Path, name: str) -> bool:
    """Whether git would accept `name` for a new branch (`git check-ref-format --branch`)."""
    return run(root, "check-ref-format", "--branch", name).returncode == 0


def file_at(root: Path, commit: str, path: str) -> bytes | None:
    """The file `path` as committed at `commit`, or None when it is not there."""
    done = run(root, "cat-file", "blob", f"{commit}:{path}")
    return done.stdout if done.returncode == 0 else None


def files_under(root: Path, commit: str, path: str) -> dict[str, str]:
    """Committed files at or under `path` at `commit`: file path → blob id."""
    listing = text(root, "ls-tree", "-r", "-z", commit, "--", path)
    found = {}
    for item in filter(None, listing.split("\0")):
        meta, name = item.split("\t", 1)
        found[name] = meta.split()[2]
    return found


def log_lines(root: Path, since: str, until: str) -> list[str]:
    """`<short sha> <subject>` of each commit in `until` but not in `since`, newest first."""
    listed = text(root, "log", "--format=%h %s", f"{since}..{until}", "--")
    return [line for line in listed.splitlines() if line]


def head_sha(root: Path) -> str | None:
    """HEAD's full SHA, or None where there is no commit (or no repository) yet."""
    return commit_of(root, "HEAD")


def current_branch(root: Path) -> str | None:
    """The checked-out branch's name, `HEAD` when detached, None outside a repository."""
    done = run(root, "rev-parse", "--abbrev-ref", "HEAD")
    return done.stdout.decode().strip() if done.returncode == 0 else None


def status(root: Path, *, untracked: bool = True) -> list[str]:
    """`git status --porcelain` lines: what differs from HEAD (untracked files too, if asked)."""
    flag = "--untracked-files=all" if untracked else "--untracked-files=no"
    return text(root, "status", "--porcelain", flag).splitlines()


def is_dirty(root: Path) -> bool:
    """Whether tracked files have uncommitted changes (untracked files do not count)."""
    return bool(status(root, untracked=False))


def is_shallow(root: Path) -> bool:
    """Whether this clone lacks history (CI checkouts fetch one commit by default)."""
    return text(root, "rev-parse", "--is-shallow-repository") == "true"


def has_remote(root: Path, remote: str) -> bool:
    """Whether `remote` is configured, so a fetch from it can be tried."""
    return remote in text(root, "remote").split()


def fetch_commit(root: Path, remote: str, ref: str) -> str | None:
    """Fetch `ref`'s one commit from `remote` (enough to read its tree); its SHA, or None."""
    fetched = run(root, "fetch", "--quiet", "--no-tags", "--depth=1", remote, ref)
    return commit_of(root, "FETCH_HEAD") if fetched.returncode == 0 else None


def tags(root: Path, *patterns: str) -> list[str]:
    """The tag names matching any of `patterns` (git's globs); none outside a repository."""
    done = run(root, "tag", "--list", *patterns)
    return done.stdout.decode().split() if done.returncode == 0 else []


def identity(root: Path) -> tuple[str, str]:
    """git's configured user, or the GitHub Actions bot where none is configured."""
    name = run(root, "config", "user.name").stdout.decode().strip()
    email = run(root, "config", "user.email").stdout.decode().strip()
    if name and email:
        return name, email
    return (
        os.environ.get("GIT_COMMITTER_NAME") or BOT_NAME,
        os.environ.get("GIT_COMMITTER_EMAIL") or BOT_EMAIL,
    )


def push_branch(root: Path, remote: str, branch: str) -> None:
    """Push the local `branch` to the same name on `remote`."""
    text(root, "push", remote, f"refs/heads/{branch}:refs/heads/{branch}")
