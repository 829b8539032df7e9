"""The `model:` section: the estimator by import path, its hyperparameters and preprocessing."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from mlgate.config.strict_model import StrictModel
from mlgate.model.scores import TaskName

# `model.estimator: auto`: the estimator for the task data.task decided. Both take the same
# hyperparameters, so one `model.params` serves either task. Histogram gradient boosting beat
# the forest in cross-validation on both bundled tasks (README, docs/pipeline.md).
AUTO_ESTIMATORS: dict[TaskName, str] = {
    "classification": "sklearn.ensemble.HistGradientBoostingClassifier",
    "regression": "sklearn.ensemble.HistGradientBoostingRegressor",
}
CLASSIFIER_BASELINES = ("prior", "most_frequent", "stratified", "uniform")
REGRESSOR_BASELINES = ("mean", "median")
AUTO_BASELINES: dict[TaskName, str] = {"classification": "prior", "regression": "mean"}


class PreprocessingConfig(StrictModel):
    """How features are prepared before the estimator sees them."""

    numeric_imputer: Literal["mean", "median", "most_frequent"] = "median"
    scale_numeric: bool = True
    categorical_imputer: Literal["most_frequent", "constant"] = "most_frequent"
    max_categories: int | None = Field(default=None, ge=2)


class ModelConfig(StrictModel):
    """The estimator, named by import path, with its hyperparameters."""

    estimator: str = Field(
        default="auto",
        description="import path of a scikit-learn classifier or regressor; auto: by data.task",
    )
    params: dict[str, Any] = Field(default_factory=dict)
    preprocessing: PreprocessingConfig = PreprocessingConfig()
    baseline: Literal[
        "auto", "prior", "most_frequent", "stratified", "uniform", "mean", "median"
    ] = Field(default="auto", description="the dummy's strategy; auto: prior or mean by task")
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

    def estimator_for(self, task: TaskName) -> str:
        """The import path to build: the named one, or auto's for the task."""
        return AUTO_ESTIMATORS[task] if self.estimator == "auto" else self.estimator

    def baseline_for(self, task: TaskName) -> str:
        """The dummy's strategy for the task; a strategy of the other task's dummy is an error."""
        if self.baseline == "auto":
            return AUTO_BASELINES[task]
        allowed = CLASSIFIER_BASELINES if task == "classification" else REGRESSOR_BASELINES
        if self.baseline not in allowed:
            raise ValueError(
                f"model.baseline: {self.baseline} is not a strategy for a {task} "
                f"(expected auto, {', '.join(allowed)})"
            )
        return self.baseline

    @field_validator("estimator")
    @classmethod
    def _looks_like_import_path(cls, value: str) -> str:
        if value == "auto":
            return value
        module, _, name = value.rpartition(".")
        if not module or not name.isidentifier():
            raise ValueError(
                f"expected an import path like sklearn.linear_model.LogisticRegression, "
                f"got {value!r}"
            )
        return value
