"""Benchmark the pipeline as a forker meets it: full and no-op `dvc repro`, `mlgate --help`, and
the pull-request review (`mlgate report` + `mlgate gate`).

Runs in a temporary git copy of the project so the working tree is never touched.
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

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ENV = {
    **os.environ,
    "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
    "DVC_NO_ANALYTICS": "1",
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@mlgate.invalid",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@mlgate.invalid",
}


def run(folder: Path, *command: str) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=folder, env=ENV, check=True, capture_output=True)
    return time.perf_counter() - started


def copy_project(target: Path) -> None:
    """A new git repository at `target` holding the project's files (committed or not ignored)."""
    listing = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in filter(None, listing.split("\0")):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    run(target, "git", "init", "-q", "-b", "main")
    run(target, "git", "add", "-A")
    run(target, "git", "commit", "-q", "-m", "bench")


def review_samples(project: Path, repeats: int) -> list[float]:
    """`mlgate report` + `mlgate gate` on a branch that changes one hyperparameter."""
    params = project / "params.yaml"
    run(project, "git", "checkout", "-q", "-b", "bench-review")
    params.write_text(params.read_text().replace("max_depth: 8", "max_depth: 3"))
    run(project, "dvc", "repro")
    samples = []
    for _ in range(repeats):
        report = run(project, "mlgate", "report", "--base", "main")
        gate = run(project, "mlgate", "gate", "--base", "main")
        samples.append(report + gate)
    return samples


def summary(samples: list[float]) -> dict[str, object]:
    return {
        "median_s": round(statistics.median(samples), 3),
        "samples_s": [round(s, 3) for s in samples],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="mlgate-bench-") as scratch:
        project = Path(scratch) / "mlgate"
        copy_project(project)
        run(project, "dvc", "repro")  # warm-up: .pyc files, DVC's state database
        full = [run(project, "dvc", "repro", "--force") for _ in range(args.repeats)]
        noop = [run(project, "dvc", "repro") for _ in range(args.repeats + 2)]
        help_ = [run(project, "mlgate", "--help") for _ in range(10)]
        review = review_samples(project, args.repeats)

    result = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "full_pipeline_dvc_repro_force": summary(full),
        "noop_dvc_repro": summary(noop),
        "mlgate_help": summary(help_),
        "review_report_plus_gate": summary(review),
        "targets": {"full_pipeline_s": 30.0, "review_report_plus_gate_s": 10.0},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    for name in (
        "full_pipeline_dvc_repro_force",
        "noop_dvc_repro",
        "mlgate_help",
        "review_report_plus_gate",
    ):
        print(f"{name:32s} median {result[name]['median_s']:.3f} s")  # type: ignore[index]
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
