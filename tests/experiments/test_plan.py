"""The plan: one checked experiment per combination, and `-S` values DVC reads back as written."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mlgate.config import parse_params
from mlgate.errors import ConfigError
from mlgate.experiments.plan import hydra_value, plan_sweep, stage_params
from tests.support.sweep_examples import PARAMS, PIPELINE, with_sweep


def test_no_stage_depends_on_the_sweep_section() -> None:
    assert not [key for key in stage_params(PIPELINE) if key.split(".")[0] == "sweep"]


def _plan(raw: dict[str, Any], **kwargs: Any) -> Any:
    sweep = parse_params(raw).sweep
    assert sweep is not None
    return plan_sweep(raw, sweep, stage_params(PIPELINE), prefix="sweep-test", **kwargs)


def test_plan_queues_one_experiment_per_combination() -> None:
    plan = _plan(with_sweep(jobs=3, metric="log_loss"))
    assert [e.name for e in plan.experiments] == [f"sweep-test-{i}" for i in range(1, 5)]
    assert plan.experiments[1].queue_command() == [
        "dvc", "exp", "run", "--queue", "--name", "sweep-test-2",
        "-S", "model.params.max_leaf_nodes=15", "-S", "model.params.max_iter=100",
    ]  # fmt: skip
    assert plan.run_command() == ["dvc", "exp", "run", "--run-all", "--jobs", "3"]
    assert (plan.metric, plan.direction) == ("log_loss", "lower")


def test_jobs_from_the_command_line_override_the_section() -> None:
    assert _plan(with_sweep(jobs=3), jobs=1).jobs == 1


def test_plan_refuses_a_key_no_stage_depends_on() -> None:
    raw = copy.deepcopy(PARAMS)
    raw["sweep"] = {"grid": {"review.plots": ["images", "mermaid"]}}
    with pytest.raises(ConfigError, match=r"sweep\.grid\.review\.plots: no stage in dvc\.yaml"):
        _plan(raw)


def test_plan_refuses_a_combination_the_params_schema_refuses() -> None:
    raw = copy.deepcopy(PARAMS)
    raw["sweep"] = {"grid": {"data.test_size": [0.2, 1.5]}}
    with pytest.raises(
        ConfigError,
        match=r"sweep\.grid: data\.test_size=1\.5 gives invalid params: data\.test_size: Input "
        r"should be less than 1",
    ):
        _plan(raw)


def test_whole_section_params_cover_their_keys() -> None:
    pipeline = {"stages": {"a": {"params": ["drift", {"params.yaml": ["data.seed"]}]}}}
    assert stage_params(pipeline) == {"drift", "data.seed"}
    assert stage_params({"stages": {"a": {"params": [{"params.yaml": None}]}}}) == {""}


@pytest.mark.parametrize(
    "value",
    [4, -1, 0.1, 1e-05, True, False, None, "sqrt", "a,b", "it's", "back\\", "x\\'y", "", "1",
     "null", [1, "a", None], []],
)  # fmt: skip
def test_set_param_values_read_back_as_written(value: object) -> None:
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parsed = OverridesParser.create().parse_overrides([f"key={hydra_value(value)}"])[0]
    assert parsed.value() == value
    assert type(parsed.value()) is type(value)


def test_auto_ranks_a_regression_by_rmse_and_a_named_score_must_be_the_tasks() -> None:
    plan = _plan(with_sweep(), task="regression")
    assert (plan.metric, plan.direction) == ("rmse", "lower")
    assert _plan(with_sweep()).metric == "roc_auc"  # a classification's auto
    with pytest.raises(ConfigError, match=r"sweep\.metric: f1 is not a regression score"):
        _plan(with_sweep(metric="f1"), task="regression")
