"""`mlgate sweep`: the `sweep:` section's validation, the plan, the ranking, and bad input.

The sweep itself (DVC queue, run-cache, `--branch`) runs end to end in tests/e2e/test_sweep.py.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from rich.console import Console
from typer.testing import CliRunner

from mlgate.cli import app
from mlgate.config import MAX_SWEEP_EXPERIMENTS, parse_params
from mlgate.errors import ConfigError
from mlgate.sweep import (
    ExperimentResult,
    PlannedExperiment,
    SweepOutcome,
    SweepPlan,
    hydra_value,
    plan_sweep,
    print_outcome,
    rank,
    read_baseline,
    read_results,
    stage_params,
)
from tests.support.paths import REPO_ROOT

PARAMS: dict[str, Any] = yaml.safe_load((REPO_ROOT / "params.yaml").read_text())
PIPELINE: dict[str, Any] = yaml.safe_load((REPO_ROOT / "dvc.yaml").read_text())
METRICS = "reports/metrics.json"
GRID = {"model.params.max_depth": [4, 8], "model.params.n_estimators": [50, 100]}
runner = CliRunner()
BIN = Path(sys.executable).parent


def with_sweep(**sweep: Any) -> dict[str, Any]:
    raw = copy.deepcopy(PARAMS)
    raw["sweep"] = {"grid": GRID, **sweep}
    return raw


# ------------------------------------------------------------------ the sweep: section


def test_committed_sweep_section_is_a_small_grid_on_model_params() -> None:
    sweep = parse_params(PARAMS).sweep
    assert sweep is not None
    assert len(sweep.combinations()) == 4
    assert all(key.startswith("model.params.") for key in sweep.grid)


def test_combinations_vary_the_first_key_slowest() -> None:
    sweep = parse_params(with_sweep()).sweep
    assert sweep is not None
    assert sweep.combinations() == [
        {"model.params.max_depth": 4, "model.params.n_estimators": 50},
        {"model.params.max_depth": 4, "model.params.n_estimators": 100},
        {"model.params.max_depth": 8, "model.params.n_estimators": 50},
        {"model.params.max_depth": 8, "model.params.n_estimators": 100},
    ]
    assert (sweep.jobs, sweep.metric) == (1, "roc_auc")


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
            r"'roc_auc' or 'log_loss' \(got 'auc'\)",
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


def test_no_stage_depends_on_the_sweep_section() -> None:
    assert not [key for key in stage_params(PIPELINE) if key.split(".")[0] == "sweep"]


# ------------------------------------------------------------------ the plan


def _plan(raw: dict[str, Any], **kwargs: Any) -> Any:
    sweep = parse_params(raw).sweep
    assert sweep is not None
    return plan_sweep(raw, sweep, stage_params(PIPELINE), prefix="sweep-test", **kwargs)


def test_plan_queues_one_experiment_per_combination() -> None:
    plan = _plan(with_sweep(jobs=3, metric="log_loss"))
    assert [e.name for e in plan.experiments] == [f"sweep-test-{i}" for i in range(1, 5)]
    assert plan.experiments[1].queue_command() == [
        "dvc", "exp", "run", "--queue", "--name", "sweep-test-2",
        "-S", "model.params.max_depth=4", "-S", "model.params.n_estimators=100",
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


# ------------------------------------------------------------------ reading and ranking


def _exp(name: str, state: str | None, scores: dict[str, float] | None, depth: int) -> dict:
    """One experiment as `dvc exp show --json` lists it."""
    data: dict[str, Any] = {
        "params": {"params.yaml": {"data": {"model": {"params": {"max_depth": depth}}}}},
        "metrics": {METRICS: {"data": {"model": scores}}} if scores is not None else {},
    }
    return {
        "revs": [{"rev": f"{name}-sha", "name": name, "data": data, "error": None}],
        "executor": None if state is None else {"state": state, "name": None, "local": None},
        "name": name,
    }


def _show(*experiments: dict) -> list[dict]:
    baseline = {
        "rev": "abc123",
        "name": "main",
        "data": {
            "params": {"params.yaml": {"data": {"model": {"params": {"max_depth": 8}}}}},
            "metrics": {METRICS: {"data": {"model": {"roc_auc": 0.99, "log_loss": 0.11}}}},
        },
        "experiments": list(experiments),
    }
    return [baseline]


PLANNED = [
    PlannedExperiment(f"s-{i}", {"model.params.max_depth": depth})
    for i, depth in enumerate([2, 4, 6, 8, 10], start=1)
]


def test_results_are_ranked_in_the_metrics_better_direction() -> None:
    show = _show(
        _exp("s-1", "success", {"roc_auc": 0.90, "log_loss": 0.30}, 2),
        _exp("s-2", None, {"roc_auc": 0.97, "log_loss": 0.20}, 4),  # no executor: a plain ref
        _exp("s-3", "success", {"roc_auc": 0.95, "log_loss": 0.10}, 6),
    )
    results = read_results(show, PLANNED[:3], "roc_auc", METRICS)
    ranked, unfinished = rank(results, "roc_auc", "higher")
    assert [r.name for r in ranked] == ["s-2", "s-3", "s-1"]
    assert unfinished == []
    ranked, _ = rank(read_results(show, PLANNED[:3], "log_loss", METRICS), "log_loss", "lower")
    assert [r.name for r in ranked] == ["s-3", "s-2", "s-1"]
    assert ranked[0].values == {"model.params.max_depth": 6}
    assert ranked[0].rev == "s-3-sha"


def test_ties_keep_the_grid_order() -> None:
    show = _show(
        _exp("s-1", "success", {"roc_auc": 0.95}, 2),
        _exp("s-2", "success", {"roc_auc": 0.97}, 4),
        _exp("s-3", "success", {"roc_auc": 0.97}, 6),
    )
    ranked, _ = rank(read_results(show, PLANNED[:3], "roc_auc", METRICS), "roc_auc", "higher")
    assert [r.name for r in ranked] == ["s-2", "s-3", "s-1"]


def test_failed_missing_and_metricless_experiments_are_reported_not_dropped() -> None:
    show = _show(
        _exp("s-1", "success", {"roc_auc": 0.95}, 2),
        _exp("s-2", "failed", None, 4),
        _exp("s-3", "success", {"accuracy": 0.9}, 6),  # no roc_auc
        _exp("s-4", "queued", None, 8),
    )
    results = read_results(show, PLANNED, "roc_auc", METRICS)
    ranked, unfinished = rank(results, "roc_auc", "higher")
    assert [r.name for r in ranked] == ["s-1"]
    problems = {r.name: (r.state, r.problem) for r in unfinished}
    assert problems == {
        "s-2": ("failed", "failed: see `dvc queue logs s-2`"),
        "s-3": ("failed", f"no roc_auc in {METRICS}"),
        "s-4": ("queued", "still queued"),
        "s-5": ("missing", "not listed by `dvc exp show`"),
    }


def test_table_lists_ranked_then_failed_experiments_and_the_baseline() -> None:
    show = _show(
        _exp("s-1", "success", {"roc_auc": 0.90, "log_loss": 0.3}, 2),
        _exp("s-2", "success", {"roc_auc": 0.97, "log_loss": 0.2}, 4),
        _exp("s-3", "failed", None, 6),
    )
    plan = SweepPlan(tuple(PLANNED[:3]), "roc_auc", "higher", 2)
    ranked, unfinished = rank(
        read_results(show, PLANNED[:3], "roc_auc", METRICS), "roc_auc", "higher"
    )
    baseline = read_baseline(show, ["model.params.max_depth"], METRICS)
    outcome = SweepOutcome(plan, ranked, unfinished, baseline, 12.3)
    console = Console(width=80, record=True, color_system=None)
    print_outcome(outcome, console)
    text = console.export_text()
    rows = [
        [cell.strip() for cell in line.split("│")[1:-1]]
        for line in text.splitlines()
        if line.startswith("│")
    ]
    # rank, experiment, max_depth, ROC AUC (the ranking metric first), ..., log loss
    assert [[*row[:4], row[-1]] for row in rows] == [
        ["1", "s-2", "4", "0.97", "0.2"],
        ["2", "s-1", "2", "0.9", "0.3"],
        ["✗", "s-3", "6", "", ""],
        ["", "main", "8", "0.99", "0.11"],
    ]
    assert "2 of 3 experiments succeeded in 12.3 s (2 at a time)" in text
    assert "✗ s-3: failed: see `dvc queue logs s-3`" in text
    assert "best: s-2 (model.params.max_depth=4), ROC AUC 0.97" in text
    assert not outcome.ok


def test_best_with_the_baselines_own_values_is_not_proposed() -> None:
    show = _show(
        _exp("s-1", "success", {"roc_auc": 0.95}, 2),
        _exp("s-4", "success", {"roc_auc": 0.99}, 8),  # max_depth 8, as main has
    )
    planned = [PLANNED[0], PLANNED[3]]
    plan = SweepPlan(tuple(planned), "roc_auc", "higher", 1)
    ranked, unfinished = rank(read_results(show, planned, "roc_auc", METRICS), "roc_auc", "higher")
    baseline = read_baseline(show, ["model.params.max_depth"], METRICS)
    console = Console(width=120, record=True, color_system=None)
    print_outcome(SweepOutcome(plan, ranked, unfinished, baseline, 1.0), console)
    text = console.export_text()
    assert "the best has the values main has: nothing to propose" in text
    assert "dvc exp branch" not in text


# ------------------------------------------------------------------ the command


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git + DVC repository holding the project's params.yaml and dvc.yaml (no data needed)."""
    for name in ("params.yaml", "dvc.yaml"):
        (tmp_path / name).write_text((REPO_ROOT / name).read_text())
    monkeypatch.chdir(tmp_path)
    for command in (
        ["git", "init", "-q", "-b", "main"],
        [str(BIN / "dvc"), "init", "-q"],
        ["git", "add", "-A"],
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "project"],
    ):
        subprocess.run(command, cwd=tmp_path, check=True, capture_output=True)
    return tmp_path


