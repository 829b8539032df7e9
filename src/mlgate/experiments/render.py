"""What a sweep prints: the dry run's commands, the ranking as a table or JSON, and the notes.

No I/O besides the rich consoles handed in; rich is imported inside, so `mlgate --help` stays fast.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mlgate.experiments.plan import SweepPlan, describe_values
from mlgate.experiments.ranking import SweepOutcome, is_baseline
from mlgate.experiments.results import ExperimentResult
from mlgate.model.scores import SCORE_LABELS, task_of_score

if TYPE_CHECKING:
    from rich.console import Console

# The table's scores besides the ranking metric, by task (precision and recall are in F1, and
# every score is in --json)
TABLE_SCORES = {
    "classification": ("accuracy", "f1", "roc_auc", "log_loss"),
    "regression": ("rmse", "mae", "r2"),
}


def _headers(keys: Sequence[str]) -> list[str]:
    """Grid keys by their last part when that is unambiguous (max_depth), else in full."""
    short = [key.rsplit(".", 1)[-1] for key in keys]
    return short if len(set(short)) == len(short) else list(keys)


def _cell(value: Any) -> str:
    return json.dumps(value) if not isinstance(value, str) else value


def print_plan(plan: SweepPlan, console: Console) -> None:
    """--dry-run: every command the sweep would run, in order."""
    from rich.markup import escape

    console.print(
        f"{len(plan.experiments)} experiments, ranked by {SCORE_LABELS[plan.metric]} "
        f"({plan.direction} is better), {plan.jobs} at a time. Nothing queued (--dry-run):"
    )
    for experiment in plan.experiments:
        console.print(escape(" ".join(experiment.queue_command())))
    console.print(escape(" ".join(plan.run_command())))


def print_json_outcome(outcome: SweepOutcome, console: Console) -> None:
    """--json: the outcome as plain JSON, unstyled, for scripts."""
    console.out(json.dumps(outcome.to_json_dict(), indent=2))


def print_outcome(outcome: SweepOutcome, console: Console) -> None:
    """The ranking table (ranked, then failed, then the baseline), the best, and what is next."""
    from rich.markup import escape
    from rich.table import Table

    plan = outcome.plan
    keys = list(plan.experiments[0].values)
    others = TABLE_SCORES[task_of_score(plan.metric) or "classification"]
    scores = [plan.metric, *(name for name in others if name != plan.metric)]
    arrow = "▲" if plan.direction == "higher" else "▼"
    table = Table(
        title=f"sweep ranked by {SCORE_LABELS[plan.metric]} ({plan.direction} is better)",
        title_justify="left",
    )
    table.add_column("#", justify="right")
    table.add_column("experiment", no_wrap=True)
    for header in _headers(keys):
        table.add_column(escape(header), justify="right")
    for name in scores:
        label = SCORE_LABELS[name] + (f" {arrow}" if name == plan.metric else "")
        table.add_column(label, justify="right", style="bold" if name == plan.metric else None)

    def row(label: str, result: ExperimentResult, style: str | None = None) -> None:
        table.add_row(
            label,
            escape(result.name),
            *(escape(_cell(result.values.get(key))) for key in keys),
            *(f"{result.scores[n]:g}" if n in result.scores else "" for n in scores),
            style=style,
        )

    for number, result in enumerate(outcome.ranked, start=1):
        row(str(number), result, "green" if number == 1 else None)
    for result in outcome.unfinished:
        row("✗", result, "red")
    if outcome.baseline is not None:
        row("", outcome.baseline, "dim")
    width = console.width
    if not console.is_terminal:  # piped or in CI rich assumes 80 columns, cutting scores short
        console.width = max(width, 160)
    try:
        console.print(table)
    finally:
        console.width = width
    console.print(
        f"{len(outcome.ranked)} of {len(plan.experiments)} experiments succeeded in "
        f"{outcome.seconds:.1f} s ({plan.jobs} at a time)"
    )
    for result in outcome.unfinished:
        console.print(f"[red]✗ {escape(result.name)}[/]: {escape(result.problem or result.state)}")
    best = outcome.best
    if best is not None:
        ties = [
            r.name for r in outcome.ranked[1:] if r.scores[plan.metric] == best.scores[plan.metric]
        ]
        tied = f" (tied with {', '.join(ties)}; the first in grid order wins)" if ties else ""
        console.print(
            f"best: [bold]{escape(best.name)}[/] ({describe_values(best.values)}), "
            f"{SCORE_LABELS[plan.metric]} {best.scores[plan.metric]:g}{tied}"
        )
    if outcome.branch and best is not None:
        branch = escape(outcome.branch)
        console.print(
            f"[green]✓[/] branch [bold]{branch}[/] holds {escape(best.name)}: `dvc push` (the "
            f"model), `git push -u origin {branch}`, then open the pull request"
        )
    elif best is not None and is_baseline(best, outcome.baseline):
        assert outcome.baseline is not None
        console.print(
            f"the best has the values {escape(outcome.baseline.name)} has: nothing to propose"
        )
    elif best is not None and not outcome.unfinished:
        console.print(f"to make it a PR: `dvc exp branch {escape(best.name)} <branch>`")
    if outcome.workspace_changed:
        console.print(
            "[red]error:[/] the sweep changed the workspace: "
            + escape(", ".join(outcome.workspace_changed))
        )


def print_branch_note(outcome: SweepOutcome, console: Console) -> None:
    """--branch asked for a branch the sweep did not make: why not."""
    if outcome.unfinished or not outcome.best:
        console.print(
            f"[red]error:[/] no branch created: {len(outcome.unfinished)} experiment(s) failed"
        )
    else:
        console.print("no branch created: the best experiment changes nothing")


def print_apply_note(outcome: SweepOutcome, console: Console) -> None:
    """--apply: what went into the workspace, or why nothing did."""
    from rich.markup import escape

    if outcome.applied:
        console.print(f"applied {escape(outcome.applied)} to the workspace (dvc exp apply)")
    elif outcome.ok and outcome.best:
        console.print("nothing applied: the best experiment changes nothing")
    else:
        console.print("[red]error:[/] nothing applied: not every experiment succeeded")
