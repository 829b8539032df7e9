"""Slices of the test split: which rows each holds, the scores on it, and the worst ranked one."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from mlgate.config import DataConfig, ModelConfig, SliceSettings
from mlgate.data.feature_schema import FeatureSchema
from mlgate.data.schema import validate_frame
from mlgate.data.sources import load_source
from mlgate.data.splitting import split_frame
from mlgate.errors import ConfigError
from mlgate.model.evaluation import score_predictions
from mlgate.model.fitting import train_model
from mlgate.model.regression_scores import score_regression
from mlgate.model.slice_masks import (
    MISSING,
    bin_names,
    check_bins_columns,
    cut_points,
    slice_masks,
)
from mlgate.model.slice_plan import SlicePlan
from mlgate.model.slice_report import Slice, SliceReport, worst_slice
from mlgate.model.slices import score_regression_slice, score_slice, score_slices
from tests.support.datasets import make_custom_frame, make_regression_frame

CUSTOM = FeatureSchema(
    target="outcome",
    labels=("high", "low", "mid"),
    numeric=("size", "weight"),
    categorical=("colour", "region"),
)
FOREST = {"estimator": "sklearn.ensemble.RandomForestClassifier"}


def settings(**values: Any) -> SliceSettings:
    return SliceSettings.model_validate(values)


def plan(numeric_bins: dict[str, Any] | None = None, **values: Any) -> SlicePlan:
    """The slices as the card stage plans them, with these bins (none by default)."""
    bins = settings(numeric_bins=numeric_bins or {}).numeric_bins
    assert bins is not None
    fields: dict[str, Any] = {"min_rows": 10, "metric": "accuracy"} | values
    return SlicePlan(numeric_bins=bins, automatic=False, **fields)


@pytest.fixture(scope="module")
def custom() -> tuple[Any, pd.DataFrame, pd.DataFrame]:
    train, test = split_frame(make_custom_frame(), CUSTOM, test_size=0.25, seed=0)
    config = ModelConfig.model_validate(
        FOREST | {"params": {"n_estimators": 30, "max_depth": 4, "random_state": 0}}
    )
    return train_model(train, CUSTOM, config), train, test


@pytest.fixture(scope="module")
def breast_cancer() -> tuple[Any, pd.DataFrame, pd.DataFrame, FeatureSchema]:
    """The bundled default data, validated, split and trained as the pipeline does."""
    frame = load_source("sklearn:breast_cancer", None)
    report = validate_frame(frame, DataConfig(source="sklearn:breast_cancer", target="target"))
    assert report.schema_ is not None
    schema = report.schema_
    train, test = split_frame(frame, schema, test_size=0.2, seed=42)
    config = ModelConfig.model_validate(
        FOREST | {"params": {"n_estimators": 30, "max_depth": 6, "random_state": 0}}
    )
    return train_model(train, schema, config), train, test, schema


def test_every_category_is_a_slice_and_missing_values_are_one_too(custom: tuple) -> None:  # type: ignore[type-arg]
    model, train, test = custom
    report = score_slices(model, train, test, CUSTOM, plan(), None)
    colour = [s for s in report.slices if s.feature == "colour"]
    assert [(s.name, s.missing) for s in colour] == [
        ("blue", False),
        ("green", False),
        ("red", False),
        (MISSING, True),
    ]
    assert sum(s.rows for s in colour) == len(test)
    assert colour[-1].rows == int(test["colour"].isna().sum()) > 0
    assert [s.name for s in report.slices if s.feature == "region"] == ["north", "south"]
    assert {s.kind for s in report.slices} == {"categorical"}  # numeric only when binned
    for item in colour:
        subset = test[test["colour"].isna()] if item.missing else test[test["colour"] == item.name]
        counts = subset["outcome"].value_counts()
        assert item.labels == {label: int(counts.get(label, 0)) for label in CUSTOM.labels}


def test_a_category_literally_named_missing_is_not_the_missing_slice() -> None:
    test = pd.DataFrame({"colour": ["(missing)", None, "red"], "outcome": ["a", "b", "a"]})
    schema = FeatureSchema(target="outcome", labels=("a", "b"), numeric=(), categorical=("colour",))
    masks = slice_masks(test, test, schema, plan().numeric_bins)
    assert [(m.name, m.missing, m.rows.tolist()) for m in masks] == [
        ("(missing)", False, [True, False, False]),
        ("red", False, [False, False, True]),
        (MISSING, True, [False, True, False]),
    ]


def test_quantile_bins_come_from_the_training_split() -> None:
    train = pd.Series(np.arange(1.0, 101.0))
    bins = settings(numeric_bins={"x": 4}).numeric_bins["x"]
    assert cut_points(train, bins) == (25.75, 50.5, 75.25)
    assert bin_names((25.75, 50.5, 75.25)) == [
        "≤ 25.75",
        "(25.75, 50.5]",
        "(50.5, 75.25]",
        "> 75.25",
    ]


def test_tied_quantiles_collapse_into_fewer_bins() -> None:
    train = pd.Series([0.0] * 90 + [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0])
    assert cut_points(train, settings(numeric_bins={"x": 4}).numeric_bins["x"]) == (0.0,)


def test_cut_points_bin_values_right_closed_and_missing_values_apart() -> None:
    test = pd.DataFrame({"x": [8.0, 8.5, 12.0, 12.01, np.nan, -50.0], "outcome": ["a"] * 6})
    schema = FeatureSchema(target="outcome", labels=("a", "b"), numeric=("x",), categorical=())
    masks = slice_masks(test, test, schema, plan(numeric_bins={"x": [8, 12]}).numeric_bins)
    assert [(m.name, np.flatnonzero(m.rows).tolist()) for m in masks] == [
        ("≤ 8", [0, 5]),
        ("(8, 12]", [1, 2]),
        ("> 12", [3]),
        (MISSING, [4]),
    ]
    assert all(m.kind == "numeric" for m in masks)


def test_binned_slices_partition_the_test_split(custom: tuple) -> None:  # type: ignore[type-arg]
    model, train, test = custom
    report = score_slices(model, train, test, CUSTOM, plan(numeric_bins={"size": 3}), None)
    size = [s for s in report.slices if s.feature == "size"]
    assert len(size) == 4  # three bins and the missing values
    assert sum(s.rows for s in size) == len(test)
    assert size[-1].missing


def test_slice_scores_are_the_evaluate_stages_scores(custom: tuple) -> None:  # type: ignore[type-arg]
    model, _, test = custom
    classes = list(model.classes_)
    features = test.loc[:, list(CUSTOM.features)]
    proba = model.predict_proba(features)
    rows = (test["region"] == "north").to_numpy()
    assert set(test.loc[rows, "outcome"]) == set(classes)  # every class: every score defined
    scores = score_slice(test.loc[rows, "outcome"], proba[rows], classes, None)
    assert scores == score_predictions(test.loc[rows, "outcome"], proba[rows], classes, None)


def test_a_slice_without_every_class_has_no_auc_or_log_loss() -> None:
    y = pd.Series([1, 1, 1])
    proba = np.array([[0.2, 0.8], [0.6, 0.4], [0.1, 0.9]])
    scores = score_slice(y, proba, [0, 1], None)
    assert scores["roc_auc"] is None
    assert scores["log_loss"] is None
    assert scores["accuracy"] == pytest.approx(2 / 3, abs=1e-6)
    assert scores["recall"] == pytest.approx(2 / 3, abs=1e-6)
    assert scores["precision"] == 1.0


def test_undefined_precision_is_none_not_zero() -> None:
    """Only negatives, none predicted positive: precision and recall of the positive class are
    not defined (the evaluate stage's overall metrics would say 0)."""
    scores = score_slice(pd.Series([0, 0]), np.array([[0.9, 0.1], [0.8, 0.2]]), [0, 1], None)
    assert scores["accuracy"] == 1.0
    assert scores["precision"] is None
    assert scores["recall"] is None


def test_an_empty_slice_has_no_scores() -> None:
    scores = score_slice(pd.Series([], dtype="int64"), np.empty((0, 2)), [0, 1], None)
    assert set(scores.values()) == {None}


def item(name: str, rows: int, ranked: bool = True, **scores: float | None) -> Slice:
    return Slice(
        feature="colour",
        kind="categorical",
        name=name,
        rows=rows,
        labels={},
        ranked=ranked,
        scores=scores,  # type: ignore[arg-type]
    )


def test_worst_slice_skips_unranked_and_undefined_slices() -> None:
    slices = [
        item("a", 50, accuracy=0.9),
        item("tiny", 3, ranked=False, accuracy=0.0),
        item("b", 40, accuracy=0.8),
        item("c", 40, accuracy=None),
    ]
    worst = worst_slice(slices, "accuracy")
    assert worst is not None
    assert (worst.name, worst.value, worst.rows) == ("b", 0.8, 40)
    assert worst.describe() == "colour = b"


def test_worst_log_loss_is_the_highest() -> None:
    slices = [item("a", 50, log_loss=0.2), item("b", 50, log_loss=0.7), item("c", 50, log_loss=0.1)]
    worst = worst_slice(slices, "log_loss")
    assert worst is not None
    assert worst.name == "b"


def test_ties_go_to_the_bigger_slice() -> None:
    slices = [item("a", 20, accuracy=0.8), item("b", 30, accuracy=0.8)]
    worst = worst_slice(slices, "accuracy")
    assert worst is not None
    assert worst.name == "b"


def test_no_ranked_slice_means_no_worst() -> None:
    assert worst_slice([item("a", 3, ranked=False, accuracy=0.5)], "accuracy") is None


def test_min_rows_decides_which_slices_are_ranked(custom: tuple) -> None:  # type: ignore[type-arg]
    model, train, test = custom
    report = score_slices(model, train, test, CUSTOM, plan(min_rows=20), None)
    assert {s.name: s.ranked for s in report.slices if s.feature == "colour"} == {
        s.name: s.rows >= 20 for s in report.slices if s.feature == "colour"
    }
    assert report.worst is not None
    assert report.worst.rows >= 20
    ranked = [s.scores["accuracy"] for s in report.slices if s.ranked]
    assert report.worst.value == min(v for v in ranked if v is not None)


def test_report_round_trips_through_json(custom: tuple) -> None:  # type: ignore[type-arg]
    model, train, test = custom
    report = score_slices(model, train, test, CUSTOM, plan(numeric_bins={"weight": 2}), None)
    body = report.to_json_dict()
    assert body["classes"] == ["high", "low", "mid"]
    assert SliceReport.model_validate(body) == report


@pytest.mark.parametrize(
    ("column", "why"),
    [
        ("colour", "it is categorical"),
        ("outcome", "it is the target"),
        ("height", "no such feature"),
    ],
)
def test_binning_a_column_that_is_not_a_numeric_feature_names_the_key(
    column: str, why: str
) -> None:
    with pytest.raises(ConfigError, match=rf"card\.slices\.numeric_bins\.{column}: .*{why}"):
        check_bins_columns(settings(numeric_bins={column: 3}), CUSTOM)


def test_default_data_has_binned_slices_and_a_worst_one(breast_cancer: tuple) -> None:  # type: ignore[type-arg]
    model, train, test, schema = breast_cancer
    assert schema.categorical == ()  # only the configured bins make slices
    report = score_slices(
        model, train, test, schema, plan(numeric_bins={"mean radius": 4}), positive_label=1
    )
    assert report.slices[0].name.startswith("≤ ")
    assert len(report.slices) == 4
    assert sum(s.rows for s in report.slices) == len(test) == 114
    assert report.classes == ("0", "1")
    assert report.worst is not None
    assert report.worst.value == min(
        s.scores["accuracy"] for s in report.slices if s.scores["accuracy"] is not None
    )
    for item in report.slices:  # ROC AUC only where both classes occur
        assert (item.scores["roc_auc"] is None) == (min(item.labels.values()) == 0)


# ------------------------------------------------------------------ regression

REGRESSION = FeatureSchema(
    target="sale price",
    task="regression",
    labels=(),
    numeric=("area (m²)", "rooms#"),
    categorical=("district/zone", "country"),
)


@pytest.fixture(scope="module")
def regression() -> tuple[Any, pd.DataFrame, pd.DataFrame]:
    train, test = split_frame(make_regression_frame(), REGRESSION, test_size=0.25, seed=0)
    config = ModelConfig.model_validate(
        {"params": {"max_iter": 30, "max_depth": 6, "random_state": 0}}
    )  # estimator auto: a histogram gradient boosting regressor
    return train_model(train, REGRESSION, config), train, test


def regression_plan(**values: Any) -> SlicePlan:
    return plan(numeric_bins={"area (m²)": 3}, **({"metric": "rmse"} | values))


def test_regression_slices_are_scored_with_the_regression_scores(
    regression: tuple[Any, pd.DataFrame, pd.DataFrame],
) -> None:
    model, train, test = regression
    report = score_slices(model, train, test, REGRESSION, regression_plan(), None)
    assert (report.metric, report.direction, report.classes) == ("rmse", "lower", ())
    predicted = model.predict(test.loc[:, list(REGRESSION.features)])
    hills = next(s for s in report.slices if s.name == "hills")
    rows = (test["district/zone"] == "hills").to_numpy()
    truth = test.loc[rows, "sale price"]
    assert hills.scores == score_regression(truth, predicted[rows])
    assert set(hills.scores) == {"rmse", "mae", "r2", "mape"}
    assert hills.labels == {}
    assert hills.target_mean == pytest.approx(truth.mean(), rel=1e-6)
    assert [s.name for s in report.slices if s.feature == "country"] == ["nowhere"]
    area = [s for s in report.slices if s.feature == "area (m²)"]
    assert len(area) == 4  # three bins and the missing values
    assert sum(s.rows for s in area) == len(test)


def test_the_worst_regression_slice_has_the_highest_rmse(
    regression: tuple[Any, pd.DataFrame, pd.DataFrame],
) -> None:
    model, train, test = regression
    report = score_slices(model, train, test, REGRESSION, regression_plan(), None)
    assert report.worst is not None
    ranked = [s.scores["rmse"] for s in report.slices if s.ranked]
    assert report.worst.value == max(v for v in ranked if v is not None)
    by_r2 = report.worst_by("r2")
    assert by_r2 is not None
    assert by_r2.value == min(
        v for s in report.slices if s.ranked and (v := s.scores["r2"]) is not None
    )


def test_a_regression_slice_leaves_out_what_it_cannot_define() -> None:
    one = score_regression_slice(pd.Series([5.0]), np.array([4.0]))
    assert (one["rmse"], one["mae"], one["r2"], one["mape"]) == (1.0, 1.0, None, 0.2)
    flat = score_regression_slice(pd.Series([3.0, 3.0]), np.array([2.0, 4.0]))
    assert flat["r2"] is None  # no spread in the truth: nothing for R² to explain
    zero = score_regression_slice(pd.Series([0.0, 2.0]), np.array([1.0, 2.0]))
    assert zero["mape"] is None
    assert zero["r2"] is not None
    empty = score_regression_slice(pd.Series([], dtype="float64"), np.empty(0))
    assert set(empty.values()) == {None}


def test_regression_report_round_trips_and_records_its_direction(
    regression: tuple[Any, pd.DataFrame, pd.DataFrame],
) -> None:
    model, train, test = regression
    report = score_slices(model, train, test, REGRESSION, regression_plan(metric="r2"), None)
    body = report.to_json_dict()
    assert (body["metric"], body["direction"]) == ("r2", "higher")
    assert SliceReport.model_validate(body) == report


def test_a_slice_report_written_before_directions_were_recorded_still_reads(custom: tuple) -> None:  # type: ignore[type-arg]
    model, train, test = custom
    body = score_slices(model, train, test, CUSTOM, plan(metric="log_loss"), None).to_json_dict()
    assert body["direction"] == "lower"
    del body["direction"]
    for item in body["slices"]:
        del item["target_mean"]
    assert SliceReport.model_validate(body).direction == "lower"
