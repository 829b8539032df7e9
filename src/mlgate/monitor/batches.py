"""Read a production batch (a file, a glob, a URL, or the serving prediction log) as features.

The prediction log's JSON lines hold the request under "inputs"; CSV/Parquet batches hold the
features as columns. Either way the result must have exactly the model's features (the target
and prediction columns are dropped), with the types the training schema expects.
"""

from __future__ import annotations

import glob
import json
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from mlgate.data.feature_schema import FeatureSchema
from mlgate.errors import MlgateError, SourceError

if TYPE_CHECKING:
    import pandas as pd

IGNORED_COLUMNS = ("prediction", "probabilities", "model_version", "timestamp")
MIN_ROWS = 30  # fewer rows than this and a drift test says more about chance than about drift
JSONL_SUFFIXES = (".jsonl", ".json")
JSONL_CHUNK_LINES = 10_000  # lines held as dicts at a time; only their frames are kept
_NOT_NUMERIC = ("boolean", "datetime", "datetime64", "date", "timedelta", "time", "period")


def _scheme(location: str) -> str | None:
    """A URL's scheme ("s3", "https", "memory"); None for a local path."""
    return location.split("://", 1)[0].lower() if "://" in location else None


def _reason(exc: BaseException) -> str:
    """Why a read failed, in one line: HTTP status, connection or credentials problem."""
    if isinstance(exc, FileNotFoundError):  # fsspec's http raises it for any failed request
        return _reason(exc.__cause__) if exc.__cause__ is not None else "not found"
    status = getattr(exc, "status", None)  # aiohttp's ClientResponseError
    if isinstance(status, int):
        return f"HTTP {status} {getattr(exc, 'message', '')}".strip()
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _probe_remote(url: str) -> None:
    """Fail early, with the reason, when a URL cannot be read (403, 404, no credentials)."""
    import fsspec

    try:
        fs, path = fsspec.core.url_to_fs(url)
        fs.info(path)
    except Exception as exc:  # each filesystem library raises its own types
        raise SourceError(f"{url}: cannot read ({_reason(exc)})") from None


def _expand_remote(pattern: str) -> list[str]:
    """The files an fsspec glob (s3://bucket/prod/*.parquet) matches, as full URLs."""
    import fsspec

    try:
        fs, path = fsspec.core.url_to_fs(pattern)
        matches = fs.glob(path, detail=True)
    except Exception as exc:  # missing credentials, 403, no connection: each library its own
        raise SourceError(f"{pattern}: cannot read ({_reason(exc)})") from None
    files = [name for name, info in matches.items() if info.get("type") != "directory"]
    return sorted(fs.unstrip_protocol(name) for name in files)


def expand_location(location: str) -> list[str]:
    """The files a location names: a glob's matches (sorted), else the location itself.

    An http(s) URL is always one file: its "?" starts a query string (a presigned URL's
    signature), not a wildcard. Other URLs are globbed by fsspec, local paths by `glob`.
    Only the schemes data sources may use are read (`mlgate.data.sources.ALLOWED_SCHEMES`).
    """
    from mlgate.data.sources import check_location

    check_location(location, field=location)
    scheme = _scheme(location)
    if scheme in ("http", "https"):
        return [location]
    if scheme is not None:
        return _expand_remote(location) if any(c in location for c in "*[") else [location]
    return sorted(glob.glob(location)) if any(c in location for c in "*?[") else [location]


def _is_jsonl(path: str) -> bool:
    name = path.split("?", 1)[0] if _scheme(path) in ("http", "https") else path
    return PurePosixPath(name).name.lower().endswith(JSONL_SUFFIXES)


def _json_kind(value: object) -> str:
    kinds = {type(None): "null", bool: "a boolean", list: "an array", str: "a string"}
    return kinds.get(type(value), "a number")


def _json_record(line: str, path: str, number: int) -> dict[str, Any]:
    """One log line's features: its "inputs" object, or the line itself when it has none."""
    try:
        entry = json.loads(line)
    except json.JSONDecodeError:
        raise SourceError(f"{path}:{number}: not a JSON line") from None
    if not isinstance(entry, dict):
        raise SourceError(
            f"{path}:{number}: expected a JSON object {{...}}, found {_json_kind(entry)}"
        )
    inputs = entry.get("inputs", entry)
    if not isinstance(inputs, dict):
        raise SourceError(
            f'{path}:{number}: expected "inputs" to be an object {{...}}, '
            f"found {_json_kind(inputs)}"
        )
    return inputs


