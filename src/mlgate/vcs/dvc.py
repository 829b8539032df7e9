"""The one adapter to DVC's Python API: open the repository, read a committed file, ask which
stages are stale, track a file. DVC's many exception types become one DvcError line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, cast

from mlgate.errors import DvcError

if TYPE_CHECKING:
    from dvc.repo import Repo


@contextmanager
def translated_errors(action: str) -> Iterator[None]:
    """DVC's own errors (a broken dvc.yaml, an unreadable revision) as one clear line."""
    from dvc.exceptions import DvcException
    from scmrepo.exceptions import SCMError

    try:
        yield
    except (DvcException, SCMError) as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DvcError(f"DVC could not {action}: {detail}") from None


def open_repo(root: Path) -> Repo:
    """The DVC repository at `root` (quiet: callers report what matters themselves)."""
    import logging

    from dvc.exceptions import NotDvcRepoError
    from dvc.repo import Repo

    # DVC logs a warning for each revision it cannot read.
    logging.getLogger("dvc").setLevel(logging.ERROR)
    try:
        return Repo(str(root))
    except NotDvcRepoError:
        raise DvcError(f"{root}: not a DVC repository (run from the project root)") from None
    except Exception as exc:  # DVC raises many kinds here; all mean "cannot open"
        raise DvcError(f"{root}: DVC cannot open the repository: {exc}") from None


def file_at(repo: Repo, sha: str, path: str) -> bytes | None:
    """`path` as committed at `sha` (git-tracked files only), or None when it is not there."""
    try:
        return cast(bytes, repo.scm.get_fs(sha).cat_file(path))
    except FileNotFoundError:
        return None


_ABSENT = {"deleted", "not in cache"}


def _states(value: object) -> list[str]:
    """Flatten DVC's status entries: {"path": "modified"} or {"params.yaml": {"a.b": "new"}}."""
    if isinstance(value, dict):
        return [state for inner in value.values() for state in _states(inner)]
    return [str(value)]


def stale_stages(repo: Repo) -> list[str]:
    """Stages whose deps, params or command changed since they ran: their outputs are stale.

    Files that are merely absent (`dvc repro --pull --allow-missing` leaves them in the
    remote) do not count.
    """
    with translated_errors("check whether the pipeline is up to date"):
        status = repo.status()
    stale = set()
    for stage, changes in status.items():
        for change in changes:
            known = isinstance(change, dict) and set(change) <= {"changed deps", "changed outs"}
            if not known or any(state not in _ABSENT for state in _states(change)):
                stale.add(stage.rpartition(":")[2])
    return sorted(stale)


def track(root: Path, path: Path) -> None:
    """`dvc add path`: a new version of a data file, cached and named by a .dvc file."""
    from dvc.exceptions import DvcException
    from dvc.repo import Repo

    try:
        with Repo(str(root)) as repo:
            repo.add([str(path)])
    except DvcException as exc:
        raise DvcError(f"{path}: dvc add failed: {exc}") from None
