"""`mlgate environment|ingest|validate|split|train|evaluate|card|drift`: dvc.yaml's stage
commands. Each is one line over its module in mlgate.stages, which holds the stage's code (and is
its DVC dep)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import typer

from mlgate.cli.options import ParamsOption, load
from mlgate.cli.output import done, reports_errors, working
from mlgate.layout import PARAMS

if TYPE_CHECKING:
    from mlgate.config import Params
    from mlgate.stages.progress import Progress


def _run_stage(name: str, run: Callable[[Params, Progress], str], params: ParamsOption) -> None:
    started = time.perf_counter()
    detail = run(load(params), working)
    done(name, started, detail)


@reports_errors
def environment(params: ParamsOption = PARAMS) -> None:
    """Record the runtime packages uv.lock pins (reports/environment.json): a bump re-runs them."""
    from mlgate.stages import environment

    _run_stage("environment", environment.run, params)


@reports_errors
def ingest(params: ParamsOption = PARAMS) -> None:
    """Load data.source (path, URL or sklearn:<name>) into data/raw/ as Parquet."""
    from mlgate.stages import ingest

    _run_stage("ingest", ingest.run, params)


@reports_errors
def validate(params: ParamsOption = PARAMS) -> None:
    """Check the raw data against the schema built from params; report every violation."""
    from mlgate.stages import validate

    _run_stage("validate", validate.run, params)


@reports_errors
def split(params: ParamsOption = PARAMS) -> None:
    """Seeded train/test split of the validated data (stratified by class for a classification)."""
    from mlgate.stages import split

    _run_stage("split", split.run, params)


@reports_errors
def train(params: ParamsOption = PARAMS) -> None:
    """Fit preprocessing + the configured estimator; save it as a skops file."""
    from mlgate.stages import train

    _run_stage("train", train.run, params)


@reports_errors
def evaluate(params: ParamsOption = PARAMS) -> None:
    """Metrics for the model and a dummy baseline on the test split, plus plot data."""
    from mlgate.stages import evaluate

    _run_stage("evaluate", evaluate.run, params)


@reports_errors
def card(params: ParamsOption = PARAMS) -> None:
    """The model card (reports/model_card.md) and per-slice scores (reports/slices.json)."""
    from mlgate.stages import card

    _run_stage("card", card.run, params)


@reports_errors
def drift(params: ParamsOption = PARAMS) -> None:
    """The drift stage: the test split against the training split (JSON summary + HTML with
    data quality and, as both splits have labels, classification quality)."""
    from mlgate.stages import drift

    _run_stage("drift", drift.run, params)


def add_commands(app: typer.Typer) -> None:
    for command in (environment, ingest, validate, split, train, evaluate, card, drift):
        app.command()(command)
