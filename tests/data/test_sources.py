import gzip
from pathlib import Path

import pandas as pd
import pytest

from mlgate.data.sources import load_source
from mlgate.errors import SourceError
from tests.support.datasets import make_custom_frame


def test_bundled_breast_cancer_loads_offline() -> None:
    frame = load_source("sklearn:breast_cancer")
    assert frame.shape == (569, 31)
    assert "target" in frame.columns
    assert all(isinstance(column, str) for column in frame.columns)


def test_unknown_bundled_dataset_lists_the_choices() -> None:
    with pytest.raises(
        SourceError, match=r"unknown bundled dataset 'sklearn:titanic'.*breast_cancer"
    ):
        load_source("sklearn:titanic")


def test_csv_keeps_missing_values_and_strings(tmp_path: Path) -> None:
    path = tmp_path / "custom.csv"
    make_custom_frame(rows=40).to_csv(path, index=False)
    frame = load_source(str(path))
    assert frame.shape == (40, 6)
    assert frame["colour"].isna().any()
    assert set(frame["outcome"].dropna()) <= {"low", "mid", "high"}


def test_parquet_round_trips(tmp_path: Path) -> None:
    original = make_custom_frame(rows=30)
    path = tmp_path / "custom.parquet"
    original.to_parquet(path, index=False)
    pd.testing.assert_frame_equal(load_source(str(path)), original)


def test_tsv_and_gzipped_csv(tmp_path: Path) -> None:
    original = make_custom_frame(rows=20)
    original.to_csv(tmp_path / "d.tsv", sep="\t", index=False)
    with gzip.open(tmp_path / "d.csv.gz", "wt") as handle:
        original.to_csv(handle, index=False)
    assert load_source(str(tmp_path / "d.tsv")).shape == (20, 6)
    assert load_source(str(tmp_path / "d.csv.gz")).shape == (20, 6)


def test_fsspec_url_reads_through_fsspec(tmp_path: Path) -> None:
    path = tmp_path / "custom.csv"
    make_custom_frame(rows=25).to_csv(path, index=False)
    assert load_source(f"file://{path}").shape == (25, 6)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"file not found: .*nope\.csv"):
        load_source(str(tmp_path / "nope.csv"))


def test_unknown_format_lists_supported_suffixes(tmp_path: Path) -> None:
    (tmp_path / "data.xlsx").write_bytes(b"x")
    with pytest.raises(SourceError, match=r"cannot tell the format .*\.csv, \.parquet"):
        load_source(str(tmp_path / "data.xlsx"))


def test_empty_csv_is_reported(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(SourceError, match="is empty"):
        load_source(str(tmp_path / "empty.csv"))


def test_corrupt_parquet_is_reported(tmp_path: Path) -> None:
    (tmp_path / "broken.parquet").write_bytes(b"definitely not parquet")
    with pytest.raises(SourceError, match=r"cannot read .*broken\.parquet"):
        load_source(str(tmp_path / "broken.parquet"))


def test_directory_instead_of_file(tmp_path: Path) -> None:
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(SourceError, match="is a directory"):
        load_source(str(tmp_path / "folder.csv"))


def test_csv_cells_stay_text_so_leading_zeros_survive(tmp_path: Path) -> None:
    (tmp_path / "zip.csv").write_text("zip,y\n007,a\n07,b\n7,a\n")
    assert load_source(str(tmp_path / "zip.csv"))["zip"].tolist() == ["007", "07", "7"]


def test_na_values_replace_the_default_missing_tokens(tmp_path: Path) -> None:
    (tmp_path / "regions.csv").write_text("region,y\nNA,a\nEU,b\n,a\n")
    default = load_source(str(tmp_path / "regions.csv"))
    explicit = load_source(str(tmp_path / "regions.csv"), na_values=("",))
    assert default["region"].isna().sum() == 2
    assert explicit["region"].tolist()[:2] == ["NA", "EU"]
    assert explicit["region"].isna().sum() == 1


@pytest.mark.parametrize(
    ("source", "refused"),
    [
        ("memory://data.csv", "the scheme 'memory' is not allowed"),
        ("ftp://example.invalid/data.csv", "the scheme 'ftp' is not allowed"),
        ("github://org:repo@main/data.csv", "the scheme 'github' is not allowed"),
        ("zip://data.csv::file:///tmp/a.zip", "chained fsspec URLs are not allowed"),
        ("simplecache::s3://bucket/data.csv", "chained fsspec URLs are not allowed"),
    ],
)
def test_only_the_documented_schemes_are_read(source: str, refused: str) -> None:
    with pytest.raises(SourceError) as error:
        load_source(source)
    assert str(error.value) == (
        f"data.source: {refused} (expected a local path or file://, http://, https://, "
        "s3://, gs://, az://)"
    )


def test_a_source_over_max_bytes_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    make_custom_frame().to_csv(path, index=False)
    size = path.stat().st_size
    with pytest.raises(SourceError) as error:
        load_source(str(path), max_bytes=size - 1)
    assert str(error.value) == (
        f"data.source: {path} is {size} bytes, over data.max_bytes ({size - 1})"
    )
    assert len(load_source(str(path), max_bytes=size)) == len(make_custom_frame())


def test_a_compressed_source_is_capped_on_what_it_expands_to(tmp_path: Path) -> None:
    """A gzip bomb: small on disk, far over the cap once decompressed."""
    path = tmp_path / "bomb.csv.gz"
    with gzip.open(path, "wt") as handle:
        handle.write("a,b\n" + "1,2\n" * 1_000_000)
    assert path.stat().st_size < 100_000
    with pytest.raises(
        SourceError, match=r"bomb\.csv\.gz holds more than data\.max_bytes \(100000 bytes\)"
    ):
        load_source(str(path), max_bytes=100_000)
