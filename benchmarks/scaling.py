"""Benchmark the pipeline on synthetic data at 10k, 100k and 1M rows: per-stage wall time and
peak RSS, and how they grow with the number of rows.

The data follows the dataset's validated schema (reports/data_validation.json of a copy of the
project run on the default data): real rows resampled with replacement, so the class balance and
the relation between features and target survive, and Gaussian noise of 5% of each numeric
column's standard deviation added, so rows are not duplicates. It is written as Parquet under
data/external/ of a temporary git copy of the project, params.yaml's data.source points at it,
and each stage runs as `dvc repro` would run it (`mlgate <stage>`, in dvc.yaml's order) in a
subprocess of its own, so its peak RSS is that process's alone. Medians over --repeats runs per
size; the JSON states how many runs each size got. Writes JSON, a markdown table and a PNG chart.
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

import numpy as np
import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pipeline import ENV, copy_project

# Targets from the issue: 1M rows end to end in 5 min and 4 GB; cost about linear in rows
# (10x the rows: at most 15x the time, i.e. a log-log slope of at most ~1.18).
TARGET_TOTAL_S_1M = 300.0
TARGET_PEAK_MB_1M = 4096.0
TARGET_GROWTH_PER_10X = 15.0

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


def synthetic(real: pd.DataFrame, numeric: list[str], rows: int, seed: int) -> pd.DataFrame:
    """`rows` rows resampled from `real`, numeric columns jittered by 5% of their std."""
    rng = np.random.default_rng(seed)
    picked = real.iloc[rng.integers(0, len(real), rows)].reset_index(drop=True)
    for name in numeric:
        spread = float(real[name].std()) or 1.0
        noisy = picked[name].to_numpy(dtype="float64") + rng.normal(0.0, 0.05 * spread, rows)
        picked[name] = noisy.astype(real[name].dtype, copy=False)
    return picked


def point_source_at(project: Path, source: str) -> None:
    params = project / "params.yaml"
    text, count = re.subn(r"(?m)^  source: .*$", f"  source: {source}", params.read_text())
    if count != 1:
        raise SystemExit("params.yaml: expected one `  source:` line under data:")
    params.write_text(text)


def median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def growth(results: dict[str, dict[str, object]], sizes: list[int]) -> dict[str, object]:
    """time(n2)/time(n1) per stage and total between consecutive sizes, with log-log slopes."""
    out: dict[str, object] = {}
    for small, large in itertools.pairwise(sizes):
        a, b = results.get(str(small)), results.get(str(large))
        if a is None or b is None:
            continue
        names = [*a["stages"], "total"]  # type: ignore[list-item]
        ratios = {}
        for name in names:
            t1 = a["total_s"] if name == "total" else a["stages"][name]["median_s"]  # type: ignore[index]
            t2 = b["total_s"] if name == "total" else b["stages"][name]["median_s"]  # type: ignore[index]
            ratio = t2 / t1
            ratios[name] = {
                "time_ratio": round(ratio, 2),
                "slope": round(math.log(ratio) / math.log(large / small), 2),
            }
        out[f"{small}->{large}"] = ratios
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True, help="the JSON file")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--budget-s",
        type=float,
        default=None,
        help="stop repeating a size once another run would overrun this many seconds in all",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    began = time.perf_counter()
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="mlgate-scaling-") as scratch:
        project = Path(scratch) / "mlgate"
        copy_project(project)
        order = stages(project)
        for _name, command in order[:3]:  # ingest, validate, split on the default data
            run_stage(project, command)
        report = json.loads((project / "reports" / "data_validation.json").read_text())
        numeric = list(report["schema"]["numeric"])
        real = pd.read_parquet(project / "data" / "raw" / "data.parquet")
        source = project / "data" / "external" / "synthetic.parquet"
        source.parent.mkdir(parents=True, exist_ok=True)
        point_source_at(project, "data/external/synthetic.parquet")
        for rows in sizes:
            synthetic(real, numeric, rows, seed=rows).to_parquet(source, index=False)
            samples: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in order}
            totals: list[float] = []
            for _ in range(args.repeats):
                elapsed = time.perf_counter() - began
                if totals and args.budget_s and elapsed + max(totals) > args.budget_s:
                    break
                total = 0.0
                for name, command in order:
                    seconds, peak = run_stage(project, command)
                    samples[name].append((seconds, peak))
                    total += seconds
                    print(f"{rows:>9} {name:9s} {seconds:7.2f} s {peak:7.0f} MB", flush=True)
                totals.append(total)
            metrics = json.loads((project / "reports" / "metrics.json").read_text())
            per_stage = {
                name: {
                    "median_s": median([s for s, _ in runs]),
                    "samples_s": [round(s, 2) for s, _ in runs],
                    "peak_rss_mb_median": median([m for _, m in runs]),
                    "peak_rss_mb_max": round(max(m for _, m in runs), 1),
                }
                for name, runs in samples.items()
            }
            results[str(rows)] = {
                "rows": rows,
                "runs": len(totals),
                "stages": per_stage,
                "total_s": median(totals),
                "total_samples_s": [round(t, 2) for t in totals],
                "peak_rss_mb": max(s["peak_rss_mb_max"] for s in per_stage.values()),  # type: ignore[type-var]
                "accuracy": metrics["model"]["accuracy"],
                "test_rows": metrics["test_rows"],
            }
            write_all(args.out, results, sizes)
    write_all(args.out, results, sizes)


def verdicts(results: dict[str, dict[str, object]], sizes: list[int]) -> dict[str, object]:
    largest = results.get("1000000")
    checks: dict[str, object] = {}
    if largest is not None:
        checks["total_s_1m_at_most_300"] = largest["total_s"] <= TARGET_TOTAL_S_1M  # type: ignore[operator]
        checks["peak_rss_1m_at_most_4096_mb"] = largest["peak_rss_mb"] <= TARGET_PEAK_MB_1M  # type: ignore[operator]
    steps = growth(results, sizes)
    if steps:
        last = list(steps.values())[-1]
        checks["total_growth_per_10x_at_most_15"] = last["total"]["time_ratio"] <= 15  # type: ignore[index]
    return checks


def write_all(out: Path, results: dict[str, dict[str, object]], sizes: list[int]) -> None:
    document = {
        "description": "pipeline stages on synthetic data from the dataset's schema "
        "(resampled rows + 5% noise); medians of `runs` runs per size",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "targets": {
            "total_s_at_1m": TARGET_TOTAL_S_1M,
            "peak_rss_mb_at_1m": TARGET_PEAK_MB_1M,
            "time_ratio_per_10x_rows": TARGET_GROWTH_PER_10X,
        },
        "met": verdicts(results, sizes),
        "sizes": results,
        "growth": growth(results, sizes),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=2) + "\n")
    out.with_suffix(".md").write_text(markdown(document))
    chart(document, out.with_suffix(".png"))
    print(f"written to {out}, {out.with_suffix('.md')}, {out.with_suffix('.png')}", flush=True)


def markdown(document: dict[str, object]) -> str:
    sizes: dict[str, dict[str, object]] = document["sizes"]  # type: ignore[assignment]
    lines = [
        "# Pipeline scaling (synthetic data from the dataset's schema)",
        "",
        "Written by `benchmarks/scaling.py` (`make bench`). Wall time per stage (a fresh "
        "`mlgate <stage>` process, interpreter start included) and its peak RSS; medians over "
        "the runs stated.",
        "",
        "| rows | runs | stage | time (s) | peak RSS (MB) |",
        "|---:|---:|---|---:|---:|",
    ]
    for key, result in sizes.items():
        for name, stage in result["stages"].items():  # type: ignore[attr-defined]
            lines.append(
                f"| {int(key):,} | {result['runs']} | {name} | {stage['median_s']:.2f} "
                f"| {stage['peak_rss_mb_median']:.0f} |"
            )
        lines.append(
            f"| {int(key):,} | {result['runs']} | **total** | **{result['total_s']:.2f}** "
            f"| **{result['peak_rss_mb']:.0f}** (max) |"
        )
    lines += ["", "Growth of the time between sizes (10x the rows; linear is 10x):", ""]
    growth_: dict[str, dict[str, dict[str, float]]] = document["growth"]  # type: ignore[assignment]
    if growth_:
        names = list(next(iter(growth_.values())))
        lines.append("| step | " + " | ".join(names) + " |")
        lines.append("|---|" + "---:|" * len(names))
        for step, ratios in growth_.items():
            cells = " | ".join(f"{ratios[n]['time_ratio']:.1f}x" for n in names)
            lines.append(f"| {step} | {cells} |")
    lines += ["", "Targets:", ""]
    met: dict[str, bool] = document["met"]  # type: ignore[assignment]
    for name, ok in met.items():
        lines.append(f"- {name}: {'met' if ok else 'MISSED'}")
    return "\n".join(lines) + "\n"


def chart(document: dict[str, object], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes: dict[str, dict[str, object]] = document["sizes"]  # type: ignore[assignment]
    if not sizes:
        return
    rows = [int(k) for k in sizes]
    names = list(next(iter(sizes.values()))["stages"])  # type: ignore[call-overload]
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    for name in [*names, "total"]:
        if name == "total":
            times = [r["total_s"] for r in sizes.values()]
            peaks = [r["peak_rss_mb"] for r in sizes.values()]
            style = {"color": "black", "linewidth": 2.5}
        else:
            times = [r["stages"][name]["median_s"] for r in sizes.values()]  # type: ignore[index]
            peaks = [r["stages"][name]["peak_rss_mb_median"] for r in sizes.values()]  # type: ignore[index]
            style = {}
        left.plot(rows, times, marker="o", label=name, **style)
        right.plot(rows, peaks, marker="o", label=name, **style)
    left.axhline(TARGET_TOTAL_S_1M, color="red", linestyle="--", linewidth=1, label="5 min target")
    right.axhline(TARGET_PEAK_MB_1M, color="red", linestyle="--", linewidth=1, label="4 GB target")
    for axes, title, unit in ((left, "Wall time", "seconds"), (right, "Peak RSS", "MB")):
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.set_xlabel("rows")
        axes.set_ylabel(unit)
        axes.set_title(f"{title} per stage (median)")
        axes.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


if __name__ == "__main__":
    main()
