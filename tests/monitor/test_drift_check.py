"""Drift per column with Evidently's tests: no drift on the same distribution, drift on a shift."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlgate.config import DriftConfig
from mlgate.data.feature_schema import FeatureSchema
from mlgate.errors import ConfigError
from mlgate.monitor.drift_check import check_drift, sample_rows

SCHEMA = FeatureSchema(target="y", labels=("a", "b"), numeric=("x", "z"), categorical=("c",))


def frame(rows: int, seed: int, shift: float = 0.0, rare: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    colour = rng.choice(["red", "green", "blue"], rows, p=[0.5, 0.3, 0.2])
    colour[rng.random(rows) < rare] = "blue"
    return pd.DataFrame({"x": rng.normal(shift, 1, rows), "z": rng.normal(0, 1, rows), "c": colour})


CONFIG = DriftConfig(
    num_method="wasserstein", cat_method="jensenshannon", num_threshold=0.25, cat_threshold=0.25
)


def test_same_distribution_does_not_drift() -> None:
    summary = check_drift(frame(5000, 0), frame(5000, 1), SCHEMA, CONFIG)
    assert summary.drifted_columns == ()
    assert not summary.drifted
    assert {c.method for c in summary.columns} == {"wasserstein", "jensenshannon"}


def test_shifted_columns_are_named_and_the_share_decides() -> None:
    summary = check_drift(frame(5000, 0), frame(5000, 1, shift=1.0, rare=0.6), SCHEMA, CONFIG)
    assert summary.drifted_columns == ("x", "c")
    assert summary.share == pytest.approx(2 / 3)
    assert summary.drifted
    body = summary.to_json_dict()
    assert body["columns"]["x"]["statistic"] > 0.25
    assert body["columns"]["z"]["drifted"] is False


def test_drift_share_sets_the_verdict() -> None:
    strict = CONFIG.model_copy(update={"drift_share": 0.9})
    summary = check_drift(frame(3000, 0), frame(3000, 1, shift=1.0), SCHEMA, strict)
    assert summary.drifted_columns == ("x",)
    assert not summary.drifted


def test_large_batches_are_sampled_and_say_so() -> None:
    config = CONFIG.model_copy(
        update={"sampling": CONFIG.sampling.model_copy(update={"max_current_rows": 1000})}
    )
    summary = check_drift(frame(2000, 0), frame(20_000, 1), SCHEMA, config)
    assert (summary.current_rows, summary.current_used) == (20_000, 1000)
    assert summary.to_json_dict()["rows"]["current_compared"] == 1000


def test_sampling_is_seeded() -> None:
    data = frame(500, 0)
    assert sample_rows(data, 100, 3).equals(sample_rows(data, 100, 3))


def test_unknown_test_name_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="drift: column 'x'"):
        check_drift(frame(200, 0), frame(200, 1), SCHEMA, DriftConfig(num_method="kss"))


def test_per_column_method_must_name_a_feature() -> None:
    config = DriftConfig(per_column_method={"nope": "ks"})
    with pytest.raises(ConfigError, match="not feature columns: nope"):
        check_drift(frame(200, 0), frame(200, 1), SCHEMA, config)


def test_a_column_with_its_own_test_uses_that_tests_threshold() -> None:
    """ks with the numeric distance threshold (0.25) would flag p < 0.25: a quarter of the
    unchanged columns. Its own default (p < 0.05) or its own per-column threshold applies."""
    from mlgate.monitor.drift_check import threshold_for

    config = DriftConfig(
        num_method="wasserstein",
        num_threshold=0.25,
        per_column_method={"x": "ks", "z": "ks"},
        per_column_threshold={"z": 0.01},
    )
    assert threshold_for("x", "numeric", config) is None
    assert threshold_for("z", "numeric", config) == 0.01
    columns = {
        c.column: c for c in check_drift(frame(300, 0), frame(300, 0), SCHEMA, config).columns
    }
    assert columns["x"].method == "ks"
    assert columns["x"].threshold == 0.05
    assert columns["z"].threshold == 0.01


def test_per_column_threshold_must_name_a_feature() -> None:
    config = DriftConfig(per_column_threshold={"nope": 0.1})
    with pytest.raises(
        ConfigError, match=r"drift\.per_column_threshold: not feature columns: nope"
    ):
        check_drift(frame(200, 0), frame(200, 1), SCHEMA, config)
