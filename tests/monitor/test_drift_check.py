"""Drift per column with Evidently's tests: no drift on the same distribution, drift on a shift."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from mlgate.config import DriftConfig
from mlgate.config.loading import parse_params
from mlgate.data.feature_schema import FeatureSchema
from mlgate.errors import ConfigError
from mlgate.monitor.drift_check import check_drift, drift_samples, sample_positions, sample_rows
from tests.support.paths import REPO_ROOT

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


def shipped_drift() -> DriftConfig:
    """params.yaml's drift settings: the thresholds and sampling a forker gets."""
    return parse_params(yaml.safe_load((REPO_ROOT / "params.yaml").read_text())).drift


@pytest.mark.parametrize("rows", [300, 5_000, 300_000])
def test_a_half_std_shift_is_flagged_at_every_size_and_a_resample_is_not(rows: int) -> None:
    config = shipped_drift()
    reference, resample = frame(rows, 0), frame(rows, 1)
    shifted = frame(rows, 1, shift=0.5)
    shifted = shifted.assign(z=shifted["z"] + 0.5)
    unmoved = check_drift(reference, resample, SCHEMA, config)
    moved = check_drift(reference, shifted, SCHEMA, config)
    assert unmoved.drifted_columns == ()
    assert not unmoved.drifted
    assert moved.drifted_columns == ("x", "z")
    assert moved.drifted
    # beyond the shipped sample size, the sample is what is compared
    expected = min(rows, config.sampling.max_current_rows)
    assert (moved.current_rows, moved.current_used) == (rows, expected)


def test_sampling_first_then_adding_columns_compares_the_same_rows() -> None:
    config = CONFIG.model_copy(
        update={"sampling": CONFIG.sampling.model_copy(update={"max_reference_rows": 700})}
    )
    reference, current = frame(5000, 0), frame(900, 1, shift=0.2)
    whole = check_drift(reference.assign(w=1.0), current, SCHEMA, config)
    ref, cur = drift_samples(reference, current, config)
    first = check_drift(ref.assign(w=1.0), cur, SCHEMA, config, rows=(5000, 900))
    assert first == whole
    assert (first.reference_rows, first.reference_used) == (5000, 700)


def test_sample_positions_are_the_rows_sample_rows_keeps() -> None:
    data = frame(5000, 0)
    positions = sample_positions(len(data), 700, 3)
    assert positions is not None
    assert sample_rows(data, 700, 3).equals(data.take(positions))
    assert sample_positions(700, 700, 3) is None


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


REGRESSION = FeatureSchema(
    target="sale price", task="regression", labels=(), numeric=("x", "z"), categorical=("c",)
)


def priced(rows: int, seed: int, shift: float = 0.0, target_shift: float = 0.0) -> pd.DataFrame:
    """Features, a numeric target and a stand-in model's predictions (3x + z)."""
    data = frame(rows, seed, shift)
    noise = np.random.default_rng(seed + 100).normal(target_shift, 1, rows)
    prediction = 3 * data["x"] + data["z"]
    return data.assign(**{"sale price": prediction + noise, "prediction": prediction})


def test_a_shifted_regression_target_is_flagged_on_its_own_line() -> None:
    summary = check_drift(priced(3000, 0), priced(3000, 1, target_shift=2.0), REGRESSION, CONFIG)
    assert summary.target is not None
    assert summary.prediction is not None
    assert (summary.target.column, summary.target.kind) == ("sale price", "numeric")
    assert summary.target.method == "wasserstein"
    assert summary.target.drifted
    assert not summary.prediction.drifted
    # the feature verdict is the features' alone
    assert summary.drifted_columns == ()
    assert not summary.drifted


def test_predictions_drift_when_the_features_shift() -> None:
    summary = check_drift(priced(3000, 0), priced(3000, 1, shift=1.0), REGRESSION, CONFIG)
    assert summary.prediction is not None
    assert summary.prediction.drifted
    assert summary.prediction.statistic > 0.25
    assert summary.drifted_columns == ("x",)


def test_an_iid_split_drifts_nowhere() -> None:
    summary = check_drift(priced(3000, 0), priced(3000, 1), REGRESSION, CONFIG)
    assert summary.target is not None
    assert not summary.target.drifted
    assert summary.prediction is not None
    assert not summary.prediction.drifted
    assert summary.drifted_columns == ()


def labelled(rows: int, seed: int, share_b: float = 0.3) -> pd.DataFrame:
    rng = np.random.default_rng(seed + 200)
    y = np.where(rng.random(rows) < share_b, "b", "a")
    guess = np.where(rng.random(rows) < 0.9, y, np.where(y == "a", "b", "a"))
    return frame(rows, seed).assign(y=y, prediction=guess)


def test_class_labels_and_predicted_labels_are_tested_as_categories() -> None:
    same = check_drift(labelled(3000, 0), labelled(3000, 1), SCHEMA, CONFIG)
    assert same.target is not None
    assert same.prediction is not None
    assert (same.target.kind, same.target.method) == ("categorical", "jensenshannon")
    assert (same.prediction.kind, same.prediction.method) == ("categorical", "jensenshannon")
    assert not same.target.drifted
    assert not same.prediction.drifted
    flipped = check_drift(labelled(3000, 0), labelled(3000, 1, share_b=0.9), SCHEMA, CONFIG)
    assert flipped.target is not None
    assert flipped.target.drifted
    assert flipped.prediction is not None
    assert flipped.prediction.drifted
    assert flipped.drifted_columns == ()


def test_the_summary_reports_target_and_prediction_beside_the_columns() -> None:
    body = check_drift(priced(500, 0), priced(500, 1), REGRESSION, CONFIG).to_json_dict()
    assert body["target"]["column"] == "sale price"
    assert body["prediction"]["column"] == "prediction"
    assert set(body["target"]) == {"column", "kind", "method", "statistic", "threshold", "drifted"}
    assert sorted(body["columns"]) == ["c", "x", "z"]


def test_features_only_batches_have_no_target_or_prediction_lines() -> None:
    """Production batches hold features only: their summary keeps its old shape."""
    summary = check_drift(frame(500, 0), frame(500, 1), SCHEMA, CONFIG)
    assert (summary.target, summary.prediction) == (None, None)
    assert "target" not in summary.to_json_dict()
    assert "prediction" not in summary.to_json_dict()
