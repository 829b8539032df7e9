"""`mlgate sweep`: params.yaml's `sweep:` grid as DVC experiments, ranked."""

from __future__ import annotations

from typing import Annotated

import typer

from mlgate.cli.output import console, reports_errors
from mlgate.layout import METRICS, PARAMS


@reports_errors
def sweep(
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="experiments run at a time (default: sweep.jobs)"),
    ] = None,
    branch: Annotated[
        str | None,
        typer.Option(help="make the best experiment this git branch (dvc exp branch), for a PR"),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="print the experiments and commands; queue nothing")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print the ranking as JSON")] = False,
    apply: Annotated[
        bool,
        typer.Option(help="put the best experiment into the workspace (dvc exp apply), for a PR"),
    ] = False,
) -> None:
    """Run params.yaml's `sweep:` grid as DVC experiments, ranked by sweep.metric."""
    from mlgate.experiments.command import SweepOptions, sweep_command

    options = SweepOptions(
        params=PARAMS,
        metrics_file=METRICS.as_posix(),
        jobs=jobs,
        branch=branch,
        dry_run=dry_run,
        as_json=as_json,
        apply=apply,
    )
    status = sweep_command(options, console(), console(True))
    if status:
        raise typer.Exit(status)


def add_commands(app: typer.Typer) -> None:
    app.command()(sweep)
