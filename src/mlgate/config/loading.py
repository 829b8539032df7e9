"""Reading params.yaml: the whole file's model, and errors naming the key path of each problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from mlgate.config.bootstrap_params import BootstrapConfig
from mlgate.config.card_params import CardConfig
from mlgate.config.data_params import DataConfig
from mlgate.config.drift_params import DriftConfig
from mlgate.config.gate_params import GatesConfig, ReviewConfig
from mlgate.config.model_params import ModelConfig
from mlgate.config.serving_params import ServingConfig
from mlgate.config.strict_model import StrictModel
from mlgate.config.sweep_params import SweepConfig, sweep_key_problem
from mlgate.errors import ConfigError

M = TypeVar("M", bound=BaseModel)


class Params(StrictModel):
    """The whole of params.yaml."""

    data: DataConfig
    model: ModelConfig
    gates: GatesConfig = GatesConfig()
    review: ReviewConfig = ReviewConfig()
    serving: ServingConfig = ServingConfig()
    drift: DriftConfig = DriftConfig()
    card: CardConfig = CardConfig()
    sweep: SweepConfig | None = None


def _describe(error: dict[str, Any], prefix: str = "") -> str:
    parts = [str(part) for part in error["loc"] if part != "[key]"]  # dict keys: name the key
    where = prefix + ".".join(parts) or "(top level)"
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"{where}: unknown key (check the spelling; see params.yaml for the allowed keys)"
    if kind == "missing":
        return f"{where}: required key is missing"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message} (got {error.get('input')!r})"


def _validated(model: type[M], raw: object, origin: str, prefix: str = "") -> M:
    if not isinstance(raw, dict):
        where = prefix.rstrip(".") or "the top level"
        raise ConfigError(f"{origin}: expected a mapping at {where}, got {type(raw).__name__}")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(_describe(dict(err), prefix) for err in exc.errors())
        raise ConfigError(f"{origin}: {problems}") from None


def parse_params(raw: object, origin: str = "params.yaml") -> Params:
    """Validate an already-loaded mapping; every problem is reported, each with its key."""
    params = _validated(Params, raw, origin)
    if params.sweep is not None and isinstance(raw, dict):
        for key in params.sweep.grid:
            problem = sweep_key_problem(raw, key)
            if problem:
                raise ConfigError(f"{origin}: sweep.grid.{key}: {problem}")
    return params


def parse_gates(raw: object, origin: str) -> GatesConfig:
    """Validate a `gates:` section on its own (read from another revision of params.yaml)."""
    return _validated(GatesConfig, {} if raw is None else raw, origin, prefix="gates.")


def parse_bootstrap(raw: object, origin: str) -> BootstrapConfig:
    """Validate a `review.bootstrap:` section on its own (read from another revision)."""
    prefix = "review.bootstrap."
    return _validated(BootstrapConfig, {} if raw is None else raw, origin, prefix=prefix)


def load_params(path: Path) -> Params:
    """Read and validate params.yaml."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found (run from the repository root)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid syntax"
        raise ConfigError(f"{path}: malformed YAML{where}: {problem}") from None
    return parse_params(raw, origin=str(path))
