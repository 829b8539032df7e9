"""Production batches: files, globs and the serving log, with one clear error per problem."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from mlgate.data.schema import FeatureSchema
from mlgate.errors import SourceError
from mlgate.monitor.batches import conform_batch, load_batch

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
    with pytest.raises(SourceError, match=__import__("re").escape(message)):
        conform_batch(load_batch(str(path)), SCHEMA, str(path))


def test_nothing_matching_the_glob(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no file matches"):
        load_batch(str(tmp_path / "*.parquet"))


def test_a_broken_json_line_names_its_line(tmp_path: Path) -> None:
    log = tmp_path / "p.jsonl"
    log.write_text('{"inputs": {"x": 1, "c": "r"}}\n{broken\n')
    with pytest.raises(SourceError, match=r"p.jsonl:2: not a JSON line"):
        load_batch(str(log))
