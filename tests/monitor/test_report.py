"""The HTML report uses the same tests and thresholds as the JSON summary."""

from __future__ import annotations

from mlgate.config import DriftConfig
from mlgate.monitor.report import _per_column_thresholds


def test_columns_with_their_own_test_get_that_tests_default_or_their_own_threshold() -> None:
    config = DriftConfig(
        num_threshold=0.25,
        per_column_method={"x": "ks", "c": "chisquare", "z": "wasserstein"},
        per_column_threshold={"z": 0.4},
    )
    assert _per_column_thresholds(config) == {"x": 0.05, "c": 0.05, "z": 0.4}
