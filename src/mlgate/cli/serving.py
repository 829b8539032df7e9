"""`mlgate bento|smoke`: package the pipeline's model for BentoML and check the built bento."""

from __future__ import annotations

import os
import time
from typing import Annotated

import typer

from mlgate.cli.options import ParamsOption, load
from mlgate.cli.output import console, done, reports_errors, working
from mlgate.layout import MODEL, PARAMS


@reports_errors
def bento(
    params: ParamsOption = PARAMS,
    build: Annotated[
        bool, typer.Option(help="also build the bento (off: only add the model to the store)")
    ] = True,
) -> None:
    """Package the current model for serving: BentoML model store entry, then a bento."""
    from mlgate.serving.bento_build import package_model

    started = time.perf_counter()
    packaged = package_model(
        load(params),
        build=build,
        base_image=os.environ.get("MLGATE_BASE_IMAGE") or None,
        progress=working,
        on_stored=lambda tag: console().print(f"model: {tag}"),
    )
    if packaged.bento_tag is not None:
        console().print(f"bento: {packaged.bento_tag}")
    registered = packaged.registry_version or "unregistered"
    done(
        "bento",
        started,
        f"model {packaged.model_hash[:8]} ({registered}) from {packaged.git_sha[:7]} "
        f"({packaged.git_branch})",
    )


@reports_errors
def smoke(
    bento_tag: Annotated[str, typer.Option("--bento", help="the bento to serve")] = "mlgate:latest",
    rows: Annotated[int, typer.Option(help="test-split records to compare", min=1)] = 50,
) -> None:
    """Serve a built bento on 127.0.0.1 and check it predicts exactly like the pipeline's model."""
    from mlgate.serving.bento_build import smoke_bento

    ready, compared = smoke_bento(load(PARAMS), bento_tag, rows)
    console().print(
        f"[green]✓[/] {bento_tag} ready in {ready:.1f} s and agrees with {MODEL} on {compared} "
        "test records"
    )


def add_commands(app: typer.Typer) -> None:
    app.command()(bento)
    app.command()(smoke)
