"""`mlgate report|gate`: the pull request's model review and its quality gate."""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from mlgate.cli.options import (
    BaseOption,
    GatesFrom,
    GatesFromOption,
    ParamsOption,
    load,
)
from mlgate.cli.output import console, done, reports_errors
from mlgate.layout import GATE, PARAMS, REVIEW


class PlotsMode(StrEnum):
    images = "images"
    mermaid = "mermaid"
    artifact = "artifact"


@reports_errors
def report(
    base: BaseOption,
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", help="markdown file; images go in a folder beside it", dir_okay=False
        ),
    ] = REVIEW,
    plots: Annotated[
        PlotsMode | None,
        typer.Option(
            help="override params.yaml's review.plots: images | mermaid | artifact",
            envvar="MLGATE_REVIEW_PLOTS",
        ),
    ] = None,
    summary: Annotated[
        Path | None,
        typer.Option(
            help="also write the review with its plots as a link to the run's artifacts (a job "
            "summary cannot show local images), from the same comparison and timing",
            dir_okay=False,
        ),
    ] = None,
    gates_from: GatesFromOption = GatesFrom.base,
    params: ParamsOption = PARAMS,
) -> None:
    """Markdown review of the workspace against BASE: gate, metrics, params, data and plots."""
    from mlgate.review.compose import write_review
    from mlgate.review.workspace import open_review

    started = time.perf_counter()
    config = load(params)
    subject = open_review(base, Path.cwd())
    mode = plots.value if plots is not None else config.review.plots
    verdict = write_review(
        subject, config, params, out=out, plots=mode, gates_from=gates_from.value, summary=summary
    )
    done("report", started, f"{'gate passed' if verdict.passed else 'gate FAILED'} → {out}")


@reports_errors
def gate(
    base: BaseOption,
    out: Annotated[Path, typer.Option("--out", "-o", help="JSON verdict", dir_okay=False)] = GATE,
    gates_from: GatesFromOption = GatesFrom.base,
    params: ParamsOption = PARAMS,
) -> None:
    """Check the workspace's metrics against the gates; exit 1 if any gate fails."""
    from rich.markup import escape
    from rich.table import Table

    from mlgate.files import write_json
    from mlgate.layout import DRIFT_SUMMARY, METRICS
    from mlgate.review.collect import collect_metrics
    from mlgate.review.gate_verdict import KIND_LABELS
    from mlgate.review.workspace import judge_workspace, open_review

    config = load(params)
    subject = open_review(base, Path.cwd())
    metrics = collect_metrics(
        subject.repo, subject.base, METRICS.as_posix(), skip=(DRIFT_SUMMARY.as_posix(),)
    )
    verdict = judge_workspace(subject, metrics, config, params, gates_from.value)
    write_json(out, verdict.to_json_dict() | subject.identity())

    terminal = console()
    table = Table(title=f"Quality gate vs {subject.base.name} ({subject.base.short})")
    for column in ("gate", "metric", "requirement", "result", "detail"):
        table.add_column(column)
    styles = {
        "passed": "[green]passed[/]",
        "failed": "[red]FAILED[/]",
        "skipped": "[dim]skipped[/]",
    }
    for result in verdict.results:
        table.add_row(
            KIND_LABELS[result.kind],
            result.score,
            result.requirement,
            styles[result.status],
            escape(result.detail),  # slice names come from the data
        )
    terminal.print(table)
    terminal.print(f"gates from {verdict.source.replace('`', '')}")
    if verdict.not_applicable_note():
        terminal.print(escape(verdict.not_applicable_note()))
    if not verdict.results:
        terminal.print("[yellow]no gates configured[/]: add a `gates:` section to params.yaml")
    elif verdict.passed:
        terminal.print(f"[green]✓ gate passed[/] ({len(verdict.results)} gates) → {out}")
    else:
        failed = f"{len(verdict.failures)} of {len(verdict.results)} gates"
        terminal.print(f"[red]✗ gate failed[/]: {failed} → {out}")
        raise typer.Exit(1)


@reports_errors
def fetch_base(base: BaseOption) -> None:
    """Fetch the base's model (and predictions) from the DVC remote into the cache, so the review
    can compare them; without a remote, a warning: the review then says what it could not show."""
    from mlgate.layout import BASE_REVIEW_OUTPUTS
    from mlgate.review.revisions import resolve_base
    from mlgate.vcs.dvc import cached_file, fetch_output, open_repo

    started = time.perf_counter()
    root = Path.cwd()
    revision = resolve_base(root, base)
    repo = open_repo(root)
    targets = [path.as_posix() for path in BASE_REVIEW_OUTPUTS]
    missed = {
        path: None
        if cached_file(repo, revision.sha, path) is not None
        else fetch_output(repo, revision.sha, path)
        for path in targets
    }
    for path, why in missed.items():
        if why is not None:
            console().print(f"[yellow]warning[/]: the base's {path} not fetched: {why}")
    fetched = [path for path, why in missed.items() if why is None]
    done(
        "fetch-base",
        started,
        f"{', '.join(fetched) or 'nothing'} at {revision.short} in the DVC cache",
    )


def add_commands(app: typer.Typer) -> None:
    app.command()(report)
    app.command("fetch-base")(fetch_base)
    app.command()(gate)
