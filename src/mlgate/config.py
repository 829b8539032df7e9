"""The only parser of params.yaml: frozen pydantic models that forbid unknown keys.

Every stage receives these models, never raw YAML, so a typo fails once, at the edge, with the
key named.
"""

from __future__ import annotations

import math
import re
from itertools import pairwise, product
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)

from mlgate.errors import ConfigError
from mlgate.model.scores import ScoreName, direction_of


def _not_a_yaml_boolean(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError(
            "YAML reads unquoted yes/no/true/false as a boolean; quote the label, e.g. 'yes'"
        )
    return value


# A class label as written in params.yaml; matched to the data's own values by its text.
Label = Annotated[StrictInt | StrictFloat | str, BeforeValidator(_not_a_yaml_boolean)]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=False)


class ValidationSettings(_Strict):
    """Limits the validate stage enforces on the raw data."""

    min_rows: int = Field(default=50, ge=2, description="fewest rows the data may have")
    max_null_fraction: float = Field(
        default=0.5, ge=0.0, le=1.0, description="largest share of missing values per feature"
    )


class DataConfig(_Strict):
    """Where the data comes from and what its columns mean."""

    source: str = Field(min_length=1, description="path, fsspec URL or sklearn:<dataset>")
    max_bytes: int = Field(default=4 * 1024**3, ge=1, description="most bytes a source may hold")
    na_values: tuple[str, ...] | None = Field(
        default=None, description="CSV cells read as missing; null keeps pandas' defaults"
    )
    target: str = Field(min_length=1)
    drop: tuple[str, ...] = ()
    numeric: tuple[str, ...] | None = None
    categorical: tuple[str, ...] | None = None
    labels: tuple[Label, ...] | None = None
    positive_label: Label | None = None
    test_size: float = Field(default=0.2, gt=0.0, lt=1.0)
    seed: int = Field(default=42, ge=0)
    validation: ValidationSettings = ValidationSettings()

    @model_validator(mode="after")
    def _roles_are_consistent(self) -> DataConfig:
        numeric = set(self.numeric or ())
        categorical = set(self.categorical or ())
        both = sorted(numeric & categorical)
        if both:
            raise ValueError(f"columns listed as both numeric and categorical: {', '.join(both)}")
        declared = numeric | categorical
        if self.target in declared or self.target in self.drop:
            raise ValueError(f"target {self.target!r} cannot also be a feature or dropped")
        dropped_and_declared = sorted(declared & set(self.drop))
        if dropped_and_declared:
            raise ValueError(
                f"columns both dropped and declared: {', '.join(dropped_and_declared)}"
            )
        if self.labels is not None and len(set(self.labels)) < 2:
            raise ValueError("labels must list at least two distinct classes")
        if (
            self.positive_label is not None
            and self.labels is not None
            and self.positive_label not in self.labels
        ):
            raise ValueError(f"positive_label {self.positive_label!r} is not one of labels")
        return self


class PreprocessingConfig(_Strict):
    """How features are prepared before the estimator sees them."""

    numeric_imputer: Literal["mean", "median", "most_frequent"] = "median"
    scale_numeric: bool = True
    categorical_imputer: Literal["most_frequent", "constant"] = "most_frequent"
    max_categories: int | None = Field(default=None, ge=2)


class ModelConfig(_Strict):
    """The estimator, named by import path, with its hyperparameters."""

    estimator: str = Field(description="import path of a scikit-learn compatible classifier")
    params: dict[str, Any] = Field(default_factory=dict)
    preprocessing: PreprocessingConfig = PreprocessingConfig()
    baseline: Literal["prior", "most_frequent", "stratified", "uniform"] = "prior"
    importance_repeats: int = Field(default=5, ge=1, le=100)
    importance_max_rows: int | None = Field(default=20_000, ge=100)
    fit_jobs: int = Field(default=1)
    # Exact `module.Class` names a model file may create beyond the table for the estimator's
    # family (mlgate.model.trusted_types), for an estimator outside it. Review before adding.
    trusted_types: tuple[str, ...] = ()

    @field_validator("trusted_types")
    @classmethod
    def _exact_type_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            parts = name.split(".")
            if len(parts) < 2 or not all(part.isidentifier() for part in parts):
                raise ValueError(
                    f"expected exact type names like xgboost.core.Booster (no wildcards), "
                    f"got {name!r}"
                )
        return value

    @field_validator("fit_jobs")
    @classmethod
    def _cores(cls, value: int) -> int:
        if value == 0 or value < -1:
            raise ValueError(f"expected a number of CPU cores >= 1, or -1 for all; got {value}")
        return value

    @field_validator("estimator")
    @classmethod
    def _looks_like_import_path(cls, value: str) -> str:
        module, _, name = value.rpartition(".")
        if not module or not name.isidentifier():
            raise ValueError(
                f"expected an import path like sklearn.linear_model.LogisticRegression, "
                f"got {value!r}"
            )
        return value


FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


class Tolerance(_Strict):
    """How far a score may move in its bad direction: an absolute amount or a share of the base."""

    amount: float = Field(ge=0.0, allow_inf_nan=False)
    relative: bool = False

    @model_validator(mode="before")
    @classmethod
    def _from_number_or_percent(cls, value: object) -> object:
        if isinstance(value, bool):
            raise ValueError("expected a number like 0.01 or a percentage like '1%'")
        if isinstance(value, int | float):
            return {"amount": value}
        if isinstance(value, str):
            match = _PERCENT.match(value)
            if match is None:
                raise ValueError("expected a number like 0.01 or a percentage like '1%'")
            return {"amount": float(match.group(1)) / 100, "relative": True}
        return value

    def allowed(self, base: float) -> float:
        return self.amount * abs(base) if self.relative else self.amount

    def describe(self) -> str:
        return f"{self.amount * 100:g}%" if self.relative else f"{self.amount:g}"


class WorstSliceGate(_Strict):
    """A floor (a ceiling for log_loss) on the worst ranked slice of the test split, as the card
    stage writes the slices in reports/slices.json."""

    metric: ScoreName = "accuracy"
    min: FiniteFloat | None = Field(default=None, description="floor, for higher-is-better scores")
    max: FiniteFloat | None = Field(default=None, description="ceiling, for log_loss")

    @model_validator(mode="after")
    def _one_limit_in_the_metrics_direction(self) -> WorstSliceGate:
        lower_is_better = direction_of(self.metric) == "lower"
        wanted, other = ("max", "min") if lower_is_better else ("min", "max")
        if getattr(self, other) is not None:
            better = "lower" if lower_is_better else "higher"
            raise ValueError(f"{self.metric} is better {better}: set `{wanted}`, not `{other}`")
        if getattr(self, wanted) is None:
            raise ValueError(
                f"set `{wanted}`, the limit the worst slice's {self.metric} must reach"
            )
        return self

    @property
    def limit(self) -> float:
        value = self.max if direction_of(self.metric) == "lower" else self.min
        assert value is not None  # checked above
        return value


class GatesConfig(_Strict):
    """The quality gate a pull request must pass; every rule knows which way is better."""

    thresholds: dict[ScoreName, FiniteFloat] = Field(
        default_factory=dict,
        description="floors (ceilings for lower-is-better scores such as log_loss)",
    )
    max_regression: dict[ScoreName, Tolerance] = Field(
        default_factory=dict, description="largest allowed move for the worse vs the base"
    )
    baseline_margin: dict[ScoreName, FiniteFloat] = Field(
        default_factory=dict, description="how far the model must beat the dummy baseline"
    )
    worst_slice: WorstSliceGate | None = Field(
        default=None, description="limit on the worst ranked slice (reports/slices.json); off: null"
    )

    @field_validator("baseline_margin")
    @classmethod
    def _margins_are_not_negative(cls, value: dict[str, float]) -> dict[str, float]:
        negative = sorted(name for name, margin in value.items() if margin < 0)
        if negative:
            raise ValueError(f"a margin cannot be negative: {', '.join(negative)}")
        return value


class ReviewConfig(_Strict):
    """How the pull-request review is rendered."""

    plots: Literal["images", "mermaid", "artifact"] = Field(
        default="images",
        description="images: PNGs that `cml comment --publish` uploads; mermaid: charts GitHub "
        "draws itself; artifact: a link to the workflow artifact (nothing leaves GitHub)",
    )


M = TypeVar("M", bound=BaseModel)


