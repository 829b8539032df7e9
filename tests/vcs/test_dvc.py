"""The DVC adapter: one DvcError line for whatever DVC raises."""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mlgate.errors import DvcError
from mlgate.vcs.dvc import (
    cached_file,
    fetch_output,
    file_at,
    locked_md5,
    open_repo,
    records_output,
    stale_stages,
    track,
)
from tests.support.row_predictions import classifier_rows, lock_predictions


def _git_repo(root: Path) -> None:
    subprocess.run(["git", "init", "-q", str(root)], check=True)


def test_outside_a_dvc_repository(tmp_path: Path) -> None:
    _git_repo(tmp_path)
    with pytest.raises(DvcError, match="not a DVC repository"):
        open_repo(tmp_path)


@pytest.fixture
def dvc_repo(tmp_path: Path) -> Path:
    _git_repo(tmp_path)
    subprocess.run(["dvc", "init", "-q"], cwd=tmp_path, check=True)
    env = ["-c", "user.name=t", "-c", "user.email=t@example.com"]
    (tmp_path / "kept.txt").write_text("committed\n")
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    subprocess.run(["git", *env, "commit", "-qm", "init"], cwd=tmp_path, check=True)
    return tmp_path


def test_file_at_reads_the_commit_not_the_workspace(dvc_repo: Path) -> None:
    (dvc_repo / "kept.txt").write_text("changed\n")
    sha = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=dvc_repo, capture_output=True, text=True, check=True
    ).stdout.strip()
    repo = open_repo(dvc_repo)
    assert file_at(repo, sha, "kept.txt") == b"committed\n"
    assert file_at(repo, sha, "absent.txt") is None


def test_a_broken_dvc_yaml_is_one_line(dvc_repo: Path) -> None:
    (dvc_repo / "dvc.yaml").write_text("stages: [not, a, mapping\n")
    with pytest.raises(DvcError, match=r"^DVC could not check whether the pipeline is up to date"):
        stale_stages(open_repo(dvc_repo))


def test_track_outside_a_repository_names_the_file(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text("a\n1\n")
    with pytest.raises(DvcError, match=r"data.csv: dvc add failed"):
        track(tmp_path, data)


LOCKED = "0123456789abcdef0123456789abcdef"


def test_cached_file_is_the_cache_object_the_commits_dvc_lock_names(dvc_repo: Path) -> None:
    (dvc_repo / "dvc.lock").write_text(
        "schema: '2.0'\nstages:\n  train:\n    cmd: train\n    outs:\n"
        f"    - path: models/model.skops\n      hash: md5\n      md5: {LOCKED}\n"
    )
    env = ["-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "add", "dvc.lock"], cwd=dvc_repo, check=True)
    subprocess.run(["git", *env, "commit", "-qm", "lock"], cwd=dvc_repo, check=True)
    repo = open_repo(dvc_repo)
    assert locked_md5(repo, "HEAD", "models/model.skops") == LOCKED
    assert locked_md5(repo, "HEAD", "models/other.skops") is None
    assert locked_md5(repo, "HEAD~1", "models/model.skops") is None  # no dvc.lock then
    assert cached_file(repo, "HEAD", "models/model.skops") is None  # not in the cache
    cached = dvc_repo / ".dvc" / "cache" / "files" / "md5" / LOCKED[:2] / LOCKED[2:]
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"model")
    assert cached_file(repo, "HEAD", "models/model.skops") == cached


def test_cached_file_finds_an_output_by_the_md5_in_the_commits_lock(dvc_repo: Path) -> None:
    rows = classifier_rows(np.ones(5, dtype=bool), np.arange(5) % 2)
    sha = lock_predictions(dvc_repo, rows)
    repo = open_repo(dvc_repo)
    cached = cached_file(repo, sha, "reports/predictions.parquet")
    assert cached is not None
    assert cached.read_bytes() == rows.to_parquet_bytes()
    assert records_output(repo, sha, "reports/predictions.parquet")
    assert cached_file(repo, sha, "reports/other.parquet") is None
    cached.unlink()  # recorded, but not fetched
    assert cached_file(repo, sha, "reports/predictions.parquet") is None
    assert records_output(repo, sha, "reports/predictions.parquet")


def test_fetch_output_brings_a_commits_output_from_the_remote(
    dvc_repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    rows = classifier_rows(np.ones(5, dtype=bool), np.arange(5) % 2)
    sha = lock_predictions(dvc_repo, rows, cached=False)
    repo = open_repo(dvc_repo)
    path = "reports/predictions.parquet"
    assert fetch_output(repo, sha, path) is not None  # no remote yet: a reason, no exception
    remote = tmp_path_factory.mktemp("remote")
    subprocess.run(["dvc", "remote", "add", "-d", "r", str(remote)], cwd=dvc_repo, check=True)
    repo = open_repo(dvc_repo)
    assert fetch_output(repo, sha, path) == "not on the DVC remote"
    body = rows.to_parquet_bytes()
    md5 = hashlib.md5(body).hexdigest()
    (remote / "files" / "md5" / md5[:2]).mkdir(parents=True)
    (remote / "files" / "md5" / md5[:2] / md5[2:]).write_bytes(body)
    repo = open_repo(dvc_repo)
    assert fetch_output(repo, sha, path) is None
    cached = cached_file(repo, sha, path)
    assert cached is not None
    assert cached.read_bytes() == body


# A stand-in `dvc exp run --run-all`: it logs a line, then leaves a worker behind (as DVC's queue
# does) that keeps its stdout/stderr open and writes its pid to a file.
LINGERING_WORKER = """
import os, sys, time
print("ran 2 experiments", flush=True)
if os.fork() == 0:
    open(sys.argv[1], "w").write(str(os.getpid()))
    time.sleep(120)
    os._exit(0)
"""

# The caller's side: run_queue in a program whose stderr is a pipe that someone reads to its end
CALLER = """
import sys
from pathlib import Path
from mlgate.vcs.dvc import run_queue
run_queue(Path("."), [sys.executable, "-c", sys.argv[1], sys.argv[2]])
print("sweep done", flush=True)
"""


def test_a_lingering_queue_worker_does_not_hold_the_callers_output_open(tmp_path: Path) -> None:
    pidfile = tmp_path / "worker.pid"
    caller = subprocess.Popen(
        [sys.executable, "-c", CALLER, LINGERING_WORKER, str(pidfile)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # reading both streams to their end returns once the caller exits, not the worker
        out, err = caller.communicate(timeout=60)
        worker = int(pidfile.read_text())
        assert _alive(worker), "the stand-in worker should outlive the sweep"
    finally:
        caller.kill()
        if pidfile.exists():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pidfile.read_text()), signal.SIGKILL)
    assert caller.returncode == 0
    assert out == "sweep done\n"
    assert "ran 2 experiments" in err  # the queue's log still reaches our stderr


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
