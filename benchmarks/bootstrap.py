"""Benchmark the review's bootstrap intervals as the test split grows: the four gated
classification scores' PR−base intervals (1000 paired resamples, as review.bootstrap's default)
on synthetic per-row predictions of 114 rows (the bundled data), 10k and 100k rows. Reports the
median wall time of 3 runs per size and the peak RSS of this process. Writes JSON to --out.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import time
from pathlib import Path

import numpy as np

from mlgate.config import BootstrapConfig
from mlgate.model.predictions import RowPredictions
from mlgate.review.bootstrap import delta_interval

SIZES = (114, 10_000, 100_000)
METRICS = ("accuracy", "f1", "roc_auc", "log_loss")
RUNS = 3


def predictions(rows: int, seed: int, right: float) -> RowPredictions:
    """A binary classifier right on about `right` of the rows, with probabilities."""
    rng = np.random.default_rng(seed)
    target = rng.integers(0, 2, rows)
    predicted = np.where(rng.random(rows) < right, target, 1 - target)
    sure = rng.uniform(0.55, 0.99, rows)
    positive = np.where(predicted == 1, sure, 1 - sure)
    proba = np.column_stack([1 - positive, positive])
    ids = np.arange(rows, dtype=np.int64)
    return RowPredictions("classification", ids, target, predicted, (0, 1), 1, proba)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    config = BootstrapConfig(resamples=1000, level=0.95, seed=0)
    results = []
    for rows in SIZES:
        base, head = predictions(rows, 1, 0.93), predictions(rows, 1, 0.91)
        head = RowPredictions(
            "classification", base.row_ids, base.target, head.predicted, (0, 1), 1, head.proba
        )
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            for metric in METRICS:
                delta_interval(metric, base, head, config, paired=True)
            times.append(time.perf_counter() - started)
        median = statistics.median(times)
        results.append({"rows": rows, "median_s": round(median, 3), "runs_s": times})
        print(f"{rows:>7} rows: {median:.3f} s for {len(METRICS)} intervals (median of {RUNS})")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = {
        "benchmark": "bootstrap intervals (1000 paired resamples, 4 scores)",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "results": results,
        "peak_rss_mb": round(peak_mb, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
