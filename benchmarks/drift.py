"""Benchmark `mlgate monitor` at scale: 1M current rows against a 100k reference.

Both are synthetic, drawn from the training split with noise (same columns and types). The
current batch is written as Parquet, CSV and the serving prediction log (JSON lines with the
request under "inputs"); the monitor runs as a user would run it, in a subprocess. Reports, per
format, the median wall time and the peak RSS of at least 3 runs. Writes JSON to --out.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def synthetic(train: pd.DataFrame, rows: int, seed: int, shift: float) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    picked = train.iloc[rng.integers(0, len(train), rows)].reset_index(drop=True)
    for name in picked.columns:
        if pd.api.types.is_float_dtype(picked[name]):
            spread = float(train[name].std()) or 1.0
            picked[name] = picked[name] + rng.normal(shift * spread, 0.05 * spread, rows)
    return picked


def run_once(current: Path, reference: Path, out: Path) -> tuple[float, float]:
    """Wall seconds and this child's peak RSS in MB (fresh interpreter per run)."""
    code = (
        "import resource, subprocess, sys, json;"
        "p = subprocess.run(sys.argv[1:]);"
        "print(json.dumps([p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))"
    )
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "mlgate",
            "monitor",
            "--current",
            str(current),
            "--reference",
            str(reference),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    returncode, peak_kb = json.loads(done.stdout.strip().splitlines()[-1])
    if returncode not in (0, 1):
        raise SystemExit(f"mlgate monitor failed ({returncode}): {done.stderr}")
    return seconds, peak_kb / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--reference-rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--formats", default="parquet,csv,jsonl")
    args = parser.parse_args()
    train_path = ROOT / "data" / "processed" / "train.parquet"
    if not train_path.is_file():
        raise SystemExit("no pipeline outputs: run `make run` first")
    train = pd.read_parquet(train_path)
    results = {}
    with tempfile.TemporaryDirectory(prefix="mlgate-drift-bench-") as scratch:
        reference = Path(scratch, "reference.parquet")
        synthetic(train, args.reference_rows, 1, 0.0).to_parquet(reference, index=False)
        batch = synthetic(train, args.rows, 2, 0.3)
        for kind in args.formats.split(","):
            current = write_batch(batch, Path(scratch), kind)
            samples = [
                run_once(current, reference, Path(scratch, "drift.json"))
                for _ in range(args.repeats)
            ]
            summary = json.loads(Path(scratch, "drift.json").read_text())
            current.unlink()
            seconds = [s for s, _ in samples]
            peaks = [m for _, m in samples]
            results[kind] = {
                "median_s": round(statistics.median(seconds), 2),
                "samples_s": [round(s, 2) for s in seconds],
                "peak_rss_mb_max": round(max(peaks), 1),
                "drifted_columns": len(summary["drifted_columns"]),
                "rows_compared": summary["rows"],
                "targets": {
                    "seconds_at_most_60": statistics.median(seconds) <= 60,
                    "rss_at_most_2048_mb": max(peaks) <= 2048,
                },
            }
            print(kind, json.dumps(results[kind]), flush=True)
    result = {
        "current_rows": args.rows,
        "reference_rows": args.reference_rows,
        "formats": results,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


def write_batch(batch: pd.DataFrame, folder: Path, kind: str) -> Path:
    """The batch as a file of that kind; jsonl is the serving prediction log's layout."""
    path = folder / f"current.{kind}"
    if kind == "parquet":
        batch.to_parquet(path, index=False)
    elif kind == "csv":
        batch.to_csv(path, index=False)
    elif kind == "jsonl":
        records = batch.to_json(orient="records", lines=True).splitlines()
        with path.open("w", encoding="utf-8") as stream:
            for record in records:
                stream.write(f'{{"inputs": {record}, "prediction": 0}}\n')
    else:
        raise SystemExit(f"--formats: unknown format {kind!r} (parquet, csv, jsonl)")
    return path


if __name__ == "__main__":
    main()
