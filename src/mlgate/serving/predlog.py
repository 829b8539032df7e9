"""A sampled log of served predictions (inputs, outputs, model version, time) for monitoring.

Written as JSON lines, one file per process and day, so workers never interleave lines. A
logging failure is reported once on stderr and never fails a request.
"""

from __future__ import annotations

import json
import os
import random
import sys
import threading
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


class PredictionLog:
    """Appends a sample of records to `<directory>/predictions-<day>-<pid>.jsonl`."""

    def __init__(self, directory: Path | None, sample_rate: float, *, seed: int | None = None):
        self.directory = directory
        self.sample_rate = sample_rate
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._warned = False

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
        """Log a sample of these records (each drawn on its own); report a failure only once."""
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
                record, prediction = records[index], predictions[index]
                entry: dict[str, Any] = {
                    "timestamp": stamp,
                    "model_version": model_version,
                    "inputs": dict(record),
                    "prediction": prediction,
                }
                if probabilities is not None:
                    entry["probabilities"] = dict(probabilities[index])
                lines.append(json.dumps(entry, ensure_ascii=False, default=str))
            assert self.directory is not None
            path = self.directory / f"predictions-{now:%Y-%m-%d}-{os.getpid()}.jsonl"
            with self._lock:
                self.directory.mkdir(parents=True, exist_ok=True)
                with path.open("a", encoding="utf-8") as stream:
                    stream.write("\n".join(lines) + "\n")
        except Exception as exc:  # a log must never take a prediction down with it
            if not self._warned:
                self._warned = True
                print(
                    f"mlgate: writing the prediction log failed ({exc}); requests are unaffected "
                    "and further failures are not reported",
                    file=sys.stderr,
                )
