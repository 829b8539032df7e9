"""Load the configured data source into one DataFrame, whatever its kind."""

from __future__ import annotations

import io
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from mlgate.errors import SourceError

if TYPE_CHECKING:
    import pandas as pd

SKLEARN_PREFIX = "sklearn:"
# Shipped inside scikit-learn (offline): three classifications and a regression (diabetes:
# disease progression after a year, in its original units).
SKLEARN_DATASETS = ("breast_cancer", "iris", "wine", "diabetes")
_LOADER_OPTIONS = {"diabetes": {"scaled": False}}
READABLE_SUFFIXES = (".csv", ".parquet", ".pq", ".csv.gz", ".tsv")
# Where data may come from: a local path or one of these URL schemes. Not fsspec's others
# (`memory://`, `ftp://`, chained `zip::`/`simplecache::` URLs): each is code and a network
# reach the template does not need.
ALLOWED_SCHEMES = ("file", "http", "https", "s3", "gs", "az")
DEFAULT_MAX_BYTES = 4 * 1024**3  # data.max_bytes: what a source may hold, decompressed


def check_location(source: str, field: str = "data.source") -> None:
    """Refuse a URL scheme outside ALLOWED_SCHEMES (one line naming the field and the choices)."""
    expected = f"a local path or {', '.join(f'{s}://' for s in ALLOWED_SCHEMES)}"
    if "::" in source:
        raise SourceError(f"{field}: chained fsspec URLs are not allowed (expected {expected})")
    scheme = urlsplit(source).scheme.lower()
    if len(scheme) > 1 and scheme not in ALLOWED_SCHEMES:
        raise SourceError(f"{field}: the scheme {scheme!r} is not allowed (expected {expected})")


class _Capped(io.RawIOBase):
    """A binary stream that refuses to give more than `limit` bytes in all."""

    def __init__(self, raw: Any, limit: int, source: str) -> None:
        self.raw, self.limit, self.source, self.given = raw, limit, source, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        self.given += len(data)
        if self.given > self.limit:
            raise SourceError(
                f"data.source: {self.source} holds more than data.max_bytes ({self.limit} bytes)"
            )
        buffer[: len(data)] = data
        return len(data)


def load_source(
    source: str,
    na_values: tuple[str, ...] | None = None,
    text_columns: tuple[str, ...] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> pd.DataFrame:
    """Read a local path, a URL (https://, s3://, gs://, az://) or a bundled sklearn dataset.

    CSV cells are kept as text ("007" stays "007"); the schema decides which columns are numeric.
    With `text_columns` (the schema is known: production batches), only those stay text and the
    rest are parsed as numbers by pandas, which is far faster and smaller on big files.
    """
    if source.startswith(SKLEARN_PREFIX):
        frame = _load_sklearn(source.removeprefix(SKLEARN_PREFIX))
    else:
        check_location(source)
        frame = _load_file(source, na_values, text_columns, max_bytes)
    frame.columns = [str(column) for column in frame.columns]
    return frame.reset_index(drop=True)


def _load_sklearn(name: str) -> pd.DataFrame:
    """The offline default: datasets that ship inside scikit-learn."""
    from sklearn import datasets

    if name not in SKLEARN_DATASETS:
        raise SourceError(
            f"data.source: unknown bundled dataset 'sklearn:{name}' "
            f"(expected one of: {', '.join('sklearn:' + n for n in SKLEARN_DATASETS)})"
        )
    loader = getattr(datasets, f"load_{name}")
    frame: pd.DataFrame = loader(as_frame=True, **_LOADER_OPTIONS.get(name, {})).frame
    return frame.copy()


def _suffix(source: str) -> str:
    name = PurePosixPath(source.split("?", 1)[0]).name.lower()
    for suffix in sorted(READABLE_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return suffix
    return PurePosixPath(name).suffix


def _load_file(
    source: str,
    na_values: tuple[str, ...] | None,
    text_columns: tuple[str, ...] | None,
    max_bytes: int,
) -> pd.DataFrame:
    import fsspec
    import pandas as pd

    suffix = _suffix(source)
    if suffix not in READABLE_SUFFIXES:
        raise SourceError(
            f"data.source: cannot tell the format of {source!r} "
            f"(expected a file ending in {', '.join(READABLE_SUFFIXES)})"
        )
    try:
        opened = fsspec.open(source, mode="rb", compression="infer")
        size = opened.fs.size(opened.path)
        if size is not None and size > max_bytes:
            raise SourceError(
                f"data.source: {source} is {size} bytes, over data.max_bytes ({max_bytes})"
            )
        with opened as handle:
            if suffix in (".parquet", ".pq"):
                return pd.read_parquet(handle)
            return pd.read_csv(
                io.BufferedReader(_Capped(handle, max_bytes, source)),
                sep="\t" if suffix == ".tsv" else ",",
                dtype=str if text_columns is None else dict.fromkeys(text_columns, str),
                keep_default_na=na_values is None,
                na_values=list(na_values) if na_values is not None else None,
            )
    except FileNotFoundError:
        raise SourceError(f"data.source: file not found: {source}") from None
    except PermissionError:
        raise SourceError(f"data.source: permission denied reading {source}") from None
    except IsADirectoryError:
        raise SourceError(f"data.source: {source} is a directory, expected a file") from None
    except pd.errors.EmptyDataError:
        raise SourceError(f"data.source: {source} is empty (no columns to read)") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise SourceError(f"data.source: {source} is not valid {suffix[1:]}: {exc}") from None
    except ImportError as exc:
        raise SourceError(f"data.source: reading {source} needs an extra package: {exc}") from None
    except (OSError, ValueError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SourceError(f"data.source: cannot read {source}: {message}") from None
