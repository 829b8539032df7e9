"""Benchmark the pipeline on synthetic data from 10k to 10M rows: per-stage wall time and peak
RSS, how they grow with the number of rows, and the targets of issue 21 judged from them.

The data follows the dataset's validated schema (reports/data_validation.json of a copy of the
project run on the default data): real rows resampled with replacement, so the class balance and
the relation between features and target survive, and Gaussian noise of 5% of each numeric
column's standard deviation added, so rows are not duplicates. It is generated in chunks of
`CHUNK_ROWS` and written chunk by chunk with pyarrow, so 10M rows never sit in this process at
once, as Parquet under data/external/ of a temporary git copy of the project; params.yaml's
data.source points at it, and each stage runs as `dvc repro` would run it (`mlgate <stage>`, in
dvc.yaml's order) in a subprocess of its own, so its peak RSS is that process's alone. After
train, `dvc commit` records the new model in the copy's dvc.lock (untimed), as `dvc repro`
would, so the later stages load it.

The model is params.yaml's default. At the sizes of --old-default-at, the pipeline also runs
once with the old default (OLD_DEFAULT: a 100-tree random forest) set in the copy's params.yaml,
so both stand side by side from one run on one machine. At every size, the drift check is also
run in this process on the test split with every numeric feature moved by half its standard
deviation: a real shift must be flagged at every size, and the stage's own verdict (test split
against training split, no shift) must be no drift.

Medians over --repeats runs per size (--large-repeats from 10M rows on); the JSON states how many
runs each size got. Writes JSON, a markdown table and a log-log PNG chart.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from drift_sampling import DEFAULT_SIZES, sampling_report, write_report
from pipeline import ENV, copy_project

# Targets of issue 21 (2 cores): end to end at 1M rows and at 10M rows, peak RSS at both, the
# drift stage at 1M, and time at most proportional to rows from 100k up (10x rows: <= 10x time).
TARGETS: dict[str, float] = {
    "total_s_1m": 90.0,
    "peak_rss_mb_1m": 3 * 1024.0,
    "total_s_10m": 15 * 60.0,
    "peak_rss_mb_10m": 12 * 1024.0,
    "drift_s_1m": 15.0,
    "time_ratio_per_10x_from_100k": 10.0,
}
OLD_DEFAULT = {
    "estimator": "sklearn.ensemble.RandomForestClassifier",
    "params": {
        "n_estimators": 100,
        "max_depth": 8,
        "min_samples_leaf": 2,
        "random_state": 42,
        "n_jobs": 1,
    },
}
CHUNK_ROWS = 1_000_000
SHIFT_STD = 0.5
LARGE = 10_000_000

WRAPPER = (
    "import resource, subprocess, sys, json;"
    "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE);"
    "print(json.dumps([p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
    " p.stderr.decode(errors='replace')[-2000:]]))"
)


def stages(project: Path) -> list[tuple[str, str]]:
    spec = yaml.safe_load((project / "dvc.yaml").read_text())["stages"]
    return [(name, stage["cmd"]) for name, stage in spec.items()]


def run_stage(project: Path, command: str) -> tuple[float, float]:
    """Wall seconds and peak RSS in MB of one stage command (a fresh process)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, *command.split()],
        cwd=project,
        env=ENV,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    returncode, peak_kb, stderr = json.loads(done.stdout.strip().splitlines()[-1])
    if returncode != 0:
        raise SystemExit(f"`{command}` failed ({returncode}):\n{stderr}")
    return seconds, peak_kb / 1024


def record_model(project: Path) -> None:
    """The new model into the copy's dvc.lock, as `dvc repro` records it (untimed)."""
    subprocess.run(
        ["dvc", "commit", "--force", "--quiet", "train"],
        cwd=project,
        env=ENV,
        capture_output=True,
        check=True,
    )


def synthetic(real: pd.DataFrame, numeric: list[str], rows: int, seed: int) -> pd.DataFrame:
    """`rows` rows resampled from `real`, numeric columns jittered by 5% of their std."""
    rng = np.random.default_rng(seed)
    picked = real.iloc[rng.integers(0, len(real), rows)].reset_index(drop=True)
    for name in numeric:
        spread = float(real[name].std()) or 1.0
        noisy = picked[name].to_numpy(dtype="float64") + rng.normal(0.0, 0.05 * spread, rows)
        picked[name] = noisy.astype(real[name].dtype, copy=False)
    return picked


