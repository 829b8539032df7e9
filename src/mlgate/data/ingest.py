"""Load the configured data source into one DataFrame, whatever its kind."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from mlgate.errors import SourceError

if TYPE_CHECKING:
    import pandas as pd

SKLEARN_PREFIX = "sklearn:"
SKLEARN_DATASETS = ("breast_cancer", "iris", "wine")
READABLE_SUFFIXES = (".csv", ".parquet", ".pq", ".csv.gz", ".tsv")


def load_source(
    source: str,
    na_values: tuple[str, ...] | None = None,
    text_columns: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Read a local path, an fsspec URL (https://, s3://, gs://) or a bundled sklearn dataset.

    CSV cells are kept as text ("007" stays "007"); the schema decides which columns are numeric.
    With `text_columns` (the schema is known: production batches), only those stay text and the
    rest are parsed as numbers by pandas, which is far faster and smaller on big files.
    """
    if source.startswith(SKLEARN_PREFIX):
        frame = _load_sklearn(source.removeprefix(SKLEARN_PREFIX))
    else:
        frame = _load_file(source, na_values, text_columns)
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
    frame: pd.DataFrame = loader(as_frame=True).frame
    return frame.copy()


def _suffix(source: str) -> str:
    name = PurePosixPath(source.split("?", 1)[0]).name.lower()
    for suffix in sorted(READABLE_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return suffix
    return PurePosixPath(name).suffix


def _load_file(
    source: str, na_values: tuple[str, ...] | None, text_columns: tuple[str, ...] | None
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
        with fsspec.open(source, mode="rb", compression="infer") as handle:
            if suffix in (".parquet", ".pq"):
                return pd.read_parquet(handle)
            return pd.read_csv(
                handle,
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
