"""Options several command groups share, and reading params.yaml once, at the edge."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mlgate.layout import PARAMS

if TYPE_CHECKING:
    from mlgate.config import Params

ParamsOption = Annotated[
    Path, typer.Option("--params", "-p", help="params.yaml to read", dir_okay=False)
]

BaseOption = Annotated[
    str,
    typer.Option(
        "--base",
        "-b",
        help="branch, tag or commit to compare with (its committed results); fetched if missing",
    ),
]


class GatesFrom(StrEnum):
    base = "base"
    workspace = "workspace"


GatesFromOption = Annotated[
    GatesFrom,
    typer.Option(
        help="whose `gates:` apply: the base's (default; a PR cannot loosen the gate that judges "
        "it) or this workspace's",
    ),
]


def load(path: Path = PARAMS) -> Params:
    """params.yaml, parsed and checked (a ConfigError names the key otherwise)."""
    from mlgate.config import load_params

    return load_params(path)
