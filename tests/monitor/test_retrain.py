"""Folding labelled production data into the training data."""

from __future__ import annotations

import pandas as pd
import pytest

from mlgate.data.feature_schema import FeatureSchema
from mlgate.errors import SourceError
from mlgate.monitor.retrain import combine_training_data, point_source_at

SCHEMA = FeatureSchema(target="y", labels=("a", "b"), numeric=("x",), categorical=("c",))
CURRENT = pd.DataFrame({"x": [1.0, 2.0], "c": ["r", "g"], "y": ["a", "b"], "id": [1, 2]})


def test_new_rows_are_appended_and_repeats_dropped() -> None:
    labelled = pd.DataFrame({"x": [2.0, 3.0], "c": ["g", "b"], "y": ["b", "a"], "id": [2, 3]})
    combined = combine_training_data(CURRENT, labelled, SCHEMA, "batch")
    assert combined["x"].tolist() == [1.0, 2.0, 3.0]
    again = combine_training_data(combined, labelled, SCHEMA, "batch")
    assert again.equals(combined)


def test_duplicates_already_in_the_data_or_in_the_batch_are_kept() -> None:
    current = pd.concat([CURRENT, CURRENT.head(1)], ignore_index=True)
    labelled = pd.DataFrame({"x": [5.0, 5.0], "c": ["b", "b"], "y": ["a", "a"], "id": [9, 9]})
    combined = combine_training_data(current, labelled, SCHEMA, "batch")
    assert combined["x"].tolist() == [1.0, 2.0, 1.0, 5.0, 5.0]


def test_labelled_values_take_the_training_types() -> None:
    labelled = pd.DataFrame({"x": ["4.5"], "c": ["b"], "y": ["a"], "id": ["7"]})
    combined = combine_training_data(CURRENT, labelled, SCHEMA, "batch")
    assert combined.dtypes.equals(CURRENT.dtypes)
    assert combined.iloc[-1].tolist() == [4.5, "b", "a", 7]


@pytest.mark.parametrize(
    ("labelled", "message"),
    [
        (pd.DataFrame({"x": [1.0], "c": ["r"]}), r"lacks column\(s\): y"),
        (pd.DataFrame({"x": [1.0], "c": ["r"], "y": [None]}), "'y' has missing labels"),
        (pd.DataFrame({"x": ["big"], "c": ["r"], "y": ["a"]}), r"'x' must be numeric .*'big'"),
        (pd.DataFrame({"x": [], "c": [], "y": []}), "labelled batch is empty"),
        (pd.DataFrame({"x": [1.0], "c": ["r"], "y": ["z"]}), "not trained on: z .known: a, b"),
    ],
)
def test_bad_labelled_batches(labelled: pd.DataFrame, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        combine_training_data(CURRENT, labelled, SCHEMA, "batch")


def test_source_is_repointed_keeping_comments() -> None:
    text = "# top\ndata:\n  # where\n  source: sklearn:breast_cancer  # bundled\n  target: t\n"
    updated = point_source_at(text, "data/external/training.parquet")
    assert updated == text.replace(
        "sklearn:breast_cancer  # bundled", "data/external/training.parquet # bundled"
    )


def test_the_projects_params_change_on_the_source_line_only() -> None:
    from tests.support.paths import REPO_ROOT

    text = (REPO_ROOT / "params.yaml").read_text()
    updated = point_source_at(text, "data/external/training.parquet")
    changed = [
        (before, after)
        for before, after in zip(text.splitlines(), updated.splitlines(), strict=True)
        if before != after
    ]
    assert changed == [
        ("  source: sklearn:breast_cancer", "  source: data/external/training.parquet")
    ]


@pytest.mark.parametrize(
    "old",
    ["data/external/a#b.csv", "'data/external/it''s.csv'", '"s3://bucket/x.csv"  # quoted'],
)
def test_source_is_repointed_whatever_the_old_value_holds(old: str) -> None:
    import yaml

    text = f"data:\n  source: {old}\n  target: t  # the label\nmodel:\n  estimator: x\n"
    updated = point_source_at(text, "data/external/new #1.parquet")
    assert yaml.safe_load(updated) == {
        "data": {"source": "data/external/new #1.parquet", "target": "t"},
        "model": {"estimator": "x"},
    }
    assert "  target: t  # the label\n" in updated


def test_a_params_file_without_data_is_refused() -> None:
    with pytest.raises(SourceError, match=r"params\.yaml: no `data:` section"):
        point_source_at("model:\n  estimator: x\n", "data/external/training.parquet")


def test_a_regression_batch_is_appended_with_numeric_targets() -> None:
    """A regression has no label set: any finite number is a target, text is refused."""
    schema = FeatureSchema(
        target="price", task="regression", labels=(), numeric=("x",), categorical=("c",)
    )
    current = pd.DataFrame({"x": [1.0, 2.0], "c": ["r", "g"], "price": [10.5, 20.0]})
    labelled = pd.DataFrame({"x": ["3.0"], "c": ["b"], "price": ["31.25"]})  # as read from CSV
    combined = combine_training_data(current, labelled, schema, "batch")
    assert combined["price"].tolist() == [10.5, 20.0, 31.25]
    assert combined.dtypes.equals(current.dtypes)
    with pytest.raises(SourceError, match="column 'price' must be numeric"):
        combine_training_data(current, labelled.assign(price=["cheap"]), schema, "batch")
