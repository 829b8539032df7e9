"""Benchmark `mlgate sweep`: the wall time of a 2×2 grid with the run-cache cold and warm.

In a temporary git copy of the project (after one `dvc repro`), for 1 and 2 jobs, alternately:
- cold: `.dvc/cache/runs` emptied, so every experiment trains, evaluates and checks drift;
- warm: the same sweep again, so DVC restores every stage from the run-cache.
Each sample is one `mlgate sweep` (queue 4 experiments, run the queue, read and rank them). For
scale, the stages one experiment runs (train, evaluate, drift) are timed with `dvc repro --force`.
Writes medians and every sample to the JSON file given by --out.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pipeline import ENV, copy_project, run, summary

GRID = {"model.params.max_leaf_nodes": [15, 31], "model.params.min_samples_leaf": [10, 20]}


def set_sweep(project: Path, jobs: int) -> None:
    import yaml

    params = yaml.safe_load((project / "params.yaml").read_text())
    params["sweep"] = {"grid": GRID, "jobs": jobs, "metric": "roc_auc"}
    (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    run(project, "git", "commit", "-qam", f"sweep, {jobs} jobs")


def timed_sweep(project: Path) -> tuple[float, int]:
    """Seconds of one `mlgate sweep`, and how many stages actually ran."""
    started = time.perf_counter()
    done = subprocess.run(
        ["mlgate", "sweep", "--json"], cwd=project, env=ENV, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"mlgate sweep failed:\n{done.stdout}\n{done.stderr}")
    body = json.loads(done.stdout)
    assert len(body["ranked"]) == 4, body
    ran = sum(line.startswith("Running stage") for line in done.stderr.splitlines())
    return seconds, ran


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()

    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="mlgate-bench-sweep-") as scratch:
        project = Path(scratch) / "mlgate"
        copy_project(project)
        run(project, "dvc", "repro")
        # What one experiment's stages cost outside the queue (the same result is rewritten)
        stages = [
            run(
                project,
                "dvc",
                "repro",
                "--force",
                "--single-item",
                "train",
                "evaluate",
                "card",
                "drift",
            )
            for _ in range(args.repeats)
        ]
        for jobs in args.jobs:
            set_sweep(project, jobs)
            cold, warm, ran_cold, ran_warm = [], [], [], []
            for _ in range(args.repeats):
                shutil.rmtree(project / ".dvc" / "cache" / "runs", ignore_errors=True)
                seconds, ran = timed_sweep(project)
                cold.append(seconds)
                ran_cold.append(ran)
                seconds, ran = timed_sweep(project)
                warm.append(seconds)
                ran_warm.append(ran)
            results[f"jobs_{jobs}"] = {
                "cold_run_cache": summary(cold) | {"stages_run": ran_cold},
                "warm_run_cache": summary(warm) | {"stages_run": ran_warm},
                "warm_over_cold": round(statistics.median(warm) / statistics.median(cold), 2),
            }

    result = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "grid": GRID,
        "train_evaluate_drift_dvc_repro_force": summary(stages),
        **results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    for jobs in args.jobs:
        entry = result[f"jobs_{jobs}"]
        print(
            f"2x2 sweep, {jobs} job(s): cold {entry['cold_run_cache']['median_s']:.1f} s, "  # type: ignore[index]
            f"warm {entry['warm_run_cache']['median_s']:.1f} s"  # type: ignore[index]
        )
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