def _read_jsonl(path: str) -> pd.DataFrame:
    """A JSON-lines file (local or URL): Arrow's streaming parser when every line is well formed
    (fast, and memory bounded by its blocks), else line by line, which names the first bad line."""
    import fsspec
    import pandas as pd
    import pyarrow as pa
    from pyarrow import json as pa_json

    frames: list[pd.DataFrame] = []
    try:
        with fsspec.open(path, "rb") as stream:
            reader = pa_json.open_json(stream)
            for batch in reader:
                if "inputs" in batch.schema.names:
                    inputs = batch.column("inputs")
                    if not pa.types.is_struct(inputs.type) or inputs.null_count:
                        return _read_jsonl_by_line(path)  # names the line with bad "inputs"
                    names = [field.name for field in inputs.type]
                    batch = pa.RecordBatch.from_arrays(inputs.flatten(), names=names)
                frames.append(batch.to_pandas())
    except pa.ArrowException:
        return _read_jsonl_by_line(path)
    if not frames:
        return _read_jsonl_by_line(path)
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _read_jsonl_by_line(path: str) -> pd.DataFrame:
    """A JSON-lines file parsed a chunk of lines at a time to bound memory."""
    import fsspec
    import pandas as pd

    frames: list[pd.DataFrame] = []
    rows: list[dict[str, Any]] = []
    with fsspec.open(path, "rt", encoding="utf-8") as stream:
        for number, line in enumerate(stream, 1):
            if line.strip():
                rows.append(_json_record(line, path, number))
            if len(rows) == JSONL_CHUNK_LINES:
                frames.append(pd.DataFrame.from_records(rows))
                rows = []
    if rows or not frames:
        frames.append(pd.DataFrame.from_records(rows))
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _read_one(path: str, text_columns: tuple[str, ...]) -> pd.DataFrame:
    from mlgate.data.sources import load_source

    try:
        return _read_jsonl(path) if _is_jsonl(path) else load_source(path, None, text_columns)
    except MlgateError:
        raise
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"{path}: cannot read ({_reason(exc)})") from None
    except Exception as exc:  # remote reads fail with their library's own exception types
        if _scheme(path) is None:
            raise
        raise SourceError(f"{path}: cannot read ({_reason(exc)})") from None


def load_batch(location: str, text_columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """All files the location names (a glob matches several), concatenated.

    CSV columns in `text_columns` (the categorical features) are read as text, "007" stays
    "007"; the others are parsed as numbers where they are numbers.
    """
    import pandas as pd

    paths = expand_location(location)
    if not paths:
        raise SourceError(f"{location}: no file matches")
    for path in paths:
        if _scheme(path) is not None:
            _probe_remote(path)
        elif not Path(path).exists():
            raise SourceError(f"{path}: file not found")
    frames = [_read_one(path, text_columns) for path in paths]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _non_numeric_kind(column: pd.Series) -> str | None:
    """What a numeric feature holds instead of numbers (dates, durations, booleans), if so."""
    from pandas.api import types

    dtype = column.dtype
    if (
        types.is_bool_dtype(dtype)
        or types.is_datetime64_any_dtype(dtype)
        or types.is_timedelta64_dtype(dtype)
    ):
        return str(dtype)
    if types.is_object_dtype(dtype):
        inferred = types.infer_dtype(column, skipna=True)
        if inferred in _NOT_NUMERIC:
            return f"{inferred} values"
    return None


def conform_batch(frame: pd.DataFrame, schema: FeatureSchema, origin: str) -> pd.DataFrame:
    """The batch's feature columns with training dtypes; one clear error per kind of problem."""
    import pandas as pd

    from mlgate.data.conform import conform_frame

    if frame.empty:
        raise SourceError(f"{origin}: the batch is empty")
    columns = [c for c in frame.columns if c not in (*IGNORED_COLUMNS, schema.target)]
    missing = [c for c in schema.features if c not in columns]
    if missing:
        raise SourceError(f"{origin}: missing column(s): {', '.join(missing)}")
    extra = [str(c) for c in columns if c not in schema.features]
    if extra:
        raise SourceError(f"{origin}: unexpected column(s): {', '.join(extra)}")
    empty = [name for name in schema.features if frame[name].isna().all()]
    if empty:
        raise SourceError(f"{origin}: column {empty[0]!r} has no values")
    for name in schema.numeric:
        found = _non_numeric_kind(frame[name])
        if found is not None:
            raise SourceError(f"{origin}: column {name!r} must be numeric (found {found})")
        parsed = pd.to_numeric(frame[name], errors="coerce")
        bad = frame[name].notna() & parsed.isna()
        if bad.any():
            example = frame.loc[bad, name].iloc[0]
            raise SourceError(f"{origin}: column {name!r} must be numeric (found {example!r})")
    return conform_frame(frame, schema, with_target=False)


def check_batch_size(frame: pd.DataFrame, origin: str, minimum: int = MIN_ROWS) -> None:
    """Refuse a batch too small for a drift test to mean anything."""
    if len(frame) < minimum:
        raise SourceError(
            f"{origin}: batch has {len(frame)} row(s); a drift test needs at least {minimum}"
        )
