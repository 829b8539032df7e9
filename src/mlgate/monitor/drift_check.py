"""Per-column drift with Evidently's statistical tests, on seeded samples of both sides.

Evidently picks a test per column (or uses the one configured) and decides drift with that
test's own rule (a p-value under, or a distance over, the threshold); we only sample, collect
and summarise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from mlgate.config import DriftConfig
from mlgate.data.schema import FeatureSchema
from mlgate.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class ColumnDrift:
    column: str
    kind: Literal["numeric", "categorical"]
    method: str
    statistic: float
    threshold: float
    drifted: bool


@dataclass(frozen=True)
class DriftSummary:
    """The verdict and what it rests on."""

    columns: tuple[ColumnDrift, ...]
    drift_share: float
    reference_rows: int
    current_rows: int
    reference_used: int
    current_used: int

    @property
    def drifted_columns(self) -> tuple[str, ...]:
        return tuple(c.column for c in self.columns if c.drifted)

    @property
    def share(self) -> float:
        return len(self.drifted_columns) / len(self.columns) if self.columns else 0.0

    @property
    def drifted(self) -> bool:
        return bool(self.columns) and self.share >= self.drift_share

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "drifted": self.drifted,
            "drifted_columns": list(self.drifted_columns),
            "share": round(self.share, 6),
            "drift_share": self.drift_share,
            "rows": {
                "reference": self.reference_rows,
                "current": self.current_rows,
                "reference_compared": self.reference_used,
                "current_compared": self.current_used,
            },
            "columns": {
                c.column: {
                    "kind": c.kind,
                    "method": c.method,
                    "statistic": round(c.statistic, 6),
                    "threshold": c.threshold,
                    "drifted": c.drifted,
                }
                for c in self.columns
            },
        }


def sample_rows(frame: pd.DataFrame, limit: int, seed: int) -> pd.DataFrame:
    """At most `limit` rows, drawn without replacement with a fixed seed."""
    return frame if len(frame) <= limit else frame.sample(n=limit, random_state=seed)


def _method(column: str, kind: str, config: DriftConfig) -> str | None:
    if column in config.per_column_method:
        return config.per_column_method[column]
    return config.num_method if kind == "numeric" else config.cat_method


def threshold_for(column: str, kind: str, config: DriftConfig) -> float | None:
    """The column's threshold; None means its test's own default.

    A column given its own method never inherits the type's threshold: a distance threshold
    would mean nonsense as a p-value, and the other way round.
    """
    if column in config.per_column_threshold:
        return config.per_column_threshold[column]
    if column in config.per_column_method:
        return None
    return config.num_threshold if kind == "numeric" else config.cat_threshold


def check_drift(
    reference: pd.DataFrame, current: pd.DataFrame, schema: FeatureSchema, config: DriftConfig
) -> DriftSummary:
    """Drift of every feature column of `current` against `reference` (both conformed)."""
    from evidently.legacy.calculations.stattests.registry import get_stattest
    from evidently.legacy.core import ColumnType

    for section in ("per_column_method", "per_column_threshold"):
        unknown = sorted(set(getattr(config, section)) - set(schema.features))
        if unknown:
            raise ConfigError(f"drift.{section}: not feature columns: {', '.join(unknown)}")
    ref = sample_rows(reference, config.sampling.max_reference_rows, config.sampling.seed)
    cur = sample_rows(current, config.sampling.max_current_rows, config.sampling.seed)
    results = []
    kinds: list[tuple[str, Literal["numeric", "categorical"]]] = [
        *((name, "numeric") for name in schema.numeric),
        *((name, "categorical") for name in schema.categorical),
    ]
    for name, kind in kinds:
        column_type = ColumnType.Numerical if kind == "numeric" else ColumnType.Categorical
        left, right = ref[name].dropna(), cur[name].dropna()
        try:
            test = get_stattest(left, right, column_type, _method(name, kind, config))
        except Exception as exc:  # Evidently raises StatTestNotFoundError and friends
            raise ConfigError(f"drift: column {name!r}: {exc}") from None
        outcome = test(left, right, column_type, threshold_for(name, kind, config))
        results.append(
            ColumnDrift(
                column=name,
                kind=kind,
                method=test.name,
                statistic=float(outcome.drift_score),
                threshold=float(outcome.actual_threshold),
                drifted=bool(outcome.drifted),
            )
        )
    return DriftSummary(
        columns=tuple(results),
        drift_share=config.drift_share,
        reference_rows=len(reference),
        current_rows=len(current),
        reference_used=len(ref),
        current_used=len(cur),
    )
