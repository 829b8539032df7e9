"""The `sweep:` section of params.yaml: its validation (in config.py) and its combinations."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mlgate.config import MAX_SWEEP_EXPERIMENTS, parse_params
from mlgate.errors import ConfigError
from tests.support.sweep_examples import GRID, PARAMS, with_sweep


def test_committed_sweep_section_is_a_small_grid_on_model_params() -> None:
    sweep = parse_params(PARAMS).sweep
    assert sweep is not None
    assert len(sweep.combinations()) == 4
    assert all(key.startswith("model.params.") for key in sweep.grid)


def test_combinations_vary_the_first_key_slowest() -> None:
    sweep = parse_params(with_sweep()).sweep
    assert sweep is not None
    assert sweep.combinations() == [
        {"model.params.max_leaf_nodes": 15, "model.params.max_iter": 50},
        {"model.params.max_leaf_nodes": 15, "model.params.max_iter": 100},
        {"model.params.max_leaf_nodes": 31, "model.params.max_iter": 50},
        {"model.params.max_leaf_nodes": 31, "model.params.max_iter": 100},
    ]
    assert (sweep.jobs, sweep.metric) == (1, "auto")


def test_sweep_section_is_optional() -> None:
    raw = copy.deepcopy(PARAMS)
    del raw["sweep"]
    assert parse_params(raw).sweep is None


@pytest.mark.parametrize(
    ("sweep", "message"),
    [
        (
            {"grid": {"model.params.max_features": ["sqrt"]}},
            r"sweep\.grid\.model\.params\.max_features: not a key of params\.yaml",
        ),
        (
            {"grid": {"model.params.max_depth": []}},
            r"sweep\.grid\.model\.params\.max_depth: List should have at least 1 item",
        ),
        (
            {"grid": {"model.params.max_depth": list(range(9)), "data.seed": list(range(8))}},
            rf"sweep\.grid: 72 experiments \(9 × 8 values\); at most {MAX_SWEEP_EXPERIMENTS} per sweep",
        ),
        (
            {"grid": GRID, "metric": "auc"},
            r"sweep\.metric: Input should be 'accuracy', 'precision', 'recall', 'f1', "
            r"'roc_auc', 'log_loss', 'rmse', 'mae', 'r2', 'mape' or 'auto' \(got 'auc'\)",
        ),
        ({"grid": GRID, "jobs": 0}, r"sweep\.jobs: Input should be greater than or equal to 1"),
        ({"grid": {}}, r"sweep\.grid: Dictionary should have at least 1 item"),
        ({"jobs": 2}, r"sweep\.grid: required key is missing"),
        ({"grid": GRID, "metrics": "f1"}, r"sweep\.metrics: unknown key"),
        (
            {"grid": {"model params": [1]}},
            r"sweep\.grid\.model params: expected a dotted params\.yaml key",
        ),
        (
            {"grid": {"model.params": [{"max_depth": 2}]}},
            r"sweep\.grid\.model\.params: expected a number, string, true/false, null or a list",
        ),
        ({"grid": {"model.preprocessing": [1]}}, r"sweep\.grid\.model\.preprocessing: a section"),
        ({"grid": {"sweep.jobs": [1, 2]}}, r"sweep\.grid\.sweep\.jobs: the sweep cannot vary"),
        (
            {"grid": {"model.params.max_depth": [4, 4]}},
            r"sweep\.grid\.model\.params\.max_depth: 4 is listed twice",
        ),
        (
            {"grid": {"data.test_size": [0.2, float("nan")]}},
            r"sweep\.grid\.data\.test_size: a number must be finite",
        ),
        ({"grid": ["model.params.max_depth"]}, r"sweep\.grid: Input should be a valid dictionary"),
    ],
)
def test_malformed_sweep_section_names_the_field(sweep: dict[str, Any], message: str) -> None:
    raw = copy.deepcopy(PARAMS)
    raw["sweep"] = sweep
    with pytest.raises(ConfigError, match=message):
        parse_params(raw)
