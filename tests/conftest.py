"""Shared fixtures: small datasets built here (never downloaded) and isolated work folders."""

from __future__ import annotations

import os

# The suite runs the same locally and inside a GitHub job (ci.yml runs `make test`): GitHub's
# context would change what the code under test records (GITHUB_SHA in a bento) and how typer
# prints help (colour forced under GITHUB_ACTIONS). Tests that need a variable set it themselves.
# This runs before anything imports typer.
for _name in [n for n in os.environ if n.startswith(("GITHUB_", "RUNNER_"))]:
    del os.environ[_name]
for _name in ("FORCE_COLOR", "PY_COLORS"):
    os.environ.pop(_name, None)

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]

BASE_PARAMS: dict[str, Any] = {
    "data": {
        "source": "data/external/custom.csv",
        "target": "outcome",
        "drop": ["row_id"],
        "test_size": 0.25,
        "seed": 7,
        "validation": {"min_rows": 50, "max_null_fraction": 0.3},
    },
    "model": {
        "estimator": "sklearn.ensemble.RandomForestClassifier",
        "params": {"n_estimators": 30, "max_depth": 5, "random_state": 0, "n_jobs": 1},
        "importance_repeats": 2,
    },
}


def make_custom_frame(rows: int = 300, seed: int = 0) -> pd.DataFrame:
    """A second dataset unlike breast cancer: categoricals, missing values, 3 string labels."""
    rng = np.random.default_rng(seed)
    size = rng.normal(10, 3, rows)
    weight = rng.normal(50, 10, rows)
    colour = rng.choice(["red", "green", "blue"], rows)
    region = rng.choice(["north", "south"], rows)
    score = size + (colour == "red") * 4 - (colour == "blue") * 4 + rng.normal(0, 1, rows)
    outcome = np.where(score > 12, "high", np.where(score > 8, "mid", "low"))
    frame = pd.DataFrame(
        {
            "row_id": np.arange(rows),
            "size": size.round(3),
            "weight": weight.round(3),
            "colour": colour,
            "region": region,
            "outcome": outcome,
        }
    )
    missing = rng.random((rows, 3)) < 0.1
    frame.loc[missing[:, 0], "size"] = np.nan
    frame.loc[missing[:, 1], "colour"] = None
    frame.loc[missing[:, 2], "weight"] = np.nan
    return frame


def params_with(**sections: dict[str, Any]) -> dict[str, Any]:
    """BASE_PARAMS with some keys of its sections replaced."""
    params = copy.deepcopy(BASE_PARAMS)
    for section, values in sections.items():
        params.setdefault(section, {}).update(values)
    return params


def write_params(folder: Path, params: dict[str, Any]) -> Path:
    path = folder / "params.yaml"
    path.write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def custom_frame() -> pd.DataFrame:
    return make_custom_frame()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder, made the current directory, holding the custom CSV."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data" / "external").mkdir(parents=True)
    make_custom_frame().to_csv(tmp_path / "data" / "external" / "custom.csv", index=False)
    write_params(tmp_path, BASE_PARAMS)
    return tmp_path
