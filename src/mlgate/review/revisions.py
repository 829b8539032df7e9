"""Find the base commit a review compares against, fetching it once if the clone lacks it.

CI checkouts are often shallow (actions/checkout defaults to one commit), so the base may be
missing; one `git fetch` of that commit is enough, since DVC only reads the base's tree.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from mlgate.errors import ReviewError


@dataclass(frozen=True)
class Revision:
    """A commit as the review names it: what the user typed and the commit it resolved to."""

    name: str
    sha: str

    @property
    def short(self) -> str:
        return self.sha[:7]


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=False, timeout=120
        )
    except FileNotFoundError:
        raise ReviewError("git is not installed; the review compares git revisions") from None
    except subprocess.TimeoutExpired:
        raise ReviewError(f"`git {' '.join(args)}` took longer than 120 s") from None


def _commit_of(root: Path, ref: str) -> str | None:
    found = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    return found.stdout.strip() if found.returncode == 0 else None


def _is_shallow(root: Path) -> bool:
    return _git(root, "rev-parse", "--is-shallow-repository").stdout.strip() == "true"


def _has_remote(root: Path, remote: str) -> bool:
    return remote in _git(root, "remote").stdout.split()


def resolve_base(root: Path, ref: str, remote: str = "origin") -> Revision:
    """The commit `ref` names, trying `<remote>/<ref>` and then one fetch before giving up."""
    if not ref or ref.startswith("-"):
        raise ReviewError(f"--base: expected a branch, tag or commit, got {ref!r}")
    if _git(root, "rev-parse", "--git-dir").returncode != 0:
        raise ReviewError(f"{root}: not a git repository; the review compares git revisions")
    for candidate in (ref, f"{remote}/{ref}"):
        sha = _commit_of(root, candidate)
        if sha is not None:
            return Revision(ref, sha)
    if _has_remote(root, remote):
        fetched = _git(root, "fetch", "--quiet", "--no-tags", "--depth=1", remote, ref)
        if fetched.returncode == 0:
            sha = _commit_of(root, "FETCH_HEAD")
            if sha is not None:
                return Revision(ref, sha)
    shallow = " (this clone is shallow)" if _is_shallow(root) else ""
    raise ReviewError(
        f"--base {ref}: no such commit in this clone{shallow}; fetch it first, e.g. "
        f"`git fetch {remote} {ref}` (in GitHub Actions: actions/checkout with fetch-depth: 0)"
    )


def head_revision(root: Path) -> tuple[Revision, bool]:
    """HEAD, and whether the workspace has uncommitted changes to tracked files."""
    sha = _commit_of(root, "HEAD")
    if sha is None:
        raise ReviewError(f"{root}: the repository has no commits yet")
    dirty = _git(root, "status", "--porcelain", "--untracked-files=no").stdout.strip() != ""
    return Revision("HEAD", sha), dirty
