"""The tests' small datasets and params.yaml files, built here (never downloaded)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

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
        "estimator": "sklearn.ensemble.HistGradientBoostingClassifier",
        # max_leaf_nodes and min_samples_leaf (boosting's defaults): params.yaml's sweep grid
        # varies them, so a project that merges these params into it keeps them
        "params": {
            "max_iter": 30,
            "max_depth": 5,
            "max_leaf_nodes": 31,
            "min_samples_leaf": 20,
            "random_state": 0,
        },
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


def make_binary_frame(rows: int = 300, seed: int = 0) -> pd.DataFrame:
    """A churn-like binary task: string labels, a target with a space and a question mark,
    categoricals, missing values, an id to drop and a constant column."""
    rng = np.random.default_rng(seed)
    tenure = rng.integers(1, 72, rows)
    charges = rng.normal(70, 20, rows)
    contract = rng.choice(["month-to-month", "one year", "two year"], rows)
    risk = -0.04 * tenure + 0.02 * charges + (contract == "month-to-month") * 1.5
    churned = risk + rng.normal(0, 0.7, rows) > np.median(risk)
    frame = pd.DataFrame(
        {
            "customer id": [f"C-{i:05d}" for i in range(rows)],
            "tenure (months)": tenure,
            "monthly charges, $": charges.round(2),
            "contract type": contract,
            "plan": "standard",  # constant
            "will churn?": np.where(churned, "churned", "stayed"),
        }
    )
    missing = rng.random((rows, 2)) < 0.08
    frame.loc[missing[:, 0], "monthly charges, $"] = np.nan
    frame.loc[missing[:, 1], "contract type"] = None
    return frame


def make_regression_frame(rows: int = 300, seed: int = 0) -> pd.DataFrame:
    """A regression nobody here has seen: a price with a space in its name, punctuation in the
    column names, categoricals, missing values, an id to drop and a constant column."""
    rng = np.random.default_rng(seed)
    area = rng.normal(120, 30, rows)
    rooms = rng.integers(1, 7, rows)
    district = rng.choice(["old town", "harbour", "hills"], rows)
    premium = np.select([district == "old town", district == "hills"], [40_000, 15_000], 0)
    price = 2_000 * area + 8_000 * rooms + premium + rng.normal(0, 15_000, rows)
    frame = pd.DataFrame(
        {
            "listing id": np.arange(rows),
            "area (m²)": area.round(1),
            "rooms#": rooms,
            "district/zone": district,
            "country": "nowhere",  # constant
            "sale price": price.round(2),
        }
    )
    missing = rng.random((rows, 2)) < 0.08
    frame.loc[missing[:, 0], "area (m²)"] = np.nan
    frame.loc[missing[:, 1], "district/zone"] = None
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
