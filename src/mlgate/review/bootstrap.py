"""A confidence interval of a score's PR−base difference, by resampling the test rows.

Paired when both models were scored on the same rows: each resample draws the same rows for
both, so what the rows share (an easy row is easy for both) cancels and the interval is as narrow
as the data allow. Unpaired when the test rows differ (the data or the split changed): each side
is resampled on its own, a wider interval. Percentile intervals, seeded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlgate.model.scores import direction_of
from mlgate.review.row_scores import score_rows
from mlgate.review.weighted_scores import weighted_scores

if TYPE_CHECKING:
    import numpy as np

    from mlgate.config import BootstrapConfig
    from mlgate.model.predictions import RowPredictions

# Resamples × rows held in memory at once (floats): ~32 MB, whatever the test split's size.
CHUNK_CELLS = 4_000_000
# An interval needs the score defined on most resamples (ROC AUC is not when a class is absent).
MIN_DEFINED_SHARE = 0.9


@dataclass(frozen=True)
class DeltaInterval:
    """PR−base difference of one score, with its bootstrap interval at `level`."""

    metric: str
    base: float
    head: float
    delta: float
    low: float
    high: float
    level: float
    paired: bool
    resamples: int

    @property
    def significant(self) -> bool:
        """The interval excludes 0: the change is more than the test rows' noise."""
        return self.low > 0 or self.high < 0

    @property
    def significantly_worse(self) -> bool:
        """The whole interval is on the worse side (a drop for accuracy, a rise for log loss)."""
        return self.high < 0 if direction_of(self.metric) != "lower" else self.low > 0

    def describe(self) -> str:
        """`Δ −0.0175, 95% CI [−0.044, +0.009] (paired): not significant`."""
        verdict = "significant" if self.significant else "not significant"
        return (
            f"Δ {_signed(self.delta)}, {self.level:.0%} CI [{_signed(self.low)}, "
            f"{_signed(self.high)}] ({'paired' if self.paired else 'unpaired'}): {verdict}"
        )

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "base": self.base,
            "head": self.head,
            "delta": self.delta,
            "low": self.low,
            "high": self.high,
            "level": self.level,
            "paired": self.paired,
            "resamples": self.resamples,
            "significant": self.significant,
        }


def _signed(value: float) -> str:
    return f"{value:+.4f}".replace("-", "−")


def _counts(rng: np.random.Generator, rows: int, resamples: int) -> np.ndarray:
    """How often each row is drawn, per resample: a bootstrap sample of `rows` rows."""
    import numpy as np

    drawn = rng.integers(0, rows, size=(resamples, rows)) + rows * np.arange(resamples)[:, None]
    return (
        np.bincount(drawn.ravel(), minlength=resamples * rows)
        .reshape(resamples, rows)
        .astype(float)
    )


def resampled_deltas(
    base: RowPredictions,
    head: RowPredictions,
    metric: str,
    *,
    resamples: int,
    seed: int,
    paired: bool,
) -> np.ndarray:
    """head − base of `metric` on each resample (NaN where it is undefined on either side)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    chunk = max(1, CHUNK_CELLS // max(len(base), len(head)))
    deltas = []
    for start in range(0, resamples, chunk):
        size = min(chunk, resamples - start)
        base_counts = _counts(rng, len(base), size)
        head_counts = base_counts if paired else _counts(rng, len(head), size)
        deltas.append(
            weighted_scores(head, metric, head_counts) - weighted_scores(base, metric, base_counts)
        )
    return np.concatenate(deltas)


def delta_interval(
    metric: str,
    base: RowPredictions,
    head: RowPredictions,
    config: BootstrapConfig,
    *,
    paired: bool,
) -> DeltaInterval | str:
    """The interval, or why there is none (one line): the score is undefined on these rows."""
    import numpy as np

    if paired and not base.same_rows(head):
        raise ValueError("a paired interval needs both models scored on the same rows")
    base_value, head_value = score_rows(base, metric), score_rows(head, metric)
    if base_value is None or head_value is None:
        return f"{metric} is undefined on the {'base' if base_value is None else 'PR'}'s test rows"
    deltas = resampled_deltas(
        base, head, metric, resamples=config.resamples, seed=config.seed, paired=paired
    )
    defined = deltas[~np.isnan(deltas)]
    if len(defined) < MIN_DEFINED_SHARE * len(deltas):
        return f"{metric} is undefined on {len(deltas) - len(defined)} of {len(deltas)} resamples"
    tail = (1 - config.level) / 2
    low, high = np.quantile(defined, [tail, 1 - tail])
    return DeltaInterval(
        metric,
        base_value,
        head_value,
        round(head_value - base_value, 6),
        round(float(low), 6),
        round(float(high), 6),
        config.level,
        paired,
        config.resamples,
    )