class PredictionLogConfig(_Strict):
    """The sample of served predictions kept for monitoring."""

    dir: str | None = Field(
        default="logs/predictions",
        description="folder for JSONL logs (MLGATE_PREDICTION_LOG_DIR overrides; null disables)",
    )
    sample_rate: float = Field(
        default=0.01,
        ge=0.0,
        le=1.0,
        description="share of served records logged (MLGATE_PREDICTION_LOG_SAMPLE_RATE overrides)",
    )
    max_file_bytes: int = Field(
        default=64 * 1024 * 1024,
        ge=64 * 1024,
        le=1024**3,
        description="a log file ends before it would pass this size",
    )
    max_files: int = Field(
        default=8,
        ge=1,
        le=10_000,
        description="log files kept in the folder (the oldest are deleted beyond)",
    )
    fields: Literal["all", "none"] | tuple[str, ...] = Field(
        default="all", description="the inputs logged: all, none, or a list of feature names"
    )
    hash_fields: tuple[str, ...] = Field(
        default=(), description="logged features written as a keyed hash, never in clear"
    )

    @model_validator(mode="after")
    def _hashed_fields_are_logged(self) -> PredictionLogConfig:
        if self.hash_fields and self.fields == "none":
            raise ValueError("hash_fields: nothing is logged with `fields: none`; leave it empty")
        if isinstance(self.fields, tuple):
            unlogged = [name for name in self.hash_fields if name not in self.fields]
            if unlogged:
                raise ValueError(f"hash_fields: {unlogged} are not among `fields`; add them there")
        return self


class ServingConfig(_Strict):
    """How the served model treats requests."""

    unknown_category: Literal["error", "ignore"] = Field(
        default="error", description="a category unseen in training: 400, or let the model cope"
    )
    max_records: int = Field(default=1000, ge=1, le=100_000)
    # 2 MiB: max_records (1000) records of up to 2 KiB of JSON each; a record of the example
    # data (30 numbers) is ~0.8 KB, so a full batch is ~0.8 MB. Larger bodies are a 413.
    max_body_bytes: int = Field(
        default=2 * 1024 * 1024,
        ge=1024,
        le=256 * 1024 * 1024,
        description="largest request body in bytes (413 beyond, refused before it is parsed)",
    )
    max_string_chars: int = Field(
        default=256, ge=1, le=1_000_000, description="longest string value of a record field"
    )
    prediction_log: PredictionLogConfig = PredictionLogConfig()


class DriftSampling(_Strict):
    """Rows compared at most (a seeded random sample beyond that), so big batches stay fast."""

    max_reference_rows: int = Field(default=100_000, ge=100)
    max_current_rows: int = Field(default=200_000, ge=100)
    seed: int = Field(default=0, ge=0)


class DriftConfig(_Strict):
    """Drift checks (Evidently's statistical tests), per column type or per column."""

    num_method: str | None = Field(
        default=None, description="Evidently stat test for numeric columns; null: by data size"
    )
    cat_method: str | None = Field(default=None, description="the same, for categorical columns")
    per_column_method: dict[str, str] = Field(default_factory=dict)
    # In each test's own unit: a distance (drift above it) or a p-value (drift below it).
    num_threshold: FiniteFloat | None = Field(
        default=None, gt=0, description="threshold of num_method; null: that test's default"
    )
    cat_threshold: FiniteFloat | None = Field(
        default=None, gt=0, description="threshold of cat_method; null: that test's default"
    )
    per_column_threshold: dict[str, Annotated[FiniteFloat, Field(gt=0)]] = Field(
        default_factory=dict,
        description="column: threshold; a per_column_method column without one: its default",
    )
    drift_share: float = Field(
        default=0.5, gt=0, le=1, description="share of drifted columns that means the data drifted"
    )
    sampling: DriftSampling = DriftSampling()


MIN_BINS, MAX_BINS = 2, 20
NonEmptyText = Annotated[str, Field(min_length=1)]


