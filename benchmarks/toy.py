"""A bare DVC pipeline with as many stages as the template's dvc.yaml, each a trivial copy.

The yardstick for the template's no-op `dvc repro`: what DVC itself costs for that many stages,
so the benchmark can report the template's overhead as a ratio rather than an absolute time.
"""

from __future__ import annotations

from pathlib import Path

import yaml


def stage_count(dvc_yaml: Path) -> int:
    return len(yaml.safe_load(dvc_yaml.read_text())["stages"])


def write_toy(folder: Path, stages: int) -> None:
    """dvc.yaml with `stages` chained stages (s1 copies input.txt, s2 copies s1's out, ...)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "input.txt").write_text("toy\n")
    copy = 'python -c "import shutil, sys; shutil.copy(sys.argv[1], sys.argv[2])"'
    spec: dict[str, dict[str, object]] = {}
    previous = "input.txt"
    for number in range(1, stages + 1):
        out = f"out{number}.txt"
        spec[f"s{number}"] = {"cmd": f"{copy} {previous} {out}", "deps": [previous], "outs": [out]}
        previous = out
    (folder / "dvc.yaml").write_text(yaml.safe_dump({"stages": spec}, sort_keys=False))