def write_sweep(folder: Path, sweep: object) -> None:
    raw = yaml.safe_load((folder / "params.yaml").read_text())
    raw["sweep"] = sweep
    (folder / "params.yaml").write_text(yaml.safe_dump(raw, sort_keys=False))


def nothing_queued(folder: Path) -> bool:
    refs = subprocess.run(
        ["git", "for-each-ref", "refs/exps"], cwd=folder, capture_output=True, text=True
    ).stdout
    return refs == "" and not (folder / ".dvc" / "tmp" / "exps").exists()


@pytest.mark.parametrize(
    ("sweep", "message"),
    [
        ({"grid": {"model.params.max_feature": [1]}}, "sweep.grid.model.params.max_feature: not a key"),
        ({"grid": {"model.params.max_depth": []}}, "sweep.grid.model.params.max_depth: List should have at least 1 item"),
        ({"grid": {"data.seed": list(range(100))}}, "sweep.grid: 100 experiments (100 values); at most 64 per sweep"),
        ({"grid": GRID, "metric": "auc"}, "sweep.metric: Input should be 'accuracy'"),
        ({"grid": {"review.plots": ["images", "mermaid"]}}, "sweep.grid.review.plots: no stage in dvc.yaml depends on it"),
    ],
)  # fmt: skip
def test_bad_sweep_section_is_one_line_and_queues_nothing(
    project: Path, sweep: dict[str, Any], message: str
) -> None:
    write_sweep(project, sweep)
    result = runner.invoke(app, ["sweep"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: params.yaml: ")
    assert message in lines[0]
    assert result.stdout == ""
    assert nothing_queued(project)


def test_missing_sweep_section_is_reported(project: Path) -> None:
    raw = yaml.safe_load((project / "params.yaml").read_text())
    del raw["sweep"]
    (project / "params.yaml").write_text(yaml.safe_dump(raw, sort_keys=False))
    result = runner.invoke(app, ["sweep"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "error: params.yaml: no `sweep:` section; add one with a grid (see the README, Sweeps)"
    )


@pytest.mark.parametrize(
    ("branch", "message"),
    [
        ("bad..name", "error: --branch 'bad..name': not a valid git branch name"),
        ("main", "error: --branch 'main': the branch exists already; choose another name"),
    ],
)
def test_bad_branch_is_refused_before_anything_runs(
    project: Path, branch: str, message: str
) -> None:
    result = runner.invoke(app, ["sweep", "--branch", branch])
    assert result.exit_code == 1
    assert result.stderr.strip() == message
    assert nothing_queued(project)


def test_bad_jobs_is_a_usage_error(project: Path) -> None:
    result = runner.invoke(app, ["sweep", "--jobs", "0"])
    assert result.exit_code == 2
    assert nothing_queued(project)


def test_dry_run_prints_every_command_and_queues_nothing(project: Path) -> None:
    result = runner.invoke(app, ["sweep", "--dry-run", "--jobs", "2"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == (
        "4 experiments, ranked by ROC AUC (higher is better), 2 at a time. "
        "Nothing queued (--dry-run):"
    )
    queued = [line.split() for line in lines[1:5]]
    assert [q[:5] for q in queued] == [["dvc", "exp", "run", "--queue", "--name"]] * 4
    assert len({q[5] for q in queued}) == 4
    assert [q[6:] for q in queued] == [
        ["-S", f"model.params.max_depth={d}", "-S", f"model.params.n_estimators={n}"]
        for d in (4, 8)
        for n in (50, 100)
    ]
    assert lines[5] == "dvc exp run --run-all --jobs 2"
    assert nothing_queued(project)


def test_json_outcome_is_plain_json() -> None:
    planned = (PlannedExperiment("s-1", {"model.params.max_depth": 2}),)
    plan = SweepPlan(planned, "log_loss", "lower", 1)
    result = ExperimentResult(
        "s-1", {"model.params.max_depth": 2}, "success", "r", {"log_loss": 0.2}
    )
    body = SweepOutcome(plan, [result], [], None, 3.0, branch="best").to_json_dict()
    assert json.loads(json.dumps(body))["ranked"] == [
        {
            "name": "s-1",
            "rev": "r",
            "state": "success",
            "params": {"model.params.max_depth": 2},
            "scores": {"log_loss": 0.2},
            "problem": None,
            "rank": 1,
        }
    ]
