"""`mlgate sweep`: one options object in, the plan run (or only printed), the exit status out."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from mlgate.config import load_params
from mlgate.errors import ConfigError
from mlgate.experiments.plan import SweepPlan, plan_sweep, stage_params
from mlgate.experiments.render import (
    print_apply_note,
    print_branch_note,
    print_json_outcome,
    print_outcome,
    print_plan,
)
from mlgate.experiments.run import check_branch_name, run_sweep
from mlgate.layout import VALIDATION_REPORT

if TYPE_CHECKING:
    from rich.console import Console

    from mlgate.model.scores import TaskName


@dataclass(frozen=True)
class SweepOptions:
    """What `mlgate sweep` was asked for; `jobs` None means params.yaml's `sweep.jobs`."""

    params: Path
    metrics_file: str  # the metrics file, as dvc.yaml names it, that holds the scores
    jobs: int | None = None
    branch: str | None = None  # make the best experiment this git branch
    dry_run: bool = False  # print the plan's commands; queue nothing
    as_json: bool = False  # print the outcome as JSON instead of a table
    apply: bool = False  # put the best experiment into the workspace


def load_plan(root: Path, params: Path, jobs: int | None) -> SweepPlan:
    """The sweep of params.yaml, checked against itself and against dvc.yaml."""
    config = load_params(params)
    if config.sweep is None:
        raise ConfigError(
            f"{params}: no `sweep:` section; add one with a grid (see docs/sweeps.md)"
        )
    raw = yaml.safe_load(params.read_text(encoding="utf-8"))
    pipeline_file = root / "dvc.yaml"
    try:
        pipeline = yaml.safe_load(pipeline_file.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"{pipeline_file}: not found (run from the project root)") from None
    return plan_sweep(
        raw,
        config.sweep,
        stage_params(pipeline),
        jobs=jobs,
        origin=str(params),
        task=workspace_task(root),
    )


def workspace_task(root: Path) -> TaskName:
    """The task the workspace's data is (what `sweep.metric: auto` ranks by): the validation
    report's, or the rule's default before the pipeline has run."""
    report = root / VALIDATION_REPORT
    try:
        task = json.loads(report.read_text(encoding="utf-8"))["schema"]["task"]
    except (OSError, ValueError, KeyError, TypeError):
        return "classification"
    return "regression" if task == "regression" else "classification"


def sweep_command(options: SweepOptions, out: Console, err: Console) -> int:
    """`mlgate sweep`: the exit status (0 when every experiment succeeded)."""
    from rich.markup import escape

    root = Path.cwd()
    plan = load_plan(root, options.params, options.jobs)
    if options.branch:
        check_branch_name(root, options.branch)
    if options.dry_run:
        print_plan(plan, out)
        return 0
    outcome = run_sweep(
        root,
        plan,
        options.metrics_file,
        options.branch,
        lambda line: err.print(escape(line)),
        options.apply,
    )
    if options.as_json:
        print_json_outcome(outcome, out)
    else:
        print_outcome(outcome, out)
    if options.branch and not outcome.branch:
        print_branch_note(outcome, err)
    if options.apply:
        print_apply_note(outcome, err)
    return 0 if outcome.ok else 1
