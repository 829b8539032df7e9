"""`mlgate monitor|drift-summary|simulate|add-labelled`: production drift, its report, test
batches, and folding labelled data back into training."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from mlgate.cli.options import ParamsOption, load
from mlgate.cli.output import console, fail, reports_errors
from mlgate.errors import MlgateError
from mlgate.layout import (
    MONITOR_SUMMARY,
    PARAMS,
    PRODUCTION_BATCH,
    TEST_SPLIT,
    TRAIN_SPLIT,
    TRAINING_DATA,
)


def monitor(
    current: Annotated[
        str, typer.Option("--current", help="batch: CSV/Parquet/JSONL path, glob or URL")
    ],
    reference: Annotated[
        Path, typer.Option("--reference", help="training-like data to compare with")
    ] = TRAIN_SPLIT,
    out: Annotated[Path, typer.Option("--out", "-o", help="JSON summary")] = MONITOR_SUMMARY,
    params: ParamsOption = PARAMS,
) -> None:
    """Drift of a production batch against the reference. Exit 0 no drift, 1 drift, 2 bad input."""
    from mlgate.monitor.production import check_production_batch, describe

    try:
        summary = check_production_batch(load(params), current, reference, out)
    except MlgateError as exc:
        fail(str(exc), status=2)
    except (typer.Exit, SystemExit):
        raise
    except Exception as exc:  # exit 1 means "drift": a crash must be bad input (2), not drift
        text = str(exc).strip()
        what = text.splitlines()[0] if text else "failed"
        fail(f"{current}: {what} ({type(exc).__name__})", status=2)
    share, sampled = describe(summary)
    if summary.drifted:
        console().print(
            f"[red]drift[/]: {share}: {', '.join(summary.drifted_columns)}{sampled} → {out}"
        )
        raise typer.Exit(1)
    listed = f": {', '.join(summary.drifted_columns)}" if summary.drifted_columns else ""
    console().print(f"[green]no drift[/]: {share}{listed}{sampled} → {out}")


@reports_errors
def add_labelled(
    labels: Annotated[str, typer.Option("--labels", help="labelled batch: file, folder or glob")],
    params: ParamsOption = PARAMS,
) -> None:
    """Append a labelled batch to the training data as a new DVC data version (then dvc repro)."""
    from mlgate.monitor.labelled import add_labelled_batch

    added, total = add_labelled_batch(load(params), labels, params)
    console().print(
        f"[green]✓[/] {added} new labelled rows ({total} in all) → {TRAINING_DATA} "
        f"(DVC-tracked; data.source = {TRAINING_DATA}); now run `dvc repro`"
    )


@reports_errors
def drift_summary(
    summary: Annotated[Path, typer.Option("--summary", help="drift JSON from mlgate monitor")],
    batch_id: Annotated[str, typer.Option(help="the batch's name, for the title")] = "",
) -> None:
    """Markdown of a drift summary beside it (drift.md), and in $GITHUB_STEP_SUMMARY if set."""
    from mlgate.monitor.summary import write_drift_summary

    written = write_drift_summary(summary, batch_id, os.environ.get("GITHUB_STEP_SUMMARY"))
    console().print(f"→ {written}")


@reports_errors
def simulate(
    rows: Annotated[int, typer.Option(help="rows in the batch")] = 1000,
    drift: Annotated[
        float, typer.Option(help="shift: std devs for numbers, share for categories")
    ] = 0.0,
    columns: Annotated[
        str, typer.Option(help="comma-separated columns to shift (default: all features)")
    ] = "",
    seed: Annotated[int, typer.Option(help="random seed")] = 0,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="CSV or Parquet file")
    ] = PRODUCTION_BATCH,
) -> None:
    """A production-like batch from the test split with a controlled, seeded shift."""
    from mlgate.monitor.simulate import write_simulated_batch

    chosen = tuple(name.strip() for name in columns.split(",") if name.strip())
    written = write_simulated_batch(
        TEST_SPLIT, rows=rows, drift=drift, columns=chosen, seed=seed, out=out
    )
    console().print(f"[green]✓[/] {written:,} rows, drift {drift:g} → {out}")


def add_commands(app: typer.Typer) -> None:
    app.command()(monitor)
    app.command("add-labelled")(add_labelled)
    app.command("drift-summary")(drift_summary)
    app.command()(simulate)
