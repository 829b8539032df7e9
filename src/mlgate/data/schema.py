"""The data contract: column roles resolved from params + data, checked with pandera.

The same `FeatureSchema` later validates served requests and monitored traffic, so it is
written into the validation report and read back by every downstream stage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt

from mlgate.config import DataConfig, Label, ValidationSettings
from mlgate.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pa

NUMERIC_LOOKING_SHARE = 0.9
EXAMPLES_SHOWN = 3


# A class label as it appears in the data (a CSV's labels are text; sklearn's are ints).
DataLabel = StrictBool | StrictInt | StrictFloat | str


class FeatureSchema(BaseModel):
    """Resolved roles of every column the model sees."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    target: str
    labels: tuple[DataLabel, ...]
    numeric: tuple[str, ...]
    categorical: tuple[str, ...]

    @property
    def features(self) -> tuple[str, ...]:
        return self.numeric + self.categorical


class ValidationReport(BaseModel):
    """What reports/data_validation.json holds: verdict, shape, schema and every violation."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    valid: bool
    rows: int
    columns: int
    schema_: FeatureSchema | None = Field(default=None, alias="schema")
    null_fraction: dict[str, float] = {}
    violations: tuple[str, ...] = ()

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)

    @classmethod
    def from_json_dict(cls, body: object) -> ValidationReport:
        return cls.model_validate(body)


def _looks_numeric(column: pd.Series) -> bool:
    import pandas as pd

    values = column.dropna()
    if values.empty:
        return False
    parsed = pd.to_numeric(values.astype(str), errors="coerce")
    return bool(parsed.notna().mean() >= NUMERIC_LOOKING_SHARE)


def _infer_is_numeric(column: pd.Series) -> bool:
    from pandas.api import types

    if types.is_bool_dtype(column.dtype):
        return False
    if types.is_numeric_dtype(column.dtype):
        return True
    return _looks_numeric(column)


def _plain(value: Any) -> DataLabel:
    """numpy scalars → plain Python values, so labels survive JSON unchanged."""
    item = value.item() if hasattr(value, "item") else value
    if isinstance(item, float) and item.is_integer():
        return int(item)
    return item if isinstance(item, bool | int | float | str) else str(item)


def _label_order(label: DataLabel) -> tuple[str, DataLabel]:
    return (type(label).__name__, label)


def _same_label(value: DataLabel, label: Label) -> bool:
    if value == label or str(value) == str(label):
        return True
    try:
        return float(str(value)) == float(str(label))
    except ValueError:
        return False


def _match_label(label: Label, observed: list[DataLabel]) -> DataLabel:
    """A params label as the data spells it: `1`, `"1"` and `1.0` all find the data's "1.0"."""
    return next((value for value in observed if _same_label(value, label)), label)


def _resolve_labels(config: DataConfig, frame: pd.DataFrame) -> tuple[DataLabel, ...]:
    observed = sorted({_plain(v) for v in frame[config.target].dropna().unique()}, key=_label_order)
    if config.labels is None:
        return tuple(observed)
    return tuple(_match_label(label, observed) for label in config.labels)


def resolve_positive_label(
    labels: tuple[DataLabel, ...], requested: Label | None
) -> DataLabel | None:
    """The class binary precision/recall refer to: as requested, else the last class.

    Not stored in the schema, so that changing it never re-runs split or train.
    """
    if requested is None:
        return sorted(labels, key=_label_order)[-1] if len(labels) == 2 else None
    positive = _match_label(requested, list(labels))
    if positive not in labels:
        raise ConfigError(
            f"data.positive_label: {requested!r} is not a class of the target "
            f"(classes: {', '.join(map(repr, labels))})"
        )
    return positive


def _require_columns(names: tuple[str, ...], key: str, present: list[str]) -> None:
    missing = [name for name in names if name not in present]
    if missing:
        raise ConfigError(
            f"data.{key}: column(s) {', '.join(map(repr, missing))} not in the data "
            f"(columns: {', '.join(present)})"
        )


def resolve_schema(config: DataConfig, frame: pd.DataFrame) -> FeatureSchema:
    """Decide each column's role: explicit lists in params win, the rest are inferred."""
    present = [str(column) for column in frame.columns]
    _require_columns((config.target,), "target", present)
    _require_columns(config.drop, "drop", present)
    _require_columns(config.numeric or (), "numeric", present)
    _require_columns(config.categorical or (), "categorical", present)

    explicit_numeric = set(config.numeric or ())
    explicit_categorical = set(config.categorical or ())
    numeric: list[str] = []
    categorical: list[str] = []
    for column in present:
        if column == config.target or column in config.drop:
            continue
        if column in explicit_numeric:
            numeric.append(column)
        elif column in explicit_categorical:
            categorical.append(column)
        elif _infer_is_numeric(frame[column]):
            numeric.append(column)
        else:
            categorical.append(column)
    if not numeric and not categorical:
        raise ConfigError("data: no feature columns left after removing the target and data.drop")

    labels = _resolve_labels(config, frame)
    resolve_positive_label(labels, config.positive_label)  # fail here, before any training
    return FeatureSchema(
        target=config.target,
        labels=labels,
        numeric=tuple(numeric),
        categorical=tuple(categorical),
    )


