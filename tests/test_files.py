"""Artefact reading and writing: Parquet streamed to its file, shape and md5 without loading it."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from mlgate.files import md5_of, parquet_shape, read_parquet, read_parquet_rows, write_parquet


def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {"x": rng.normal(size=3000), "c": rng.choice(["a", "b"], 3000), "y": np.arange(3000)}
    )


def test_write_parquet_round_trips_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "out" / "data.parquet"
    write_parquet(path, frame())
    pd.testing.assert_frame_equal(read_parquet(path, "ingest"), frame())
    assert [p.name for p in path.parent.iterdir()] == ["data.parquet"]


def test_read_parquet_reads_only_the_columns_asked_for(tmp_path: Path) -> None:
    path = tmp_path / "data.parquet"
    write_parquet(path, frame())
    assert list(read_parquet(path, "split", columns=["y"]).columns) == ["y"]


def test_parquet_shape_and_md5_are_the_loaded_frame_s_and_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "data.parquet"
    write_parquet(path, frame())
    assert parquet_shape(path, "ingest") == frame().shape
    assert md5_of(path, "ingest") == hashlib.md5(path.read_bytes()).hexdigest()


def test_read_parquet_rows_gives_the_rows_picked_as_take_would(tmp_path: Path) -> None:
    path = tmp_path / "data.parquet"
    big = pd.concat([frame()] * 70, ignore_index=True)  # 210k rows: read in several batches
    write_parquet(path, big)
    picked = np.random.default_rng(1).choice(len(big), 5000, replace=False)
    rows, count = read_parquet_rows(path, "split", lambda n: picked if n == len(big) else None)
    assert count == len(big)
    pd.testing.assert_frame_equal(rows, big.take(picked))
    whole, _ = read_parquet_rows(path, "split", lambda n: None)
    pd.testing.assert_frame_equal(whole, big)