def write_synthetic(real: pd.DataFrame, numeric: list[str], rows: int, path: Path) -> None:
    """`rows` synthetic rows as one Parquet file, generated and written a chunk at a time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer = None
    try:
        for index, start in enumerate(range(0, rows, CHUNK_ROWS)):
            chunk = synthetic(real, numeric, min(CHUNK_ROWS, rows - start), seed=rows + index)
            table = pa.Table.from_pandas(chunk, preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema, compression="snappy")
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()


def set_params(project: Path, source: str, model: dict[str, Any] | None) -> None:
    """Point data.source at the synthetic file; with `model`, set model.estimator and params."""
    params = project / "params.yaml"
    text, count = re.subn(r"(?m)^  source: .*$", f"  source: {source}", params.read_text())
    if count != 1:
        raise SystemExit("params.yaml: expected one `  source:` line under data:")
    if model is not None:
        body = yaml.safe_load(text)
        body["model"].update(model)
        # The sweep's grid names the default's params, which another estimator may not have;
        # no stage reads the sweep.
        body.pop("sweep", None)
        text = yaml.safe_dump(body, sort_keys=False)
    params.write_text(text)


def median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def shift_verdicts(project: Path) -> dict[str, bool]:
    """The drift check's verdicts on the test split as it is and moved by SHIFT_STD."""
    from mlgate.config.loading import load_params
    from mlgate.monitor.drift_check import check_drift
    from mlgate.stages.schema_input import validated_schema

    config = load_params(project / "params.yaml").drift
    schema = validated_schema(project / "reports" / "data_validation.json")
    features = [*schema.features]
    reference = pd.read_parquet(project / "data" / "processed" / "train.parquet", columns=features)
    current = pd.read_parquet(project / "data" / "processed" / "test.parquet", columns=features)
    moved = current.assign(
        **{n: current[n] + SHIFT_STD * float(reference[n].std()) for n in schema.numeric}
    )
    stage = json.loads((project / "reports" / "drift.json").read_text())
    return {
        "unshifted_drifted": bool(stage["drifted"]),
        f"shifted_{SHIFT_STD}_std_drifted": check_drift(reference, moved, schema, config).drifted,
    }


