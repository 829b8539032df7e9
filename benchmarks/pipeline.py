"""Benchmark the pipeline as a forker meets it: full and no-op `dvc repro`, `mlgate --help`, and
the pull-request review (`mlgate report` + `mlgate gate`). The no-op `dvc repro` is also timed
against a bare DVC toy pipeline with the same number of stages (benchmarks/toy.py), alternating
the two, and reported as a ratio.

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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from toy import stage_count, write_toy

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
    params.write_text(params.read_text().replace("max_iter: 100", "max_iter: 30"))
    run(project, "dvc", "repro")
    samples = []
    for _ in range(repeats):
        report = run(project, "mlgate", "report", "--base", "main")
        gate = run(project, "mlgate", "gate", "--base", "main")
        samples.append(report + gate)
    return samples


def toy_repo(folder: Path, stages: int) -> None:
    """A git + DVC repository holding the toy pipeline, reproduced once."""
    write_toy(folder, stages)
    run(folder, "git", "init", "-q", "-b", "main")
    run(folder, "dvc", "init", "-q")
    run(folder, "dvc", "repro")
    run(folder, "git", "add", "-A")
    run(folder, "git", "commit", "-q", "-m", "toy")


def noop_against_toy(project: Path, toy: Path, repeats: int) -> tuple[list[float], list[float]]:
    """No-op `dvc repro` in the project and in the toy, alternating (same machine state)."""
    run(toy, "dvc", "repro")  # warm-up
    template, bare = [], []
    for _ in range(repeats):
        template.append(run(project, "dvc", "repro"))
        bare.append(run(toy, "dvc", "repro"))
    return template, bare


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
        stages = stage_count(project / "dvc.yaml")
        toy_repo(Path(scratch) / "toy", stages)
        noop_template, noop_toy = noop_against_toy(
            project, Path(scratch) / "toy", max(args.repeats, 5)
        )
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
        "noop_vs_dvc_toy": {
            "stages": stages,
            "template": summary(noop_template),
            "dvc_toy": summary(noop_toy),
            "ratio": round(statistics.median(noop_template) / statistics.median(noop_toy), 2),
            "ratio_at_most_1_3": statistics.median(noop_template)
            <= 1.3 * statistics.median(noop_toy),
        },
        "mlgate_help": summary(help_),
        "review_report_plus_gate": summary(review),
        "targets": {
            "full_pipeline_s": 30.0,
            "full_pipeline_met": statistics.median(full) <= 30.0,
            "noop_vs_dvc_toy_ratio": 1.3,
            "review_report_plus_gate_s": 10.0,
        },
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
    toy = result["noop_vs_dvc_toy"]
    print(f"no-op repro vs DVC toy ({stages} stages): ratio {toy['ratio']}")  # type: ignore[index]
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