class NumericBins(_Strict):
    """How a numeric feature is sliced: quantile bins of the training split, or cut points."""

    quantiles: int | None = None
    edges: tuple[float, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _from_count_or_edges(cls, value: object) -> object:
        expected = (
            f"expected a number of quantile bins ({MIN_BINS} to {MAX_BINS}) or a list of "
            "increasing cut points like [12, 15]"
        )
        if isinstance(value, bool) or not isinstance(value, int | list | tuple):
            raise ValueError(expected)
        if isinstance(value, int):
            if not MIN_BINS <= value <= MAX_BINS:
                raise ValueError(expected)
            return {"quantiles": value}
        numbers = [v for v in value if isinstance(v, int | float) and not isinstance(v, bool)]
        if not value or len(numbers) != len(value) or not all(map(math.isfinite, numbers)):
            raise ValueError(expected)
        if any(later <= earlier for earlier, later in pairwise(numbers)):
            raise ValueError(f"cut points must increase strictly; {expected}")
        return {"edges": tuple(float(v) for v in numbers)}


class SliceSettings(_Strict):
    """Which slices of the test split the model card scores, and how the worst one is found."""

    numeric_bins: dict[str, NumericBins] = Field(
        default_factory=dict, description="numeric feature: quantile bins, or a list of cut points"
    )
    min_rows: int = Field(default=10, ge=1, description="smaller slices are listed, not ranked")
    metric: ScoreName = Field(default="accuracy", description="the score that ranks slices")


class CardConfig(_Strict):
    """The model card (reports/model_card.md): who owns the model and what it is for."""

    owner: NonEmptyText | None = Field(default=None, description="who answers for the model")
    intended_use: NonEmptyText | None = Field(default=None, description="what it is (not) for")
    limitations: tuple[NonEmptyText, ...] = Field(default=(), description="known limitations")
    slices: SliceSettings = SliceSettings()


MAX_SWEEP_EXPERIMENTS = 64
_PARAM_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*$")


def _param_key(key: str) -> str:
    if not _PARAM_KEY.match(key):
        raise ValueError("expected a dotted params.yaml key like model.params.max_depth")
    return key


def _grid_value_problem(value: object, nested: bool = False) -> str | None:
    """Why a grid value cannot be set with `dvc exp run -S` (None: it can)."""
    if value is None or isinstance(value, bool | int):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else "a number must be finite"
    if isinstance(value, str):
        return "'${' would be read as an interpolation" if "${" in value else None
    if isinstance(value, list) and not nested:
        return next(filter(None, (_grid_value_problem(item, nested=True) for item in value)), None)
    return "expected a number, string, true/false, null or a list of those"


def _grid_values(values: list[Any]) -> list[Any]:
    for value in values:
        problem = _grid_value_problem(value)
        if problem:
            raise ValueError(problem)
    seen: list[Any] = []
    for value in values:  # the same value twice would run the same experiment twice
        if any(value == other and type(value) is type(other) for other in seen):
            raise ValueError(f"{value!r} is listed twice")
        seen.append(value)
    return values


class SweepConfig(_Strict):
    """`mlgate sweep`: a grid of params.yaml values, each combination one DVC experiment.

    Not a dependency of any stage: editing it re-runs nothing.
    """

    grid: dict[
        Annotated[str, AfterValidator(_param_key)],
        Annotated[list[Any], Field(min_length=1), AfterValidator(_grid_values)],
    ] = Field(min_length=1, description="params.yaml key → the values to try")
    jobs: int = Field(default=1, ge=1, le=64, description="experiments run at the same time")
    metric: ScoreName = Field(default="roc_auc", description="the score that ranks experiments")

    @field_validator("grid")
    @classmethod
    def _grid_is_small_enough(cls, grid: dict[str, list[Any]]) -> dict[str, list[Any]]:
        size = math.prod(len(values) for values in grid.values())
        if size > MAX_SWEEP_EXPERIMENTS:
            shape = " × ".join(str(len(values)) for values in grid.values())
            raise ValueError(
                f"{size} experiments ({shape} values); at most {MAX_SWEEP_EXPERIMENTS} per sweep"
            )
        return grid

    def combinations(self) -> list[dict[str, Any]]:
        """Every combination of the grid, the first key varying slowest."""
        keys = list(self.grid)
        return [dict(zip(keys, values, strict=True)) for values in product(*self.grid.values())]


def _sweep_key_problem(raw: dict[str, Any], key: str) -> str | None:
    """Why `key` cannot be swept in this params.yaml (None: it can)."""
    if key == "sweep" or key.startswith("sweep."):
        return "the sweep cannot vary its own settings"
    node: Any = raw
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return "not a key of params.yaml (a sweep varies keys the file has; add it first)"
        node = node[part]
    if isinstance(node, dict):
        return "a section, not a value; sweep the keys inside it"
    return None


class Params(_Strict):
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
        return f"{where}: unknown key (check the spelling, or see the README for allowed keys)"
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
            problem = _sweep_key_problem(raw, key)
            if problem:
                raise ConfigError(f"{origin}: sweep.grid.{key}: {problem}")
    return params


def parse_gates(raw: object, origin: str) -> GatesConfig:
    """Validate a `gates:` section on its own (read from another revision of params.yaml)."""
    return _validated(GatesConfig, {} if raw is None else raw, origin, prefix="gates.")


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
