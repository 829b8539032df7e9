"""One sweep, start to end: check the tools, queue all or nothing, run, read, rank, branch or apply.

Every program it needs runs through mlgate.vcs (git, dvc).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

from mlgate.experiments import SweepError
from mlgate.experiments.plan import SweepPlan, describe_values
from mlgate.experiments.ranking import SweepOutcome, is_baseline, rank
from mlgate.experiments.results import read_baseline, read_results
from mlgate.vcs import dvc, git


def check_branch_name(root: Path, branch: str) -> None:
    """Refuse a branch name git would refuse, or one that exists, before any work is done."""
    if not git.is_valid_branch_name(root, branch):
        raise SweepError(f"--branch {branch!r}: not a valid git branch name")
    if git.branch_exists(root, branch):
        raise SweepError(f"--branch {branch!r}: the branch exists already; choose another name")


def _preflight(root: Path) -> None:
    for tool, why in (
        ("dvc", "it runs the experiments"),
        ("mlgate", "every stage runs it"),
        ("git", "experiments are git commits"),
    ):
        if shutil.which(tool) is None:
            raise SweepError(
                f"`{tool}` is not on PATH ({why}); activate the venv "
                "(source .venv/bin/activate) or run `make sweep`"
            )
    if git.head_sha(root) is None:
        raise SweepError("experiments need a git commit to start from; commit the project first")
    busy = dvc.busy_experiments(root)
    if busy:
        raise SweepError(
            f"the DVC experiment queue already holds {len(busy)} queued or running "
            f"experiment(s) ({', '.join(busy[:5])}); `--run-all` would run them too. Wait for "
            "them, or `dvc queue remove --queued` / `dvc queue kill <name>`"
        )


def _queue(root: Path, plan: SweepPlan, log: Callable[[str], None]) -> None:
    """Queue every experiment, or none: a failure removes those already queued."""
    queued: list[str] = []
    for experiment in plan.experiments:
        problem = dvc.queue_experiment(root, experiment.queue_command())
        if problem is not None:
            if queued:
                dvc.remove_queued(root, queued)
            raise SweepError(f"queueing {experiment.name} failed: {problem}")
        queued.append(experiment.name)
        log(f"queued {experiment.name}: {describe_values(experiment.values)}")


def run_sweep(
    root: Path,
    plan: SweepPlan,
    metrics_file: str,
    branch: str | None,
    log: Callable[[str], None],
    apply: bool = False,
) -> SweepOutcome:
    """Queue the plan, run the queue, read and rank the results; branch or apply the best."""
    _preflight(root)
    if branch:
        check_branch_name(root, branch)
    before = git.status(root)
    started = time.perf_counter()
    _queue(root, plan, log)
    log(
        f"running {len(plan.experiments)} experiments, {plan.jobs} at a time: "
        f"{' '.join(plan.run_command())}"
    )
    try:
        dvc.run_queue(root, plan.run_command())
    except KeyboardInterrupt:
        raise SweepError(
            "interrupted; the queued experiments go on in the background: `dvc queue status` to "
            "follow them, `dvc queue kill <name>` or `dvc queue remove --queued` to stop them"
        ) from None
    seconds = time.perf_counter() - started
    show = dvc.show_experiments(root)
    results = read_results(show, plan.experiments, plan.metric, metrics_file)
    ranked, unfinished = rank(results, plan.metric, plan.direction)
    keys = list(plan.experiments[0].values)
    after = git.status(root)
    changed = tuple(line for line in after if line not in before)
    baseline = read_baseline(show, keys, metrics_file)
    created = None
    if branch and ranked and not unfinished and not is_baseline(ranked[0], baseline):
        dvc.branch_experiment(root, ranked[0].name, branch)
        created = branch
    applied = None
    if apply and ranked and not unfinished and not changed and not is_baseline(ranked[0], baseline):
        dvc.apply_experiment(root, ranked[0].name)  # for a PR from this workspace (train-remote)
        applied = ranked[0].name
    return SweepOutcome(
        plan=plan,
        ranked=ranked,
        unfinished=unfinished,
        baseline=baseline,
        seconds=seconds,
        branch=created,
        workspace_changed=changed,
        applied=applied,
    )
