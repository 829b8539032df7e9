"""Per-column drift with Evidently's statistical tests, on seeded samples of both sides.

Evidently picks a test per column (or uses the one configured) and decides drift with that
test's own rule (a p-value under, or a distance over, the threshold); we only sample, collect
and summarise.

When both sides also hold the target and the model's predictions (the drift stage: training
split against test split), those are tested too, with the method and threshold of their type
(numeric for a regression, categorical for class labels). They are reported on their own lines
with their own verdicts and do not count toward `drift_share`: that verdict says the inputs moved
(and is the one production batches, which have no target, can give too); a moved target says the
test split is not the population the model was trained on, moved predictions say the model's
behaviour changed. A reviewer needs to tell those apart, not read one blended share.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from mlgate.config import DriftConfig
from mlgate.data.feature_schema import PREDICTION_COLUMN
from mlgate.data.schema import FeatureSchema
from mlgate.errors import ConfigError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import pandas as pd


@dataclass(frozen=True)
class ColumnDrift:
    column: str
    kind: Literal["numeric", "categorical"]
    method: str
    statistic: float
    threshold: float
    drifted: bool


PREDICTION = PREDICTION_COLUMN  # the column holding the model's predictions, beside the features


@dataclass(frozen=True)
class DriftSummary:
    """The verdict and what it rests on; the target and predictions when both sides had them."""

    columns: tuple[ColumnDrift, ...]
    drift_share: float
    reference_rows: int
    current_rows: int
    reference_used: int
    current_used: int
    target: ColumnDrift | None = None
    prediction: ColumnDrift | None = None

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
        outputs = {
            role: {"column": drift.column, **_json_drift(drift)}
            for role, drift in (("target", self.target), ("prediction", self.prediction))
            if drift is not None
        }
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
            "columns": {c.column: _json_drift(c) for c in self.columns},
            **outputs,
        }


def _json_drift(drift: ColumnDrift) -> dict[str, Any]:
    return {
        "kind": drift.kind,
        "method": drift.method,
        "statistic": round(drift.statistic, 6),
        "threshold": drift.threshold,
        "drifted": drift.drifted,
    }


def sample_positions(rows: int, limit: int, seed: int) -> npt.NDArray[np.intp] | None:
    """The positions of the rows `sample_rows` keeps of `rows` (None: all of them), so a caller
    can read only those rows."""
    import numpy as np
    import pandas as pd

    if rows <= limit:
        return None
    picked = pd.RangeIndex(rows).to_series().sample(n=limit, random_state=seed)
    return np.asarray(picked.to_numpy(), dtype=np.intp)


def sample_rows(frame: pd.DataFrame, limit: int, seed: int) -> pd.DataFrame:
    """At most `limit` rows, drawn without replacement with a fixed seed."""
    positions = sample_positions(len(frame), limit, seed)
    return frame if positions is None else frame.take(positions)


def drift_samples(
    reference: pd.DataFrame, current: pd.DataFrame, config: DriftConfig
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of each side the check (and the report) compare: the same seeded samples
    whichever columns the frames hold, so a caller may sample first and add columns after."""
    sampling = config.sampling
    return (
        sample_rows(reference, sampling.max_reference_rows, sampling.seed),
        sample_rows(current, sampling.max_current_rows, sampling.seed),
    )


def method_for(column: str, kind: str, config: DriftConfig) -> str | None:
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
    reference: pd.DataFrame,
    current: pd.DataFrame,
    schema: FeatureSchema,
    config: DriftConfig,
    *,
    rows: tuple[int, int] | None = None,
) -> DriftSummary:
    """Drift of every feature column of `current` against `reference` (both conformed), and of
    the target and the `prediction` column when both frames hold them. `rows`: the frames are
    already `drift_samples` of frames of that many rows (reference, current)."""
    for section in ("per_column_method", "per_column_threshold"):
        unknown = sorted(set(getattr(config, section)) - set(schema.features))
        if unknown:
            raise ConfigError(f"drift.{section}: not feature columns: {', '.join(unknown)}")
    ref, cur = drift_samples(reference, current, config)
    kinds: list[tuple[str, Literal["numeric", "categorical"]]] = [
        *((name, "numeric") for name in schema.numeric),
        *((name, "categorical") for name in schema.categorical),
    ]
    results = [
        _test_column(
            ref, cur, name, kind, method_for(name, kind, config), threshold_for(name, kind, config)
        )
        for name, kind in kinds
    ]
    outputs: dict[str, ColumnDrift | None] = {"target": None, "prediction": None}
    output_kind: Literal["numeric", "categorical"] = (
        "numeric" if schema.task == "regression" else "categorical"
    )
    for role, name in (("target", schema.target), ("prediction", PREDICTION)):
        if name in reference.columns and name in current.columns:  # by type: not per_column_*
            method, threshold = (
                method_for(name, output_kind, config),
                threshold_for(name, output_kind, config),
            )
            outputs[role] = _test_column(ref, cur, name, output_kind, method, threshold)
    return DriftSummary(
        columns=tuple(results),
        drift_share=config.drift_share,
        reference_rows=len(reference) if rows is None else rows[0],
        current_rows=len(current) if rows is None else rows[1],
        reference_used=len(ref),
        current_used=len(cur),
        target=outputs["target"],
        prediction=outputs["prediction"],
    )


def _test_column(
    ref: pd.DataFrame,
    cur: pd.DataFrame,
    name: str,
    kind: Literal["numeric", "categorical"],
    method: str | None,
    threshold: float | None,
) -> ColumnDrift:
    """One column's test; Evidently picks the method when `method` is None."""
    from evidently.legacy.calculations.stattests.registry import get_stattest
    from evidently.legacy.core import ColumnType

    column_type = ColumnType.Numerical if kind == "numeric" else ColumnType.Categorical
    left, right = ref[name].dropna(), cur[name].dropna()
    try:
        test = get_stattest(left, right, column_type, method)
    except Exception as exc:  # Evidently raises StatTestNotFoundError and friends
        raise ConfigError(f"drift: column {name!r}: {exc}") from None
    outcome = test(left, right, column_type, threshold)
    return ColumnDrift(
        column=name,
        kind=kind,
        method=test.name,
        statistic=float(outcome.drift_score),
        threshold=float(outcome.actual_threshold),
        drifted=bool(outcome.drifted),
    )
