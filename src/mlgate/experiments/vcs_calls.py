"""The git and dvc calls of a sweep: the only module of `experiments` that runs programs.

Each call is one small named function, so that all of them can move to `mlgate.vcs` (the one git
wrapper) without touching the sweep's logic.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mlgate.experiments import SweepError
from mlgate.experiments.plan import PlannedExperiment, SweepPlan

# `dvc exp run --run-all` streams every experiment's log; send it to our stderr (fd 2), so that
# stdout holds only the ranking (a table, or JSON for scripts)
_STDERR_FD = 2


def _run(root: Path, command: Sequence[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(command), cwd=root, capture_output=True, text=True, check=False)


def _last_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
    return lines[-1].strip() if lines else f"exit status {done.returncode}"


def _dvc(root: Path, *args: str) -> str:
    done = _run(root, ["dvc", *args])
    if done.returncode != 0:
        raise SweepError(f"`dvc {' '.join(args[:2])}` failed: {_last_line(done)}")
    return done.stdout


# ------------------------------------------------------------------ git


def git_branch_name_is_valid(root: Path, branch: str) -> bool:
    """`git check-ref-format --branch`: git would accept `branch` as a branch name."""
    return _run(root, ["git", "check-ref-format", "--branch", branch]).returncode == 0


def git_branch_exists(root: Path, branch: str) -> bool:
    """`git rev-parse --verify refs/heads/<branch>`: the local branch exists."""
    done = _run(root, ["git", "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}"])
    return done.returncode == 0


def git_has_commit(root: Path) -> bool:
    """`git rev-parse --verify HEAD`: there is a commit for experiments to start from."""
    return _run(root, ["git", "rev-parse", "--verify", "--quiet", "HEAD"]).returncode == 0


def git_workspace_status(root: Path) -> list[str]:
    """`git status --porcelain --untracked-files=all`, one line per changed or new file."""
    done = _run(root, ["git", "status", "--porcelain", "--untracked-files=all"])
    return done.stdout.splitlines()


# ------------------------------------------------------------------ dvc


def dvc_busy_queue(root: Path) -> list[str]:
    """The experiments DVC's queue holds queued or running (by DVC's Python API, not a program)."""
    from dvc.repo import Repo

    with Repo(str(root)) as repo:
        queue = repo.experiments.celery_queue
        entries = [*queue.iter_active(), *queue.iter_queued()]
    return [entry.name or entry.stash_rev[:7] for entry in entries]


def dvc_queue_experiment(root: Path, experiment: PlannedExperiment) -> str | None:
    """`dvc exp run --queue --name … -S …`: None when queued, else DVC's last line of complaint."""
    done = _run(root, experiment.queue_command())
    return None if done.returncode == 0 else _last_line(done)


def dvc_remove_queued(root: Path, names: Sequence[str]) -> None:
    """`dvc queue remove <names>`: take back experiments queued by this sweep."""
    _run(root, ["dvc", "queue", "remove", *names])


def dvc_run_queue(root: Path, plan: SweepPlan) -> None:
    """`dvc exp run --run-all --jobs N`, its log on our stderr; failures show in `dvc exp show`."""
    subprocess.run(plan.run_command(), cwd=root, stdout=_STDERR_FD, stderr=_STDERR_FD, check=False)


def dvc_exp_show(root: Path) -> list[dict[str, Any]]:
    """`dvc exp show --json --hide-workspace`, parsed."""
    shown: list[dict[str, Any]] = json.loads(
        _dvc(root, "exp", "show", "--json", "--hide-workspace") or "[]"
    )
    return shown


def dvc_exp_branch(root: Path, experiment: str, branch: str) -> None:
    """`dvc exp branch <experiment> <branch>`: the experiment as a git branch, for a PR."""
    _dvc(root, "exp", "branch", experiment, branch)


def dvc_exp_apply(root: Path, experiment: str) -> None:
    """`dvc exp apply <experiment>`: the experiment into the workspace, to commit."""
    _dvc(root, "exp", "apply", experiment)
