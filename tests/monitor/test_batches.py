"""Production batches: files, globs and the serving log, with one clear error per problem."""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest
from fsspec import AbstractFileSystem, register_implementation

from mlgate.data.feature_schema import FeatureSchema
from mlgate.errors import SourceError
from mlgate.monitor import batches
from mlgate.monitor.batches import (
    MIN_ROWS,
    check_batch_size,
    conform_batch,
    expand_location,
    load_batch,
)

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


def test_json_lines_read_in_chunks_keep_every_row_and_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batches, "JSONL_CHUNK_LINES", 2)
    lines = [{"inputs": {"x": i}} for i in range(4)] + [{"inputs": {"x": 4, "c": "r"}}]
    log = tmp_path / "p.jsonl"
    log.write_text("\n".join(json.dumps(line) for line in lines) + "\n\n" + "{broken\n")
    with pytest.raises(SourceError, match=r"p.jsonl:7: not a JSON line"):
        load_batch(str(log))  # line numbers run on across chunks
    log.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    frame = load_batch(str(log))  # chunks of 2, 2 and 1 lines; "c" only in the last
    assert frame["x"].tolist() == [0, 1, 2, 3, 4]
    assert frame["c"].isna().tolist() == [True, True, True, True, False]


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


# -- URLs: remote globs, presigned http(s) URLs, read failures -------------------------------


@pytest.fixture
def memory_bucket(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """memory://bucket-<id>/ holding prod/a.parquet, prod/b.parquet and other/c.parquet.

    fsspec's memory:// stands in for s3:// here, so it is allowed for these tests only.
    """
    import fsspec

    from mlgate.data import sources

    monkeypatch.setattr(sources, "ALLOWED_SCHEMES", (*sources.ALLOWED_SCHEMES, "memory"))
    root = f"memory://bucket-{uuid.uuid4().hex}"
    for name, x in (("prod/a", 1), ("prod/b", 2), ("other/c", 3)):
        with fsspec.open(f"{root}/{name}.parquet", "wb") as handle:
            pd.DataFrame({"x": [x], "c": ["r"]}).to_parquet(handle)
    yield root
    fsspec.filesystem("memory").rm(root, recursive=True)


def test_a_remote_glob_is_expanded_by_fsspec(memory_bucket: str) -> None:
    bucket = memory_bucket.removeprefix("memory://")
    assert expand_location(f"{memory_bucket}/prod/*.parquet") == [
        f"memory:///{bucket}/prod/a.parquet",
        f"memory:///{bucket}/prod/b.parquet",
    ]
    assert load_batch(f"{memory_bucket}/prod/[ab].parquet")["x"].tolist() == [1, 2]
    with pytest.raises(SourceError, match="no file matches"):
        load_batch(f"{memory_bucket}/prod/*.csv")


def test_a_batch_location_outside_the_allowed_schemes_is_refused() -> None:
    with pytest.raises(SourceError, match=r"^memory://b/\*\.parquet: the scheme 'memory' is not"):
        load_batch("memory://b/*.parquet")


def test_an_https_url_is_one_file_with_its_query_string() -> None:
    url = "https://example.com/b.parquet?X-Amz-Signature=a1[b]&X-Amz-Expires=60"
    assert expand_location(url) == [url]


class _Handler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # keep the test output clean
        pass


@pytest.fixture
def http_folder(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served on 127.0.0.1 (an ephemeral port) and its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_presigned_url_is_read_whole(http_folder: tuple[Path, str]) -> None:
    folder, base = http_folder
    pd.DataFrame({"x": [1.5, 2.5], "c": ["r", "g"]}).to_parquet(folder / "b.parquet")
    log = {"inputs": {"x": 1, "c": "r"}, "prediction": "a"}
    (folder / "p.jsonl").write_text(json.dumps(log) + "\n")
    signed = "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=0a1b&X-Amz-Expires=60"
    assert load_batch(f"{base}/b.parquet{signed}")["x"].tolist() == [1.5, 2.5]
    assert load_batch(f"{base}/p.jsonl{signed}")["x"].tolist() == [1]


@pytest.mark.parametrize("name", ["gone.parquet", "gone.jsonl"])
def test_an_unreadable_url_says_why(http_folder: tuple[Path, str], name: str) -> None:
    _, base = http_folder
    with pytest.raises(SourceError, match=rf"^{base}/{name}\?s=1: cannot read \(HTTP 404 "):
        load_batch(f"{base}/{name}?s=1")


class NoCredentialsError(Exception):
    """Stands in for botocore's: not an OSError, raised by the filesystem library."""


class _NoCredentialsFileSystem(AbstractFileSystem):
    protocol = "nocreds"

    def info(self, path: str, **kwargs: object) -> dict[str, object]:
        raise NoCredentialsError("Unable to locate credentials")

    def glob(self, path: str, **kwargs: object) -> dict[str, object]:
        raise NoCredentialsError("Unable to locate credentials")


@pytest.mark.parametrize("location", ["nocreds://bucket/b.parquet", "nocreds://bucket/*.parquet"])
def test_a_remote_failure_of_any_type_is_a_source_error(
    location: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlgate.data import sources

    monkeypatch.setattr(sources, "ALLOWED_SCHEMES", (*sources.ALLOWED_SCHEMES, "nocreds"))
    register_implementation("nocreds", _NoCredentialsFileSystem, clobber=True)
    with pytest.raises(
        SourceError, match=re.escape(f"{location}: cannot read (Unable to locate credentials)")
    ):
        load_batch(location)


def test_csv_categories_stay_text_and_numbers_are_parsed(tmp_path: Path) -> None:
    path = tmp_path / "b.csv"
    path.write_text("x,c\n1.5,007\n2,010\n")
    frame = load_batch(str(path), ("c",))
    assert frame["c"].tolist() == ["007", "010"]
    assert pd.api.types.is_float_dtype(frame["x"])
    assert conform_batch(frame, SCHEMA, "b.csv")["x"].tolist() == [1.5, 2.0]


def test_the_fast_json_reader_agrees_with_the_line_reader(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    lines = [
        {"inputs": {"x": 1.5, "c": "red"}, "prediction": "a", "probabilities": {"a": 0.9}},
        {"inputs": {"x": 2, "c": None}, "prediction": "b", "probabilities": {"a": 0.1}},
        {"inputs": {"x": None, "c": "007"}, "prediction": "a", "probabilities": {"a": 0.7}},
    ]
    log.write_text("".join(json.dumps(line) + "\n" for line in lines))
    fast = batches._read_jsonl(str(log))
    slow = batches._read_jsonl_by_line(str(log))
    assert list(fast.columns) == ["x", "c"]
    pd.testing.assert_frame_equal(
        conform_batch(fast, SCHEMA, "log"), conform_batch(slow, SCHEMA, "log")
    )
