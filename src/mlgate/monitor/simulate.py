"""Production-like batches drawn from the holdout with a controlled, seeded shift (for demos and
tests of the monitoring loop)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mlgate.data.feature_schema import FeatureSchema
from mlgate.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd


def simulate_batch(
    holdout: pd.DataFrame,
    schema: FeatureSchema,
    *,
    rows: int,
    drift: float,
    columns: Sequence[str] = (),
    seed: int = 0,
) -> pd.DataFrame:
    """`rows` rows resampled from `holdout`; the chosen columns (default: all features) shifted.

    A numeric column moves by `drift` standard deviations; a categorical column has a `drift`
    share of its values replaced by its rarest category.
    """
    import numpy as np

    if rows < 1:
        raise ConfigError(f"--rows must be at least 1, got {rows}")
    if not 0 <= drift <= 10:
        raise ConfigError(f"--drift must be between 0 and 10, got {drift}")
    unknown = sorted(set(columns) - set(schema.features))
    if unknown:
        raise ConfigError(f"--columns: not feature columns: {', '.join(unknown)}")
    rng = np.random.default_rng(seed)
    batch = holdout.iloc[rng.integers(0, len(holdout), size=rows)].reset_index(drop=True)
    batch = batch.loc[:, list(schema.features)].copy()
    for name in columns or schema.features:
        if name in schema.numeric:
            spread = float(holdout[name].std()) or 1.0
            batch[name] = batch[name] + drift * spread
        else:
            counts = holdout[name].value_counts()
            if counts.empty:
                continue
            rarest = counts.index[-1]
            replace = rng.random(rows) < min(drift, 1.0)
            batch.loc[replace, name] = rarest
    return batch


def write_simulated_batch(
    holdout: Path, *, rows: int, drift: float, columns: Sequence[str], seed: int, out: Path
) -> int:
    """A simulated batch of the test split as CSV or Parquet (by `out`'s suffix); its rows."""
    from mlgate.errors import ArtifactError
    from mlgate.files import read_parquet, write_bytes_atomic, write_parquet
    from mlgate.layout import VALIDATION_REPORT
    from mlgate.stages.schema_input import validated_schema

    schema = validated_schema(VALIDATION_REPORT)
    batch = simulate_batch(
        read_parquet(holdout, "split"), schema, rows=rows, drift=drift, columns=columns, seed=seed
    )
    if out.suffix == ".csv":
        write_bytes_atomic(out, batch.to_csv(index=False).encode())
    elif out.suffix == ".parquet":
        write_parquet(out, batch)
    else:
        raise ArtifactError(f"--out {out}: expected a .csv or .parquet file name")
    return len(batch)
