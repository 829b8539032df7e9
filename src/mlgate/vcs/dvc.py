"""The one adapter to DVC: its Python API (open the repository, read a committed file, ask which
stages are stale, track a file) and the `dvc exp` programs a sweep runs. DVC's many exception
types, and a failed command, become one DvcError line."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

from mlgate.errors import DvcError

if TYPE_CHECKING:
    from dvc.repo import Repo

_STDERR_FD = 2


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


def _locked_out(lock: object, path: str) -> dict[str, Any] | None:
    """The entry of a dvc.lock (parsed) that records output `path` with its md5, in any stage."""
    from mlgate.lockfile import locked_output

    found = locked_output(lock, path)
    return found[1] if found is not None and found[1].get("md5") else None


def _locked_out_at(repo: Repo, sha: str, path: str) -> dict[str, Any] | None:
    import yaml

    raw = file_at(repo, sha, "dvc.lock")
    try:
        return _locked_out(yaml.safe_load(raw), path) if raw is not None else None
    except yaml.YAMLError:
        return None


def locked_md5(repo: Repo, sha: str, path: str) -> str | None:
    """The md5 that `dvc.lock` at `sha` records for the stage output `path`, or None."""
    out = _locked_out_at(repo, sha, path)
    return None if out is None else str(out["md5"])


def records_output(repo: Repo, sha: str, path: str) -> bool:
    """Whether the dvc.lock at `sha` records output `path` (a pipeline that wrote it)."""
    return _locked_out_at(repo, sha, path) is not None


def cached_file(repo: Repo, sha: str, path: str) -> Path | None:
    """The local DVC cache's copy of output `path` as the dvc.lock at `sha` records it; None when
    that lock does not record it or the cache lacks it (not fetched)."""
    out = _locked_out_at(repo, sha, path)
    if out is None:
        return None
    # DVC 3 files name `hash: md5`; older locks' outputs live in the legacy cache layout
    odb = repo.cache.local if out.get("hash") == "md5" else repo.cache.legacy
    cached = Path(odb.oid_to_path(str(out["md5"])))
    return cached if cached.is_file() else None


def fetch_output(repo: Repo, sha: str, path: str) -> str | None:
    """Fetch output `path`, as the dvc.lock at `sha` records it, from the default DVC remote into
    the local cache (by its md5, so the commit need not be checked out): None once the cache has
    it, else why not (one line)."""
    from dvc_data.hashfile.hash_info import HashInfo

    out = _locked_out_at(repo, sha, path)
    if out is None:
        return f"the dvc.lock at {sha[:7]} does not record {path}"
    # DVC 3 locks name `hash: md5`; older ones' hashes are dos2unix md5s
    name = "md5" if out.get("hash") == "md5" else "md5-dos2unix"
    try:
        repo.cloud.pull([HashInfo(name, str(out["md5"]))])
    except Exception as exc:  # DVC raises many kinds (no remote, auth, network): not fetched
        lines = str(exc).strip().splitlines()
        return lines[0] if lines else type(exc).__name__
    return None if cached_file(repo, sha, path) is not None else "not on the DVC remote"


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


# `dvc exp` runs as a program: its queue workers and per-experiment logs belong to the CLI.


def _run(root: Path, command: Sequence[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(command), cwd=root, capture_output=True, text=True, check=False)


def _last_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
    return lines[-1].strip() if lines else f"exit status {done.returncode}"


def _dvc(root: Path, *args: str) -> str:
    done = _run(root, ["dvc", *args])
    if done.returncode != 0:
        raise DvcError(f"`dvc {' '.join(args[:2])}` failed: {_last_line(done)}")
    return done.stdout


def busy_experiments(root: Path) -> list[str]:
    """The experiments DVC's queue holds queued or running."""
    from dvc.repo import Repo

    with Repo(str(root)) as repo:
        queue = repo.experiments.celery_queue
        entries = [*queue.iter_active(), *queue.iter_queued()]
    return [entry.name or entry.stash_rev[:7] for entry in entries]


def queue_experiment(root: Path, command: Sequence[str]) -> str | None:
    """`dvc exp run --queue …`: None when queued, else DVC's last line of complaint."""
    done = _run(root, command)
    return None if done.returncode == 0 else _last_line(done)


def remove_queued(root: Path, names: Sequence[str]) -> None:
    """`dvc queue remove <names>`: take back queued experiments."""
    _run(root, ["dvc", "queue", "remove", *names])


def run_queue(root: Path, command: Sequence[str]) -> None:
    """`dvc exp run --run-all …`, its log relayed to our stderr (stdout stays the caller's: a
    table or JSON); failures show in `dvc exp show`.

    DVC's queue workers are forked from `dvc exp run` and keep its stdout/stderr open until they
    shut down, later. Handing them our own stderr would keep whoever reads it (a CI step, a test)
    waiting after the sweep has ended, so they get a pipe we stop reading when `dvc exp run` exits.
    """
    process = subprocess.Popen(
        list(command), cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    relay = threading.Thread(target=_relay, args=(process.stdout,), daemon=True)
    relay.start()
    process.wait()
    relay.join(timeout=1)  # the tail of the log; a worker's open copy of the pipe is not waited for


def _relay(stream: IO[bytes] | None) -> None:
    if stream is None:
        return
    for line in iter(stream.readline, b""):
        os.write(_STDERR_FD, line)


def show_experiments(root: Path) -> list[dict[str, Any]]:
    """`dvc exp show --json --hide-workspace`, parsed."""
    shown: list[dict[str, Any]] = json.loads(
        _dvc(root, "exp", "show", "--json", "--hide-workspace") or "[]"
    )
    return shown


def branch_experiment(root: Path, experiment: str, branch: str) -> None:
    """`dvc exp branch <experiment> <branch>`: the experiment as a git branch, for a PR."""
    _dvc(root, "exp", "branch", experiment, branch)


def apply_experiment(root: Path, experiment: str) -> None:
    """`dvc exp apply <experiment>`: the experiment into the workspace, to commit."""
    _dvc(root, "exp", "apply", experiment)
