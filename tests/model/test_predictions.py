"""reports/predictions.parquet round-trips: ids, targets, predictions, class probabilities and
the labels (ints stay ints, text stays text)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from mlgate.model.predictions import RowPredictions


def _classes() -> RowPredictions:
    proba = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3]])
    return RowPredictions(
        "classification",
        np.array([4, 9, 11]),
        np.array(["cat", "owl", "cat"], dtype=object),
        np.array(["cat", "owl", "dog"], dtype=object),
        ("cat", "dog", "owl"),
        None,
        proba,
    )


def test_a_classifications_predictions_round_trip_with_their_labels() -> None:
    rows = _classes()
    back = RowPredictions.from_parquet(io.BytesIO(rows.to_parquet_bytes()))
    assert back.metadata() == rows.metadata()
    assert back.row_ids.tolist() == [4, 9, 11]
    assert back.target.tolist() == ["cat", "owl", "cat"]
    assert back.predicted.tolist() == ["cat", "owl", "dog"]
    assert back.proba is not None
    assert np.array_equal(back.proba, rows.proba)
    assert "probability[owl]" in back.to_frame().columns


def test_integer_labels_and_a_positive_label_survive() -> None:
    rows = RowPredictions(
        "classification",
        np.arange(2),
        np.array([0, 1]),
        np.array([1, 1]),
        (0, 1),
        1,
        np.array([[0.4, 0.6], [0.1, 0.9]]),
    )
    back = RowPredictions.from_parquet(io.BytesIO(rows.to_parquet_bytes()))
    assert (back.labels, back.positive_label) == ((0, 1), 1)
    assert back.same_rows(rows)


def test_subset_keeps_the_selected_rows_and_their_probabilities() -> None:
    part = _classes().subset(np.array([False, True, True]))
    assert part.row_ids.tolist() == [9, 11]
    assert part.proba is not None
    assert part.proba[0].tolist() == [0.1, 0.1, 0.8]


def test_rows_are_the_same_only_with_the_same_ids_and_targets() -> None:
    rows = _classes()
    assert rows.same_rows(rows.subset(np.array([0, 1, 2])))
    assert not rows.same_rows(rows.subset(np.array([1, 0, 2])))  # another order
    other = RowPredictions("classification", rows.row_ids, rows.predicted, rows.predicted)
    assert not rows.same_rows(other)  # other targets


def test_a_parquet_file_without_the_metadata_is_refused() -> None:
    buffer = io.BytesIO()
    pd.DataFrame({"row_id": [0], "target": [1], "prediction": [1]}).to_parquet(buffer)
    buffer.seek(0)
    with pytest.raises(ValueError, match="no mlgate predictions metadata"):
        RowPredictions.from_parquet(buffer)
    with pytest.raises(ValueError, match="not Parquet"):
        RowPredictions.from_parquet(io.BytesIO(b"not parquet"))
