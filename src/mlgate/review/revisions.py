"""Find the base commit a review compares against, fetching it once if the clone lacks it.

CI checkouts are often shallow (actions/checkout defaults to one commit), so the base may be
missing; one `git fetch` of that commit is enough, since DVC only reads the base's tree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.errors import ConfigError, ReviewError
from mlgate.vcs import git

if TYPE_CHECKING:
    from dvc.repo import Repo


@dataclass(frozen=True)
class Revision:
    """A commit as the review names it: what the user typed and the commit it resolved to."""

    name: str
    sha: str

    @property
    def short(self) -> str:
        return self.sha[:7]


def resolve_base(root: Path, ref: str, remote: str = "origin") -> Revision:
    """The commit `ref` names, trying `<remote>/<ref>` and then one fetch before giving up."""
    if not ref or ref.startswith("-"):
        raise ReviewError(f"--base: expected a branch, tag or commit, got {ref!r}")
    git.require_repository(root, "the review compares git revisions")
    for candidate in (ref, f"{remote}/{ref}"):
        sha = git.commit_of(root, candidate)
        if sha is not None:
            return Revision(ref, sha)
    if git.has_remote(root, remote):
        sha = git.fetch_commit(root, remote, ref)
        if sha is not None:
            return Revision(ref, sha)
    shallow = " (this clone is shallow)" if git.is_shallow(root) else ""
    raise ReviewError(
        f"--base {ref}: no such commit in this clone{shallow}; fetch it first, e.g. "
        f"`git fetch {remote} {ref}` (in GitHub Actions: actions/checkout with fetch-depth: 0)"
    )


def head_revision(root: Path) -> tuple[Revision, bool]:
    """HEAD, and whether the workspace has uncommitted changes to tracked files."""
    sha = git.head_sha(root)
    if sha is None:
        raise ReviewError(f"{root}: the repository has no commits yet")
    return Revision("HEAD", sha), git.is_dirty(root)


def params_at_base(repo: Repo, base: Revision, params_file: str) -> tuple[Any, str]:
    """The params file as the base committed it (parsed YAML, None when absent) and how errors
    name it."""
    import yaml

    from mlgate.vcs.dvc import file_at

    origin = f"{params_file} at {base.name} ({base.short})"
    body = file_at(repo, base.sha, params_file)
    if body is None:
        return None, origin
    try:
        return yaml.safe_load(body), origin
    except yaml.YAMLError:
        raise ConfigError(f"{origin}: malformed YAML") from None