def measure(
    project: Path, order: list[tuple[str, str]], rows: int, runs: int, label: str
) -> dict[str, Any]:
    """`runs` end-to-end runs: every stage's time and peak RSS, medians and samples."""
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in order}
    totals: list[float] = []
    for _ in range(runs):
        total = 0.0
        for name, command in order:
            seconds, peak = run_stage(project, command)
            if name == "train":
                record_model(project)
            samples[name].append((seconds, peak))
            total += seconds
            print(f"{label:8s} {rows:>10} {name:11s} {seconds:8.2f} s {peak:7.0f} MB", flush=True)
        totals.append(total)
    metrics = json.loads((project / "reports" / "metrics.json").read_text())
    per_stage = {
        name: {
            "median_s": median([s for s, _ in got]),
            "samples_s": [round(s, 2) for s, _ in got],
            "peak_rss_mb_median": median([m for _, m in got]),
            "peak_rss_mb_max": round(max(m for _, m in got), 1),
        }
        for name, got in samples.items()
    }
    return {
        "rows": rows,
        "runs": len(totals),
        "stages": per_stage,
        "total_s": median(totals),
        "total_samples_s": [round(t, 2) for t in totals],
        "peak_rss_mb": max(s["peak_rss_mb_max"] for s in per_stage.values()),
        "accuracy": metrics["model"]["accuracy"],
        "test_rows": metrics["test_rows"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True, help="the JSON file")
    parser.add_argument("--sizes", default="10000,100000,1000000,10000000")
    parser.add_argument("--repeats", type=int, default=3, help="runs per size below 10M rows")
    parser.add_argument("--large-repeats", type=int, default=1, help="runs per size from 10M")
    parser.add_argument(
        "--drift-sampling-at",
        default="1000000",
        help="sizes (comma-separated, or empty) at which benchmarks/drift_sampling.py's "
        "comparison runs on the splits, into drift_sampling.json beside --out",
    )
    parser.add_argument(
        "--old-default-at",
        default="1000000",
        help="sizes (comma-separated, or empty) also run once with the old default estimator",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    old_at = {int(s) for s in args.old_default_at.split(",") if s}
    sampling_at = {int(s) for s in args.drift_sampling_at.split(",") if s}
    document: dict[str, Any] = {"sizes": {}, "old_default": {}, "drift_shift": {}}
    with tempfile.TemporaryDirectory(prefix="mlgate-scaling-") as scratch:
        project = Path(scratch) / "mlgate"
        copy_project(project)
        order = stages(project)
        default_params = (project / "params.yaml").read_text()
        for _name, command in order[:4]:  # environment, ingest, validate, split: default data
            run_stage(project, command)
        report = json.loads((project / "reports" / "data_validation.json").read_text())
        numeric = list(report["schema"]["numeric"])
        real = pd.read_parquet(project / "data" / "raw" / "data.parquet")
        source = project / "data" / "external" / "synthetic.parquet"
        source.parent.mkdir(parents=True, exist_ok=True)
        for rows in sizes:
            write_synthetic(real, numeric, rows, source)
            (project / "params.yaml").write_text(default_params)
            set_params(project, "data/external/synthetic.parquet", None)
            runs = args.large_repeats if rows >= LARGE else args.repeats
            document["sizes"][str(rows)] = measure(project, order, rows, runs, "default")
            document["drift_shift"][str(rows)] = shift_verdicts(project)
            write_all(args.out, document, sizes)
            if rows in sampling_at:
                sizes_ = [int(s) for s in DEFAULT_SIZES.split(",")]
                write_report(
                    sampling_report(project, sizes_, seeds=3, shift=SHIFT_STD),
                    args.out.with_name("drift_sampling.json"),
                )
            if rows in old_at:
                set_params(project, "data/external/synthetic.parquet", OLD_DEFAULT)
                document["old_default"][str(rows)] = measure(project, order, rows, 1, "old")
                write_all(args.out, document, sizes)
    write_all(args.out, document, sizes)


def growth(results: dict[str, dict[str, Any]], sizes: list[int]) -> dict[str, Any]:
    """time(n2)/time(n1) per stage and total between consecutive sizes, with log-log slopes."""
    out: dict[str, Any] = {}
    for small, large in itertools.pairwise(sizes):
        a, b = results.get(str(small)), results.get(str(large))
        if a is None or b is None:
            continue
        ratios = {}
        for name in [*a["stages"], "total"]:
            t1 = a["total_s"] if name == "total" else a["stages"][name]["median_s"]
            t2 = b["total_s"] if name == "total" else b["stages"][name]["median_s"]
            ratio = t2 / t1
            ratios[name] = {
                "time_ratio": round(ratio, 2),
                "slope": round(math.log(ratio) / math.log(large / small), 2),
            }
        out[f"{small}->{large}"] = ratios
    return out


def verdicts(document: dict[str, Any], sizes: list[int]) -> dict[str, Any]:
    """Each target met (true), missed (false) or not measured (null), from the measurements."""
    results: dict[str, dict[str, Any]] = document["sizes"]
    one, ten = results.get("1000000"), results.get("10000000")

    def at_most(value: float | None, limit: float) -> bool | None:
        return None if value is None else value <= limit

    steps = {
        step: ratios["total"]["time_ratio"]
        for step, ratios in growth(results, sizes).items()
        if int(step.split("->")[0]) >= 100_000
    }
    shifts = document["drift_shift"]
    return {
        "total_s_1m": at_most(one and one["total_s"], TARGETS["total_s_1m"]),
        "peak_rss_mb_1m": at_most(one and one["peak_rss_mb"], TARGETS["peak_rss_mb_1m"]),
        "total_s_10m": at_most(ten and ten["total_s"], TARGETS["total_s_10m"]),
        "peak_rss_mb_10m": at_most(ten and ten["peak_rss_mb"], TARGETS["peak_rss_mb_10m"]),
        "drift_s_1m": at_most(one and one["stages"]["drift"]["median_s"], TARGETS["drift_s_1m"]),
        "time_ratio_per_10x_from_100k": (
            all(r <= TARGETS["time_ratio_per_10x_from_100k"] for r in steps.values())
            if steps
            else None
        ),
        "shift_flagged_and_resample_not_at_every_size": (
            all(
                not v["unshifted_drifted"] and v[f"shifted_{SHIFT_STD}_std_drifted"]
                for v in shifts.values()
            )
            if shifts
            else None
        ),
    }


def write_all(out: Path, document: dict[str, Any], sizes: list[int]) -> None:
    full = {
        "description": "pipeline stages on synthetic data from the dataset's schema "
        "(resampled rows + 5% noise); medians of `runs` runs per size",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_write": [round(x, 2) for x in os.getloadavg()],
        },
        "old_default": OLD_DEFAULT,
        "targets": TARGETS,
        "met": verdicts(document, sizes),
        "growth": growth(document["sizes"], sizes),
        "results": document,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(full, indent=2) + "\n")
    out.with_suffix(".md").write_text(markdown(full))
    chart(full, out.with_suffix(".png"))
    print(f"written to {out}, {out.with_suffix('.md')}, {out.with_suffix('.png')}", flush=True)


def _table(lines: list[str], label: str, results: dict[str, dict[str, Any]]) -> None:
    for key, result in results.items():
        for name, stage in result["stages"].items():
            lines.append(
                f"| {label} | {int(key):,} | {result['runs']} | {name} | {stage['median_s']:.2f} "
                f"| {stage['peak_rss_mb_median']:.0f} |"
            )
        lines.append(
            f"| {label} | {int(key):,} | {result['runs']} | **total** "
            f"| **{result['total_s']:.2f}** | **{result['peak_rss_mb']:.0f}** (max) |"
        )


def markdown(full: dict[str, Any]) -> str:
    document = full["results"]
    lines = [
        "# Pipeline scaling (synthetic data from the dataset's schema)",
        "",
        "Written by `benchmarks/scaling.py` (`make bench`). Wall time per stage (a fresh "
        "`mlgate <stage>` process, interpreter start included) and its peak RSS; medians over "
        f"the runs stated. Load average when written: {full['machine']['load_average_at_write']}"
        f" on {full['machine']['cpus']} CPUs (a shared machine's figures are noisy).",
        "",
        f"Model: params.yaml's default; `old` is {full['old_default']['estimator']} "
        f"{full['old_default']['params']} (one run).",
        "",
        "| model | rows | runs | stage | time (s) | peak RSS (MB) |",
        "|---|---:|---:|---|---:|---:|",
    ]
    _table(lines, "default", document["sizes"])
    _table(lines, "old", document["old_default"])
    lines += ["", "Growth of the time between sizes (10x the rows; linear is 10x):", ""]
    growth_: dict[str, dict[str, dict[str, float]]] = full["growth"]
    if growth_:
        names = list(next(iter(growth_.values())))
        lines.append("| step | " + " | ".join(names) + " |")
        lines.append("|---|" + "---:|" * len(names))
        for step, ratios in growth_.items():
            cells = " | ".join(f"{ratios[n]['time_ratio']:.1f}x" for n in names)
            lines.append(f"| {step} | {cells} |")
    lines += ["", f"Drift verdicts (test split as it is; moved by {SHIFT_STD} std):", ""]
    for rows, shift in document["drift_shift"].items():
        lines.append(f"- {int(rows):,} rows: {shift}")
    lines += ["", "Targets (from the measurements above; null: not measured in this run):", ""]
    for name, ok in full["met"].items():
        state = "not measured" if ok is None else ("met" if ok else "MISSED")
        limit = TARGETS.get(name)
        lines.append(f"- {name}{'' if limit is None else f' (<= {limit:g})'}: {state}")
    return "\n".join(lines) + "\n"


def chart(full: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes: dict[str, dict[str, Any]] = full["results"]["sizes"]
    if not sizes:
        return
    rows = [int(k) for k in sizes]
    names = list(next(iter(sizes.values()))["stages"])
    figure, (left, right) = plt.subplots(1, 2, figsize=(12, 5))
    for name in [*names, "total"]:
        if name == "total":
            times = [r["total_s"] for r in sizes.values()]
            peaks = [r["peak_rss_mb"] for r in sizes.values()]
            style: dict[str, Any] = {"color": "black", "linewidth": 2.5}
        else:
            times = [r["stages"][name]["median_s"] for r in sizes.values()]
            peaks = [r["stages"][name]["peak_rss_mb_median"] for r in sizes.values()]
            style = {}
        left.plot(rows, times, marker="o", label=name, **style)
        right.plot(rows, peaks, marker="o", label=name, **style)
    for key, old in full["results"]["old_default"].items():
        left.scatter([int(key)], [old["total_s"]], marker="x", s=80, color="grey", zorder=5)
        right.scatter([int(key)], [old["peak_rss_mb"]], marker="x", s=80, color="grey", zorder=5)
    left.scatter([], [], marker="x", color="grey", label="total, old default")
    for n, seconds, megabytes in (
        (1_000_000, TARGETS["total_s_1m"], TARGETS["peak_rss_mb_1m"]),
        (LARGE, TARGETS["total_s_10m"], TARGETS["peak_rss_mb_10m"]),
    ):
        left.scatter([n], [seconds], marker="_", s=400, color="red", zorder=4)
        right.scatter([n], [megabytes], marker="_", s=400, color="red", zorder=4)
    left.scatter([], [], marker="_", s=200, color="red", label="target")
    # linear growth from 100k rows' total (or the first size's): the 10x-rows-10x-time line
    base = 100_000 if "100000" in sizes else rows[0]
    left.plot(
        [r for r in rows if r >= base],
        [sizes[str(base)]["total_s"] * r / base for r in rows if r >= base],
        color="red",
        linestyle=":",
        linewidth=1,
        label="linear",
    )
    for axes, title, unit in ((left, "Wall time", "seconds"), (right, "Peak RSS", "MB")):
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.set_xlabel("rows")
        axes.set_ylabel(unit)
        axes.set_title(f"{title} per stage (median)")
        axes.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


if __name__ == "__main__":
    main()
