"""Production batches: files, globs and the serving log, with one clear error per problem."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from mlgate.data.schema import FeatureSchema
from mlgate.errors import SourceError
from mlgate.monitor.batches import MIN_ROWS, check_batch_size, conform_batch, load_batch

SCHEMA = FeatureSchema(target="y", labels=("a", "b"), numeric=("x",), categorical=("c",))


def test_prediction_log_lines_are_read_as_their_inputs(tmp_path: Path) -> None:
    log = tmp_path / "predictions-2026-11-25-1.jsonl"
    lines = [
        {"inputs": {"x": i, "c": "red"}, "prediction": "a", "model_version": "v"} for i in range(3)
    ]
    log.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    batch = conform_batch(load_batch(str(tmp_path / "*.jsonl")), SCHEMA, "log")
    assert list(batch.columns) == ["x", "c"]
    assert batch["x"].tolist() == [0.0, 1.0, 2.0]


def test_a_glob_concatenates_every_file(tmp_path: Path) -> None:
    for day in (1, 2):
        pd.DataFrame({"x": [day], "c": ["red"], "y": ["a"]}).to_csv(
            tmp_path / f"b{day}.csv", index=False
        )
    batch = conform_batch(load_batch(str(tmp_path / "b*.csv")), SCHEMA, "batch")
    assert len(batch) == 2  # the target column is dropped, not an error


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"x": [1]}, "missing column(s): c"),
        ({"x": [1], "c": ["r"], "colour": ["r"]}, "unexpected column(s): colour"),
        ({"x": ["ten"], "c": ["r"]}, "column 'x' must be numeric (found 'ten')"),
        ({"x": [], "c": []}, "the batch is empty"),
    ],
)
def test_bad_batches_are_one_clear_error(
    tmp_path: Path, content: dict[str, list[object]], message: str
) -> None:
    path = tmp_path / "batch.csv"
    pd.DataFrame(content).to_csv(path, index=False)
    with pytest.raises(SourceError, match=re.escape(message)):
        conform_batch(load_batch(str(path)), SCHEMA, str(path))


def test_nothing_matching_the_glob(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no file matches"):
        load_batch(str(tmp_path / "*.parquet"))


def test_a_broken_json_line_names_its_line(tmp_path: Path) -> None:
    log = tmp_path / "p.jsonl"
    log.write_text('{"inputs": {"x": 1, "c": "r"}}\n{broken\n')
    with pytest.raises(SourceError, match=r"p.jsonl:2: not a JSON line"):
        load_batch(str(log))


# -- JSON lines: shape of each line, chunked reading -----------------------------------------


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("5", "p.jsonl:2: expected a JSON object {...}, found a number"),
        ('["x"]', "p.jsonl:2: expected a JSON object {...}, found an array"),
        ('{"inputs": 5}', 'p.jsonl:2: expected "inputs" to be an object {...}, found a number'),
        ('{"inputs": null}', 'p.jsonl:2: expected "inputs" to be an object {...}, found null'),
    ],
)
def test_a_json_line_that_is_not_a_record_names_its_line(
    tmp_path: Path, line: str, message: str
) -> None:
    log = tmp_path / "p.jsonl"
    log.write_text('{"inputs": {"x": 1, "c": "r"}}\n' + line + "\n")
    with pytest.raises(SourceError, match=re.escape(message)):
        load_batch(str(log))


# -- feature columns that cannot be compared -------------------------------------------------


@pytest.mark.parametrize(
    ("column", "message"),
    [
        ({"x": [float("nan")] * 3}, "column 'x' has no values"),
        ({"x": [None] * 3}, "column 'x' has no values"),
        ({"c": [None] * 3}, "column 'c' has no values"),
        (
            {"x": pd.date_range("2026-01-01", periods=3)},
            "column 'x' must be numeric (found datetime64",
        ),
        (
            {"x": pd.to_timedelta([1, 2, 3], unit="s")},
            "column 'x' must be numeric (found timedelta64",
        ),
        ({"x": [True, False, True]}, "column 'x' must be numeric (found bool)"),
        ({"x": [True, None, False]}, "column 'x' must be numeric (found boolean values)"),
    ],
)
def test_columns_a_drift_test_cannot_use_are_refused(
    column: dict[str, object], message: str
) -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "c": ["r", "g", "b"]} | column)
    with pytest.raises(SourceError, match=re.escape(f"batch: {message}")):
        conform_batch(frame, SCHEMA, "batch")


def test_a_batch_needs_enough_rows_for_a_drift_test() -> None:
    frame = pd.DataFrame({"x": range(MIN_ROWS)})
    check_batch_size(frame, "b.csv")
    with pytest.raises(
        SourceError, match=r"b.csv: batch has 29 row\(s\); a drift test needs at least 30"
    ):
        check_batch_size(frame.iloc[:29], "b.csv")
