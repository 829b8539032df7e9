"""A sampled log of served predictions (inputs, outputs, model version, time) for monitoring.

Written as JSON lines, each process to its own files, so workers never interleave lines. The
log has a budget: a file ends before it would pass `max_file_bytes`, and when a process starts a
file it deletes the oldest files of the folder beyond `max_files`, so the folder holds at most
about `max_files × max_file_bytes` whatever the traffic. Files are 0600 in a 0700 folder (when
the folder is ours), and the logged fields can be limited or hashed (PII). A logging failure
never fails a request: entries that could not be written are counted by reason (`dropped`,
`on_drop`, which the service turns into a Prometheus counter) and reported on stderr at most
once a minute.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import random
import secrets
import stat
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

FILE_PREFIX = "predictions-"
FILE_SUFFIX = ".jsonl"
DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_FILES = 8
REPORT_EVERY_S = 60.0
HASH_KEY_VARIABLE = "MLGATE_PREDICTION_LOG_HASH_KEY"
HASH_PREFIX = "hmac-sha256:"
# Why a sampled entry was not written: the write failed (disk full, no permission), or one
# request's entries were larger than a whole file.
DROP_REASONS = ("write_error", "too_large")

Fields = Literal["all", "none"] | Collection[str]


class PredictionLog:
    """Appends a sample of records to `<directory>/predictions-<start>-<pid>-<n>.jsonl`."""

    def __init__(
        self,
        directory: Path | None,
        sample_rate: float,
        *,
        seed: int | None = None,
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
        max_files: int = DEFAULT_MAX_FILES,
        fields: Fields = "all",
        hash_fields: Collection[str] = (),
        hash_key: bytes | None = None,
        on_drop: Callable[[str, int], None] | None = None,
        on_remove: Callable[[int], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.directory = directory
        self.sample_rate = sample_rate
        self.max_file_bytes = max_file_bytes
        self.max_files = max(1, max_files)
        self.fields = fields if fields in ("all", "none") else frozenset(fields)
        self.hash_fields = frozenset(hash_fields)
        self.on_drop = on_drop  # the service counts these two in Prometheus counters
        self.on_remove = on_remove
        self.dropped: Counter[str] = Counter()
        self.removed_files = 0
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._clock = clock
        self._unreported: Counter[str] = Counter()
        self._last_report = -REPORT_EVERY_S
        self._path: Path | None = None
        self._size = 0
        self._serial = 0
        self._hash_key = hash_key
        if self.hash_fields and hash_key is None:
            self._hash_key = secrets.token_bytes(32)
            if self.enabled:
                self._say(
                    f"{HASH_KEY_VARIABLE} is not set: hashed fields use a key of this process "
                    "only, so their hashes cannot be compared across processes or restarts"
                )

    @property
    def enabled(self) -> bool:
        return self.directory is not None and self.sample_rate > 0

    def record(
        self,
        records: Sequence[Mapping[str, Any]],
        predictions: Sequence[Any],
        probabilities: Sequence[Mapping[str, float]] | None,
        model_version: str,
    ) -> None:
        """Log a sample of these records (each drawn on its own); never raises."""
        if not self.enabled:
            return
        kept = [i for i in range(len(records)) if self._random.random() < self.sample_rate]
        if not kept:
            return
        try:
            now = datetime.now(UTC)
            stamp = now.isoformat(timespec="milliseconds")
            lines = []
            for index in kept:
                entry: dict[str, Any] = {
                    "timestamp": stamp,
                    "model_version": model_version,
                    "inputs": self._logged_inputs(records[index]),
                    "prediction": predictions[index],
                }
                if probabilities is not None:
                    entry["probabilities"] = dict(probabilities[index])
                lines.append(json.dumps(entry, ensure_ascii=False, default=str))
            data = ("\n".join(lines) + "\n").encode("utf-8")
            if len(data) > self.max_file_bytes:
                self._drop("too_large", len(kept), f"{len(data)} bytes > max_file_bytes")
                return
            with self._lock:
                self._append(data, now)
        except Exception as exc:  # a log must never take a prediction down with it
            self._drop("write_error", len(kept), str(exc))

    def _logged_inputs(self, record: Mapping[str, Any]) -> dict[str, Any]:
        if self.fields == "none":
            return {}
        chosen = (
            record.items()
            if self.fields == "all"
            else ((name, value) for name, value in record.items() if name in self.fields)
        )
        return {
            name: self._hashed(value) if name in self.hash_fields else value
            for name, value in chosen
        }

    def _hashed(self, value: Any) -> Any:
        if value is None:
            return None
        assert self._hash_key is not None
        digest = hmac.new(self._hash_key, str(value).encode("utf-8"), hashlib.sha256)
        return HASH_PREFIX + digest.hexdigest()[:32]

    def _append(self, data: bytes, now: datetime) -> None:
        assert self.directory is not None
        if self._path is None or self._size + len(data) > self.max_file_bytes:
            self._start_file(now)
        assert self._path is not None
        descriptor = os.open(self._path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view) :]
            # Another worker may have deleted the file and this open made it anew: its size.
            self._size = os.fstat(descriptor).st_size
        finally:
            os.close(descriptor)

    def _start_file(self, now: datetime) -> None:
        assert self.directory is not None
        if not self.directory.is_dir():
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder = self.directory.stat()
        if folder.st_uid == os.geteuid() and stat.S_IMODE(folder.st_mode) != 0o700:
            self.directory.chmod(0o700)  # a mount point owned by root keeps its mode
        self._serial += 1
        name = f"{FILE_PREFIX}{now:%Y%m%dT%H%M%S}-{os.getpid()}-{self._serial}{FILE_SUFFIX}"
        self._path = self.directory / name
        self._size = 0
        self._remove_oldest(keep=self.max_files - 1)

    def _remove_oldest(self, keep: int) -> None:
        """Delete the oldest log files of the folder (any process's) beyond `keep`."""
        assert self.directory is not None
        found = []
        for path in self.directory.glob(f"{FILE_PREFIX}*{FILE_SUFFIX}"):
            try:
                found.append((path.stat().st_mtime, path.name, path))
            except FileNotFoundError:  # another worker removed it first
                continue
        found.sort()
        removed = 0
        for _, _, path in found[: max(0, len(found) - keep)]:
            try:
                path.unlink()
                removed += 1
            except FileNotFoundError:
                continue
        if removed:
            self.removed_files += removed
            _quietly(self.on_remove, removed)
            self._say(
                f"removed {removed} old prediction log file(s) to stay within max_files="
                f"{self.max_files} × max_file_bytes={self.max_file_bytes}",
                rate_limited=True,
            )

    def _drop(self, reason: str, entries: int, detail: str) -> None:
        self.dropped[reason] += entries
        self._unreported[reason] += entries
        _quietly(self.on_drop, reason, entries)
        summary = ", ".join(f"{count} ({why})" for why, count in sorted(self._unreported.items()))
        if self._say(f"dropped prediction log entries: {summary}; last: {detail}", True):
            self._unreported.clear()

    def _say(self, message: str, rate_limited: bool = False) -> bool:
        """One line on stderr; rate-limited lines at most once per REPORT_EVERY_S seconds."""
        if rate_limited:
            now = self._clock()
            if now - self._last_report < REPORT_EVERY_S:
                return False
            self._last_report = now
        print(f"mlgate: {message} (requests are unaffected)", file=sys.stderr)
        return True


def _quietly(callback: Callable[..., None] | None, *args: Any) -> None:
    """Call a metrics hook; a metric must not fail a request either."""
    if callback is not None:
        with contextlib.suppress(Exception):
            callback(*args)
