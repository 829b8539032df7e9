"""The `mlgate` command: parse arguments, load config once, call one function, print.

One module per job (pipeline, review, serving, monitor, release, experiments); none imports
another. Heavy libraries are imported inside the commands so that `mlgate --help` stays instant.
"""

from __future__ import annotations

import typer

from mlgate.cli import experiments, monitor, pipeline, release, review, serving

app = typer.Typer(
    help="mlgate: reproducible DVC pipeline stages, PR model review and quality gates.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

pipeline.add_commands(app)
review.add_commands(app)
serving.add_commands(app)
monitor.add_commands(app)
release.add_commands(app)
experiments.add_commands(app)


def main() -> None:
    """Console-script entry point."""
    app()