def build_schema(
    schema: FeatureSchema, settings: ValidationSettings, *, with_target: bool = True
) -> pa.DataFrameSchema:
    """The pandera contract; without the target it validates served requests."""
    import numpy as np
    import pandera.pandas as pa

    limit = settings.max_null_fraction

    def null_share(series: pd.Series) -> bool:
        return bool(series.isna().mean() <= limit) if len(series) else True

    null_check = pa.Check(null_share, name=f"at most {limit:.0%} missing values", ignore_na=False)
    finite_check = pa.Check(lambda series: np.isfinite(series), name="finite values")
    columns: dict[str, pa.Column] = {
        name: pa.Column(float, coerce=True, nullable=True, checks=[null_check, finite_check])
        for name in schema.numeric
    }
    columns.update(
        {name: pa.Column(nullable=True, checks=[null_check]) for name in schema.categorical}
    )
    checks: list[pa.Check] = []
    if with_target:
        columns[schema.target] = pa.Column(
            nullable=False, checks=[pa.Check.isin(list(schema.labels))]
        )
        checks = [
            pa.Check(
                lambda df: len(df) >= settings.min_rows,
                name=f"at least {settings.min_rows} rows",
            ),
            pa.Check(
                lambda df: df[schema.target].nunique() >= 2,
                name="at least two classes in the target",
            ),
            pa.Check(
                lambda df: bool((df[schema.target].value_counts() >= 2).all()),
                name="at least two rows per class (for a stratified split)",
            ),
        ]
    return pa.DataFrameSchema(columns, checks=checks, strict=False, coerce=False)


def _examples(cases: pd.Series) -> str:
    shown = [repr(_plain(v)) for v in cases.dropna().unique()[:EXAMPLES_SHOWN]]
    return f" (e.g. {', '.join(shown)})" if shown else ""


def _violation(column: str | None, check: str, cases: pd.Series, schema: FeatureSchema) -> str:
    """One readable line per failed (column, check) pair."""
    if column is None:
        return f"data: expected {check}"
    where = f"column {column!r}"
    count = len(cases)
    if check == "not_nullable":
        return f"{where}: {count} missing value(s), none allowed"
    if check.startswith("coerce_dtype"):
        return f"{where}: {count} value(s) are not numbers{_examples(cases)}"
    if check == "finite values":
        return f"{where}: {count} infinite value(s){_examples(cases)}"
    if check.startswith("isin("):
        allowed = ", ".join(map(repr, schema.labels))
        return f"{where}: {count} value(s) outside the allowed labels [{allowed}]{_examples(cases)}"
    return f"{where}: expected {check}"


def find_violations(
    frame: pd.DataFrame, schema: FeatureSchema, settings: ValidationSettings
) -> list[str]:
    """Every way the frame breaks the contract (lazy validation: nothing is skipped)."""
    import pandera.errors

    contract = build_schema(schema, settings)
    try:
        contract.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        uncoercible = set(
            cases.loc[cases["check"].astype(str).str.startswith("coerce_dtype"), "column"]
        )
        violations: list[str] = []
        for (column, check), group in cases.groupby(["column", "check"], dropna=False, sort=False):
            name = column if isinstance(column, str) else None
            if check == "column_in_dataframe":
                violations.extend(
                    f"column {missing!r}: required column is missing"
                    for missing in group["failure_case"]
                )
                continue
            if str(check).startswith("dtype(") and name in uncoercible:
                continue  # already reported, with examples, as values that are not numbers
            violations.append(_violation(name, str(check), group["failure_case"], schema))
        return sorted(set(violations))
    return []


def validate_frame(frame: pd.DataFrame, config: DataConfig) -> ValidationReport:
    """The validate stage: resolve the schema, check it, and report the verdict."""
    schema = resolve_schema(config, frame)
    violations = find_violations(frame, schema, config.validation)
    null_fraction = {name: round(float(frame[name].isna().mean()), 6) for name in schema.features}
    return ValidationReport(
        valid=not violations,
        rows=len(frame),
        columns=frame.shape[1],
        schema_=schema,
        null_fraction=null_fraction,
        violations=tuple(violations),
    )


def conform_frame(
    frame: pd.DataFrame, schema: FeatureSchema, *, with_target: bool = True
) -> pd.DataFrame:
    """The schema's columns with stable dtypes: floats for numeric, strings for categorical."""
    import pandas as pd

    columns = list(schema.features) + ([schema.target] if with_target else [])
    conformed = frame.loc[:, columns].copy()
    for name in schema.numeric:
        conformed[name] = pd.to_numeric(conformed[name], errors="raise").astype("float64")
    for name in schema.categorical:
        conformed[name] = _as_category_text(conformed[name])
    return conformed


def _as_category_text(column: pd.Series) -> pd.Series:
    """Categories as text; whole-number floats (integer codes with gaps) lose their '.0'."""
    from pandas.api import types

    if types.is_float_dtype(column.dtype) and (column.dropna() % 1 == 0).all():
        column = column.astype("Int64")
    return column.astype("str")
