"""Fold a labelled production batch into the training data, as a new DVC data version.

The first time, the current training data (whatever `data.source` names, as ingested) is
materialised as `data/external/training.parquet`; every labelled batch is appended to it, minus
the rows it already holds, so adding the same batch twice changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlgate.data.feature_schema import FeatureSchema
from mlgate.errors import SourceError

if TYPE_CHECKING:
    import pandas as pd


def combine_training_data(
    current: pd.DataFrame, labelled: pd.DataFrame, schema: FeatureSchema, origin: str
) -> pd.DataFrame:
    """`current` with the labelled rows it does not hold yet appended (columns aligned).

    Rows already in `current` are skipped, so adding a batch twice changes nothing; duplicates
    inside `current` or inside the batch are real observations and are kept.
    """
    import pandas as pd

    needed = [*schema.features, schema.target]
    missing = [c for c in needed if c not in labelled.columns]
    if missing:
        raise SourceError(f"{origin}: labelled batch lacks column(s): {', '.join(missing)}")
    if labelled.empty:
        raise SourceError(f"{origin}: the labelled batch is empty")
    if labelled[schema.target].isna().any():
        raise SourceError(f"{origin}: {schema.target!r} has missing labels")
    added = labelled.loc[:, [c for c in current.columns if c in labelled.columns]].copy()
    for column in added.columns:
        added[column] = _like(added[column], current[column], origin)
    known = current.loc[:, list(added.columns)].drop_duplicates()
    # A regression's target is any number (its type checked above); classes must be known ones.
    known_labels = set(map(str, schema.labels))
    found = set(map(str, added[schema.target])) if schema.task == "classification" else set()
    unknown = sorted(found - known_labels)
    if unknown:
        raise SourceError(
            f"{origin}: {schema.target!r} has label(s) the model was not trained on: "
            f"{', '.join(unknown)} (known: {', '.join(map(str, schema.labels))})"
        )
    seen = added.merge(known, how="left", indicator=True)["_merge"]
    new_rows = added.loc[(seen == "left_only").to_numpy()]
    return pd.concat([current, new_rows], ignore_index=True)


def _like(values: pd.Series, reference: pd.Series, origin: str) -> pd.Series:
    """`values` with `reference`'s dtype, or a SourceError naming the column and a bad value."""
    import pandas as pd

    if pd.api.types.is_numeric_dtype(reference) and not pd.api.types.is_bool_dtype(reference):
        parsed = pd.to_numeric(values, errors="coerce")
        bad = values.notna() & parsed.isna()
        if bad.any():
            example = values[bad].iloc[0]
            raise SourceError(
                f"{origin}: column {values.name!r} must be numeric like the training data "
                f"(found {example!r})"
            )
        values = parsed
    try:
        return values.astype(reference.dtype)
    except (TypeError, ValueError):
        raise SourceError(
            f"{origin}: column {values.name!r} cannot hold the training data's type "
            f"{reference.dtype} (found {values.dropna().iloc[0]!r})"
        ) from None


def point_source_at(params_text: str, source: str) -> str:
    """params.yaml with `data.source` set to `source`, comments and layout untouched."""
    import yaml

    from mlgate.params_file import set_params

    body = yaml.safe_load(params_text)
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        raise SourceError("params.yaml: no `data:` section")
    return set_params(params_text, {"data.source": source}, "params.yaml")
