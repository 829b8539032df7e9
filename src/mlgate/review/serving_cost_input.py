"""The serving-cost timing's inputs: the base's and the PR's models, loaded only through the
safe loader (each checked against its own revision's dvc.lock md5 and its estimator's types),
and records of the PR's test split in each model's own input columns."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mlgate.errors import ArtifactError
from mlgate.layout import LOCK, MODEL, PARAMS, TEST_SPLIT, VALIDATION_REPORT
from mlgate.review.serving_cost import (
    CostOutcome,
    CostUnavailable,
    ModelUnchanged,
    Side,
    Workload,
)

if TYPE_CHECKING:
    import pandas as pd
    from dvc.repo import Repo
    from sklearn.pipeline import Pipeline

    from mlgate.config import ModelConfig, Params, ServingCostConfig
    from mlgate.data.feature_schema import Task
    from mlgate.review.revisions import Revision


@dataclass(frozen=True)
class ServedModel:
    """A loaded model and the size of its file."""

    model: Pipeline
    size_bytes: int


def _base_model_config(repo: Repo, base: Revision, params_file: str) -> ModelConfig | None:
    """The `model:` section of the base's params (its estimator and reviewed extra types)."""
    import yaml
    from pydantic import ValidationError

    from mlgate.config import ModelConfig
    from mlgate.vcs.dvc import file_at

    body = file_at(repo, base.sha, params_file)
    try:
        raw = yaml.safe_load(body) if body is not None else None
        return ModelConfig.model_validate(raw["model"]) if isinstance(raw, dict) else None
    except (yaml.YAMLError, KeyError, TypeError, ValidationError):
        return None


def _base_task(repo: Repo, base: Revision, fallback: Task) -> Task:
    """The task the base's validate stage settled on (the PR's when the base's report is gone)."""
    import json

    from pydantic import ValidationError

    from mlgate.data.schema import ValidationReport
    from mlgate.vcs.dvc import file_at

    body = file_at(repo, base.sha, VALIDATION_REPORT.as_posix())
    try:
        report = ValidationReport.from_json_dict(json.loads(body)) if body is not None else None
    except (ValidationError, ValueError, TypeError, KeyError, AttributeError):
        return fallback
    return report.schema_.task if report is not None and report.schema_ is not None else fallback


def base_model(
    repo: Repo, base: Revision, config: Params, params_file: str, task: Task
) -> ServedModel | CostUnavailable:
    """The base's model from the local DVC cache (fetched from the remote when missing)."""
    from mlgate.model.persist import load_model
    from mlgate.vcs.dvc import cached_file, fetch_output, locked_md5

    path = MODEL.as_posix()
    where = f"{base.name} ({base.short})"
    md5 = locked_md5(repo, base.sha, path)
    if md5 is None:
        return CostUnavailable(f"{LOCK} at {where} records no {path}: nothing to compare with")
    cached = cached_file(repo, base.sha, path)
    if cached is None and fetch_output(repo, base.sha, path) is None:
        cached = cached_file(repo, base.sha, path)
    if cached is None:
        return CostUnavailable(
            f"the base's {path} (md5 {md5[:8]}, {where}) is neither in the local DVC cache nor "
            f"fetchable; run `git checkout {base.short} && dvc fetch {path} && git checkout -`, "
            "then `mlgate report` again"
        )
    model_config = _base_model_config(repo, base, params_file) or config.model
    try:
        data = cached.read_bytes()
        model = load_model(
            data,
            origin=f"{path} at {where}",
            expected_md5=md5,
            recorded_in=f"{LOCK} at {where}",
            estimator=model_config.estimator_for(_base_task(repo, base, task)),
            trusted_types=model_config.trusted_types,
        )
    except (ArtifactError, OSError) as exc:
        return CostUnavailable(str(exc))
    return ServedModel(model, len(data))


def head_model(config: Params, task: Task) -> ServedModel:
    """The PR's model, as the stages after train load it."""
    from mlgate.files import read_bytes
    from mlgate.stages.model_input import trained_model

    data = read_bytes(MODEL, "train")
    return ServedModel(trained_model(config, data, task), len(data))


def input_columns(model: Pipeline, frame: pd.DataFrame, target: str) -> list[str]:
    """The columns the model was fitted on (every column but the target if it did not say)."""
    names = getattr(model, "feature_names_in_", None)
    return (
        [str(name) for name in names]
        if names is not None
        else [str(column) for column in frame.columns if column != target]
    )


def workload(
    served: ServedModel, frame: pd.DataFrame, settings: ServingCostConfig, target: str
) -> Workload | CostUnavailable:
    """Single records (the first rows, cycled) and a batch of `batch_rows` rows (the split
    cycled when it has fewer), as frames of the model's own input columns."""
    columns = input_columns(served.model, frame, target)
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        return CostUnavailable(
            f"{TEST_SPLIT} has no column {missing[0]!r}, an input of one of the models"
        )
    rows = frame[columns]
    singles = [rows.iloc[[i % len(rows)]] for i in range(settings.single_calls)]
    batch = rows.iloc[[i % len(rows) for i in range(settings.batch_rows)]]
    return Workload(served.model.predict, singles, batch, settings.batch_rows)


def measure_serving_cost(repo: Repo, base: Revision, config: Params, params: Path) -> CostOutcome:
    """Both models timed as review.serving_cost says (one line instead when they cannot be, and
    no timing when the PR's model is the base's, byte for byte); `params` is the workspace's
    params file (the base's, at the same path, names its model)."""
    from mlgate.files import read_parquet
    from mlgate.lockfile import recorded_md5
    from mlgate.review.serving_cost import SIDES, summarize, time_rounds
    from mlgate.stages.schema_input import validated_schema
    from mlgate.vcs.dvc import locked_md5

    head_md5 = recorded_md5(MODEL)
    if locked_md5(repo, base.sha, MODEL.as_posix()) == head_md5:
        return ModelUnchanged(head_md5)
    settings = config.review.serving_cost
    task = validated_schema(VALIDATION_REPORT).task
    root = Path(repo.root_dir).resolve()
    try:
        params_file = params.resolve().relative_to(root).as_posix()
    except ValueError:
        params_file = PARAMS.as_posix()
    base_served = base_model(repo, base, config, params_file, task)
    if isinstance(base_served, CostUnavailable):
        return base_served
    models: dict[Side, ServedModel] = {"base": base_served, "head": head_model(config, task)}
    frame = read_parquet(TEST_SPLIT, "split")
    if frame.empty:
        return CostUnavailable(f"{TEST_SPLIT} has no rows to time the models on")
    work: dict[Side, Workload] = {}
    for side in SIDES:
        load = workload(models[side], frame, settings, config.data.target)
        if isinstance(load, CostUnavailable):
            return load
        work[side] = load
    return summarize(
        time_rounds(work, rounds=settings.rounds),
        {side: models[side].size_bytes for side in SIDES},
        single_calls=settings.single_calls,
        batch_rows=settings.batch_rows,
    )
