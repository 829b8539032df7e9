"""The pandera contract of a schema, and every way a frame breaks it as one readable line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlgate.config import ValidationSettings
from mlgate.data.feature_schema import FeatureSchema
from mlgate.data.labels import plain_value

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pa

EXAMPLES_SHOWN = 3
# A regression target with fewer distinct values is classes in disguise (data.task: auto says so).
MIN_DISTINCT_TARGETS = 3


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
        checks = [
            pa.Check(
                lambda df: len(df) >= settings.min_rows,
                name=f"at least {settings.min_rows} rows",
            )
        ]
        if schema.task == "regression":
            columns[schema.target] = pa.Column(
                float, coerce=True, nullable=False, checks=[finite_check]
            )
            checks.append(
                pa.Check(
                    lambda df: df[schema.target].nunique() >= MIN_DISTINCT_TARGETS,
                    name=f"at least {MIN_DISTINCT_TARGETS} distinct target values",
                )
            )
        else:
            columns[schema.target] = pa.Column(
                nullable=False, checks=[pa.Check.isin(list(schema.labels))]
            )
            checks += [
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
    shown = [repr(plain_value(v)) for v in cases.dropna().unique()[:EXAMPLES_SHOWN]]
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
