"""The `data:` section: where the data comes from, what its columns mean, what validate checks."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, StrictFloat, StrictInt, model_validator

from mlgate.config.strict_model import StrictModel


def _not_a_yaml_boolean(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError(
            "YAML reads unquoted yes/no/true/false as a boolean; quote the label, e.g. 'yes'"
        )
    return value


# A class label as written in params.yaml; matched to the data's own values by its text.
Label = Annotated[StrictInt | StrictFloat | str, BeforeValidator(_not_a_yaml_boolean)]


class ValidationSettings(StrictModel):
    """Limits the validate stage enforces on the raw data."""

    min_rows: int = Field(default=50, ge=2, description="fewest rows the data may have")
    max_null_fraction: float = Field(
        default=0.5, ge=0.0, le=1.0, description="largest share of missing values per feature"
    )


class DataConfig(StrictModel):
    """Where the data comes from and what its columns mean."""

    source: str = Field(min_length=1, description="path, fsspec URL or sklearn:<dataset>")
    max_bytes: int = Field(default=4 * 1024**3, ge=1, description="most bytes a source may hold")
    na_values: tuple[str, ...] | None = Field(
        default=None, description="CSV cells read as missing; null keeps pandas' defaults"
    )
    target: str = Field(min_length=1)
    task: Literal["auto", "classification", "regression"] = Field(
        default="auto", description="auto: decided from the target's values (data/task.py)"
    )
    missing_target: Literal["drop", "error"] = Field(
        default="drop", description="rows without a target: dropped (and counted), or an error"
    )
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
        if self.task == "regression" and (self.labels is not None or self.positive_label):
            raise ValueError(
                "labels and positive_label are for classification, not task: regression"
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
