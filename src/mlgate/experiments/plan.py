"""The sweep's plan: params.yaml's `sweep:` grid as named DVC experiments, checked before queueing.

Pure: no files, no programs. `command.load_plan` reads params.yaml and dvc.yaml for it.
"""

from __future__ import annotations

import copy
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mlgate.config import SweepConfig, parse_params
from mlgate.errors import ConfigError
from mlgate.layout import PARAMS
from mlgate.model.scores import SCORE_DIRECTIONS, Direction, TaskName, resolve_score

PARAMS_FILE = PARAMS.as_posix()  # the file `dvc exp run -S key=value` edits


def hydra_value(value: object) -> str:
    """`value` written in Hydra's override grammar, which `dvc exp run -S key=value` parses.

    Strings are always quoted (unquoted, `a,b` would be a sweep and `1` a number); inside quotes
    only backslashes before a quote, and the quote itself, need escaping.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        escaped = re.sub(
            r"(\\*)('|$)",
            lambda m: m.group(1) * 2 + ("\\'" if m.group(2) else ""),
            value,
        )
        return f"'{escaped}'"
    if isinstance(value, list):
        return "[" + ",".join(hydra_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as a -S value")


def stage_params(pipeline: Mapping[str, Any]) -> set[str]:
    """The params.yaml keys the stages of a dvc.yaml depend on ("" means the whole file)."""
    keys: set[str] = set()
    for stage in (pipeline.get("stages") or {}).values():
        for entry in (stage or {}).get("params") or []:
            if isinstance(entry, str):
                keys.add(entry)
            elif isinstance(entry, dict):
                for file, names in entry.items():
                    if file == PARAMS_FILE:
                        keys.update(names or [""])
    return keys


def _depends_on(key: str, tracked: set[str]) -> bool:
    return any(name in ("", key) or key.startswith(f"{name}.") for name in tracked)


def _set_key(raw: dict[str, Any], key: str, value: Any) -> None:
    *parents, leaf = key.split(".")
    node = raw
    for part in parents:
        node = node[part]
    node[leaf] = copy.deepcopy(value)


def describe_values(values: Mapping[str, Any]) -> str:
    """Grid values as `key=value, …`, the way the log, errors and the best line name them."""
    return ", ".join(f"{key}={json.dumps(value)}" for key, value in values.items())


@dataclass(frozen=True)
class PlannedExperiment:
    """One combination of the grid, queued under its own experiment name."""

    name: str
    values: Mapping[str, Any]

    def queue_command(self) -> list[str]:
        command = ["dvc", "exp", "run", "--queue", "--name", self.name]
        for key, value in self.values.items():
            command += ["-S", f"{key}={hydra_value(value)}"]
        return command


@dataclass(frozen=True)
class SweepPlan:
    experiments: tuple[PlannedExperiment, ...]
    metric: str
    direction: Direction
    jobs: int

    def run_command(self) -> list[str]:
        return ["dvc", "exp", "run", "--run-all", "--jobs", str(self.jobs)]


def plan_sweep(
    raw: dict[str, Any],
    sweep: SweepConfig,
    tracked: set[str],
    jobs: int | None = None,
    prefix: str | None = None,
    origin: str = PARAMS_FILE,
    task: TaskName = "classification",
) -> SweepPlan:
    """The experiments of the grid, each checked as the params.yaml it will run with.

    A key no stage depends on would give N identical experiments, and a value the params
    schema refuses would fail N times: both are refused before anything is queued.
    """
    for key in sweep.grid:
        if not _depends_on(key, tracked):
            raise ConfigError(
                f"{origin}: sweep.grid.{key}: no stage in dvc.yaml depends on it, so every "
                "experiment would give the same results"
            )
    prefix = prefix or f"sweep-{secrets.token_hex(3)}"
    experiments = []
    for number, values in enumerate(sweep.combinations(), start=1):
        candidate = copy.deepcopy(raw)
        for key, value in values.items():
            _set_key(candidate, key, value)
        try:
            parse_params(candidate, origin="")
        except ConfigError as exc:
            problem = str(exc).removeprefix(": ")
            raise ConfigError(
                f"{origin}: sweep.grid: {describe_values(values)} gives invalid params: {problem}"
            ) from None
        experiments.append(PlannedExperiment(f"{prefix}-{number}", values))
    try:
        metric = resolve_score(sweep.metric, task)
    except ValueError as exc:
        raise ConfigError(f"{origin}: sweep.metric: {exc}") from None
    return SweepPlan(
        experiments=tuple(experiments),
        metric=metric,
        direction=SCORE_DIRECTIONS[metric],
        jobs=jobs or sweep.jobs,
    )
