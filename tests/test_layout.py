"""layout.py names each pipeline file once, and dvc.yaml declares exactly those files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from mlgate.layout import DRIFT_HTML, PIPELINE_OUTPUTS

REPO_ROOT = Path(__file__).resolve().parents[1]
PIPELINE: dict[str, Any] = yaml.safe_load((REPO_ROOT / "dvc.yaml").read_text())["stages"]


def _paths(entries: list[Any]) -> set[str]:
    return {next(iter(entry)) if isinstance(entry, dict) else entry for entry in entries}


def test_dvc_yaml_declares_exactly_the_layout_outputs() -> None:
    declared = {
        stage: _paths(spec.get("outs", []) + spec.get("metrics", []) + spec.get("plots", []))
        for stage, spec in PIPELINE.items()
    }
    expected = {
        stage: {path.as_posix() for path in paths} for stage, paths in PIPELINE_OUTPUTS.items()
    }
    assert declared == expected


def test_the_html_drift_report_is_not_an_output() -> None:
    """It embeds run ids, so as a DVC output its hash would change on every run."""
    outputs = {path for paths in PIPELINE_OUTPUTS.values() for path in paths}
    assert DRIFT_HTML not in outputs
