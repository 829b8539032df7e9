"""Experiment sweeps: each combination of params.yaml's `sweep:` grid is one DVC experiment.

Thin over DVC: `dvc exp run --queue -S …` queues, `dvc exp run --run-all --jobs N` runs the queue
(each experiment in a temporary copy of the repository, sharing the cache and the run-cache, so a
stage DVC has already run with the same inputs is restored instead of re-run), `dvc exp show
--json` reads the results and `dvc exp branch` turns the best one into a branch. mlgate plans and
checks the grid, ranks by the configured score in its better direction, and reports failures.
"""

from __future__ import annotations

import copy
import json
import math
import re
import secrets
import shutil
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from mlgate.config import SweepConfig, load_params, parse_params
from mlgate.errors import ConfigError, MlgateError
from mlgate.model.scores import SCORE_DIRECTIONS, SCORE_LABELS, Direction

if TYPE_CHECKING:
    from rich.console import Console

PARAMS_FILE = "params.yaml"  # the file `dvc exp run -S key=value` edits
# `dvc exp run --run-all` streams every experiment's log; send it to our stderr (fd 2), so that
# stdout holds only the ranking (a table, or JSON for scripts)
_STDERR_FD = 2


# The table's scores besides the ranking metric (precision and recall are in F1 and in --json)
TABLE_SCORES = ("accuracy", "f1", "roc_auc", "log_loss")


class SweepError(MlgateError):
    """The sweep cannot start or finish: a tool is missing, the queue is busy, a branch exists."""


# ------------------------------------------------------------------ planning (pure)


def hydra_value(value: object) -> str:
    """`value` written in Hydra's override grammar, which `dvc exp run -S key=value` parses.

    Strings are always quoted (unquoted, `a,b` would be a sweep and `1` a number); inside quotes
    only backslashes before a quote, and the quote itself, need escaping.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        escaped = re.sub(
            r"(\\*)('|$)",
            lambda m: m.group(1) * 2 + ("\\'" if m.group(2) else ""),
            value,
        )
        return f"'{escaped}'"
    if isinstance(value, list):
        return "[" + ",".join(hydra_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as a -S value")


def stage_params(pipeline: Mapping[str, Any]) -> set[str]:
    """The params.yaml keys the stages of a dvc.yaml depend on ("" means the whole file)."""
    keys: set[str] = set()
    for stage in (pipeline.get("stages") or {}).values():
        for entry in (stage or {}).get("params") or []:
            if isinstance(entry, str):
                keys.add(entry)
            elif isinstance(entry, dict):
                for file, names in entry.items():
                    if file == PARAMS_FILE:
                        keys.update(names or [""])
    return keys


def _depends_on(key: str, tracked: set[str]) -> bool:
    return any(name in ("", key) or key.startswith(f"{name}.") for name in tracked)


def _set_key(raw: dict[str, Any], key: str, value: Any) -> None:
    *parents, leaf = key.split(".")
    node = raw
    for part in parents:
        node = node[part]
    node[leaf] = copy.deepcopy(value)


def describe_values(values: Mapping[str, Any]) -> str:
    return ", ".join(f"{key}={json.dumps(value)}" for key, value in values.items())


@dataclass(frozen=True)
class PlannedExperiment:
    """One combination of the grid, queued under its own experiment name."""

    name: str
    values: Mapping[str, Any]

    def queue_command(self) -> list[str]:
        command = ["dvc", "exp", "run", "--queue", "--name", self.name]
        for key, value in self.values.items():
            command += ["-S", f"{key}={hydra_value(value)}"]
        return command


@dataclass(frozen=True)
class SweepPlan:
    experiments: tuple[PlannedExperiment, ...]
    metric: str
    direction: Direction
    jobs: int

    def run_command(self) -> list[str]:
        return ["dvc", "exp", "run", "--run-all", "--jobs", str(self.jobs)]


def plan_sweep(
    raw: dict[str, Any],
    sweep: SweepConfig,
    tracked: set[str],
    jobs: int | None = None,
    prefix: str | None = None,
    origin: str = PARAMS_FILE,
) -> SweepPlan:
    """The experiments of the grid, each checked as the params.yaml it will run with.

    A key no stage depends on would give N identical experiments, and a value the params
    schema refuses would fail N times: both are refused before anything is queued.
    """
    for key in sweep.grid:
        if not _depends_on(key, tracked):
            raise ConfigError(
                f"{origin}: sweep.grid.{key}: no stage in dvc.yaml depends on it, so every "
                "experiment would give the same results"
            )
    prefix = prefix or f"sweep-{secrets.token_hex(3)}"
    experiments = []
    for number, values in enumerate(sweep.combinations(), start=1):
        candidate = copy.deepcopy(raw)
        for key, value in values.items():
            _set_key(candidate, key, value)
        try:
            parse_params(candidate, origin="")
        except ConfigError as exc:
            problem = str(exc).removeprefix(": ")
            raise ConfigError(
                f"{origin}: sweep.grid: {describe_values(values)} gives invalid params: {problem}"
            ) from None
        experiments.append(PlannedExperiment(f"{prefix}-{number}", values))
    return SweepPlan(
        experiments=tuple(experiments),
        metric=sweep.metric,
        direction=SCORE_DIRECTIONS[sweep.metric],
        jobs=jobs or sweep.jobs,
    )


# ------------------------------------------------------------------ results (pure)


@dataclass(frozen=True)
class ExperimentResult:
    """One experiment as `dvc exp show` reports it."""

    name: str
    values: Mapping[str, Any]  # the grid values it ran with
    state: str  # success, failed, queued, running, or missing (not in `dvc exp show`)
    rev: str | None = None
    scores: Mapping[str, float] = field(default_factory=dict)
    problem: str | None = None


def _lookup(tree: Any, key: str) -> Any:
    for part in key.split("."):
        if not isinstance(tree, dict) or part not in tree:
            return None
        tree = tree[part]
    return tree


def _file_data(data: Mapping[str, Any] | None, kind: str, path: str) -> Mapping[str, Any] | None:
    entry = ((data or {}).get(kind) or {}).get(path) or {}
    body = entry.get("data")
    return body if isinstance(body, dict) else None


def _scores(metrics: Mapping[str, Any] | None) -> dict[str, float]:
    model = (metrics or {}).get("model")
    if not isinstance(model, dict):
        return {}
    return {
        name: float(value)
        for name, value in model.items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    }


def read_results(
    show: Sequence[Mapping[str, Any]],
    planned: Sequence[PlannedExperiment],
    metric: str,
    metrics_file: str,
) -> list[ExperimentResult]:
    """The planned experiments, found by name in `dvc exp show --json`, in grid order."""
    found: dict[str, tuple[Mapping[str, Any], Mapping[str, Any]]] = {}
    for baseline in show:
        for experiment in baseline.get("experiments") or []:
            revs = experiment.get("revs") or [{}]
            name = experiment.get("name") or revs[0].get("name")
            if name and name not in found:
                found[name] = (experiment, revs[0])
    results = []
    for plan in planned:
        if plan.name not in found:
            results.append(
                ExperimentResult(
                    plan.name, plan.values, "missing", problem="not listed by `dvc exp show`"
                )
            )
            continue
        experiment, head = found[plan.name]
        state = (experiment.get("executor") or {}).get("state") or "success"
        data = head.get("data")
        metrics = _file_data(data, "metrics", metrics_file)
        scores = _scores(metrics)
        problem = None
        if state == "failed":
            problem = f"failed: see `dvc queue logs {plan.name}`"
        elif state != "success":
            problem = f"still {state}"
        elif head.get("error"):
            state, problem = "failed", str(head["error"].get("msg") or head["error"])
        elif not math.isfinite(scores.get(metric, math.nan)):
            state, problem = "failed", f"no {metric} in {metrics_file}"
        params = _file_data(data, "params", PARAMS_FILE)
        values = {key: _lookup(params, key) for key in plan.values} if params else dict(plan.values)
        results.append(ExperimentResult(plan.name, values, state, head.get("rev"), scores, problem))
    return results


def read_baseline(
    show: Sequence[Mapping[str, Any]], keys: Sequence[str], metrics_file: str
) -> ExperimentResult | None:
    """HEAD's committed params and scores, for comparison (never ranked)."""
    for baseline in show:
        if baseline.get("rev") != "workspace" and baseline.get("data"):
            data = baseline["data"]
            params = _file_data(data, "params", PARAMS_FILE)
            return ExperimentResult(
                name=str(baseline.get("name") or "HEAD"),
                values={key: _lookup(params, key) for key in keys},
                state="baseline",
                rev=baseline.get("rev"),
                scores=_scores(_file_data(data, "metrics", metrics_file)),
            )
    return None


def rank(
    results: Sequence[ExperimentResult], metric: str, direction: Direction
) -> tuple[list[ExperimentResult], list[ExperimentResult]]:
    """(ranked successes, best first; everything else). Ties keep the grid's order."""
    scored = [r for r in results if r.state == "success"]
    sign = -1.0 if direction == "higher" else 1.0
    return (
        sorted(scored, key=lambda r: sign * r.scores[metric]),
        [r for r in results if r.state != "success"],
    )


@dataclass(frozen=True)
class SweepOutcome:
    plan: SweepPlan
    ranked: list[ExperimentResult]
    unfinished: list[ExperimentResult]  # failed, or not finished
    baseline: ExperimentResult | None
    seconds: float
    branch: str | None = None
    workspace_changed: tuple[str, ...] = ()
    applied: str | None = None  # the experiment `dvc exp apply` put into the workspace

    @property
    def best(self) -> ExperimentResult | None:
        return self.ranked[0] if self.ranked else None

    @property
    def ok(self) -> bool:
        return not self.unfinished and not self.workspace_changed and bool(self.ranked)

    def to_json_dict(self) -> dict[str, Any]:
        def entry(result: ExperimentResult) -> dict[str, Any]:
            return {
                "name": result.name,
                "rev": result.rev,
                "state": result.state,
                "params": dict(result.values),
                "scores": dict(result.scores),
                "problem": result.problem,
            }

        return {
            "metric": self.plan.metric,
            "direction": self.plan.direction,
            "jobs": self.plan.jobs,
            "seconds": round(self.seconds, 1),
            "ranked": [entry(r) | {"rank": i} for i, r in enumerate(self.ranked, start=1)],
            "failed": [entry(r) for r in self.unfinished],
            "baseline": entry(self.baseline) if self.baseline else None,
            "branch": self.branch,
            "applied": self.applied,
            "workspace_changed": list(self.workspace_changed),
        }


# ------------------------------------------------------------------ running (DVC and git)


def _run(root: Path, command: Sequence[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(command), cwd=root, capture_output=True, text=True, check=False)


def _last_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
    return lines[-1].strip() if lines else f"exit status {done.returncode}"


def _dvc(root: Path, *args: str) -> str:
    done = _run(root, ["dvc", *args])
    if done.returncode != 0:
        raise SweepError(f"`dvc {' '.join(args[:2])}` failed: {_last_line(done)}")
    return done.stdout


def check_branch_name(root: Path, branch: str) -> None:
    """Refuse a branch name git would refuse, or one that exists, before any work is done."""
    if _run(root, ["git", "check-ref-format", "--branch", branch]).returncode != 0:
        raise SweepError(f"--branch {branch!r}: not a valid git branch name")
    if (
        _run(root, ["git", "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}"]).returncode
        == 0
    ):
        raise SweepError(f"--branch {branch!r}: the branch exists already; choose another name")


def _preflight(root: Path) -> None:
    for tool, why in (
        ("dvc", "it runs the experiments"),
        ("mlgate", "every stage runs it"),
        ("git", "experiments are git commits"),
    ):
        if shutil.which(tool) is None:
            raise SweepError(
                f"`{tool}` is not on PATH ({why}); activate the venv "
                "(source .venv/bin/activate) or run `make sweep`"
            )
    if _run(root, ["git", "rev-parse", "--verify", "--quiet", "HEAD"]).returncode != 0:
        raise SweepError("experiments need a git commit to start from; commit the project first")
    busy = _busy_queue(root)
    if busy:
        raise SweepError(
            f"the DVC experiment queue already holds {len(busy)} queued or running "
            f"experiment(s) ({', '.join(busy[:5])}); `--run-all` would run them too. Wait for "
            "them, or `dvc queue remove --queued` / `dvc queue kill <name>`"
        )


def _busy_queue(root: Path) -> list[str]:
    from dvc.repo import Repo

    with Repo(str(root)) as repo:
        queue = repo.experiments.celery_queue
        entries = [*queue.iter_active(), *queue.iter_queued()]
    return [entry.name or entry.stash_rev[:7] for entry in entries]


def _workspace_status(root: Path) -> list[str]:
    done = _run(root, ["git", "status", "--porcelain", "--untracked-files=all"])
    return done.stdout.splitlines()


def _queue(root: Path, plan: SweepPlan, log: Callable[[str], None]) -> None:
    """Queue every experiment, or none: a failure removes those already queued."""
    queued: list[str] = []
    for experiment in plan.experiments:
        done = _run(root, experiment.queue_command())
        if done.returncode != 0:
            if queued:
                _run(root, ["dvc", "queue", "remove", *queued])
            raise SweepError(f"queueing {experiment.name} failed: {_last_line(done)}")
        queued.append(experiment.name)
        log(f"queued {experiment.name}: {describe_values(experiment.values)}")


def run_sweep(
    root: Path,
    plan: SweepPlan,
    metrics_file: str,
    branch: str | None,
    log: Callable[[str], None],
    apply: bool = False,
) -> SweepOutcome:
    """Queue the plan, run the queue, read and rank the results; branch or apply the best."""
    _preflight(root)
    if branch:
        check_branch_name(root, branch)
    before = _workspace_status(root)
    started = time.perf_counter()
    _queue(root, plan, log)
    log(
        f"running {len(plan.experiments)} experiments, {plan.jobs} at a time: "
        f"{' '.join(plan.run_command())}"
    )
    try:
        subprocess.run(
            plan.run_command(), cwd=root, stdout=_STDERR_FD, stderr=_STDERR_FD, check=False
        )
    except KeyboardInterrupt:
        raise SweepError(
            "interrupted; the queued experiments go on in the background: `dvc queue status` to "
            "follow them, `dvc queue kill <name>` or `dvc queue remove --queued` to stop them"
        ) from None
    seconds = time.perf_counter() - started
    show = json.loads(_dvc(root, "exp", "show", "--json", "--hide-workspace") or "[]")
    results = read_results(show, plan.experiments, plan.metric, metrics_file)
    ranked, unfinished = rank(results, plan.metric, plan.direction)
    keys = list(plan.experiments[0].values)
    after = _workspace_status(root)
    changed = tuple(line for line in after if line not in before)
    baseline = read_baseline(show, keys, metrics_file)
    created = None
    if branch and ranked and not unfinished and not _is_baseline(ranked[0], baseline):
        _dvc(root, "exp", "branch", ranked[0].name, branch)
        created = branch
    applied = None
    if (
        apply
        and ranked
        and not unfinished
        and not changed
        and not _is_baseline(ranked[0], baseline)
    ):
        _dvc(root, "exp", "apply", ranked[0].name)  # for a PR from this workspace (train-remote)
        applied = ranked[0].name
    return SweepOutcome(
        plan=plan,
        ranked=ranked,
        unfinished=unfinished,
        baseline=baseline,
        seconds=seconds,
        branch=created,
        workspace_changed=changed,
        applied=applied,
    )


def _is_baseline(best: ExperimentResult, baseline: ExperimentResult | None) -> bool:
    """The best experiment runs HEAD's own values: its branch would propose nothing."""
    return baseline is not None and dict(best.values) == dict(baseline.values)


def load_plan(root: Path, params: Path, jobs: int | None) -> SweepPlan:
    """The sweep of params.yaml, checked against itself and against dvc.yaml."""
    config = load_params(params)
    if config.sweep is None:
        raise ConfigError(
            f"{params}: no `sweep:` section; add one with a grid (see the README, Sweeps)"
        )
    raw = yaml.safe_load(params.read_text(encoding="utf-8"))
    pipeline_file = root / "dvc.yaml"
    try:
        pipeline = yaml.safe_load(pipeline_file.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"{pipeline_file}: not found (run from the project root)") from None
    return plan_sweep(raw, config.sweep, stage_params(pipeline), jobs=jobs, origin=str(params))


# ------------------------------------------------------------------ output


def _headers(keys: Sequence[str]) -> list[str]:
    """Grid keys by their last part when that is unambiguous (max_depth), else in full."""
    short = [key.rsplit(".", 1)[-1] for key in keys]
    return short if len(set(short)) == len(short) else list(keys)


def _cell(value: Any) -> str:
    return json.dumps(value) if not isinstance(value, str) else value


def print_plan(plan: SweepPlan, console: Console) -> None:
    from rich.markup import escape

    console.print(
        f"{len(plan.experiments)} experiments, ranked by {SCORE_LABELS[plan.metric]} "
        f"({plan.direction} is better), {plan.jobs} at a time. Nothing queued (--dry-run):"
    )
    for experiment in plan.experiments:
        console.print(escape(" ".join(experiment.queue_command())))
    console.print(escape(" ".join(plan.run_command())))


def print_outcome(outcome: SweepOutcome, console: Console) -> None:
    from rich.markup import escape
    from rich.table import Table

    plan = outcome.plan
    keys = list(plan.experiments[0].values)
    scores = [plan.metric, *(name for name in TABLE_SCORES if name != plan.metric)]
    arrow = "▲" if plan.direction == "higher" else "▼"
    table = Table(
        title=f"sweep ranked by {SCORE_LABELS[plan.metric]} ({plan.direction} is better)",
        title_justify="left",
    )
    table.add_column("#", justify="right")
    table.add_column("experiment", no_wrap=True)
    for header in _headers(keys):
        table.add_column(escape(header), justify="right")
    for name in scores:
        label = SCORE_LABELS[name] + (f" {arrow}" if name == plan.metric else "")
        table.add_column(label, justify="right", style="bold" if name == plan.metric else None)

    def row(label: str, result: ExperimentResult, style: str | None = None) -> None:
        table.add_row(
            label,
            escape(result.name),
            *(escape(_cell(result.values.get(key))) for key in keys),
            *(f"{result.scores[n]:g}" if n in result.scores else "" for n in scores),
            style=style,
        )

    for number, result in enumerate(outcome.ranked, start=1):
        row(str(number), result, "green" if number == 1 else None)
    for result in outcome.unfinished:
        row("✗", result, "red")
    if outcome.baseline is not None:
        row("", outcome.baseline, "dim")
    width = console.width
    if not console.is_terminal:  # piped or in CI rich assumes 80 columns, cutting scores short
        console.width = max(width, 160)
    try:
        console.print(table)
    finally:
        console.width = width
    console.print(
        f"{len(outcome.ranked)} of {len(plan.experiments)} experiments succeeded in "
        f"{outcome.seconds:.1f} s ({plan.jobs} at a time)"
    )
    for result in outcome.unfinished:
        console.print(f"[red]✗ {escape(result.name)}[/]: {escape(result.problem or result.state)}")
    best = outcome.best
    if best is not None:
        ties = [
            r.name for r in outcome.ranked[1:] if r.scores[plan.metric] == best.scores[plan.metric]
        ]
        tied = f" (tied with {', '.join(ties)}; the first in grid order wins)" if ties else ""
        console.print(
            f"best: [bold]{escape(best.name)}[/] ({describe_values(best.values)}), "
            f"{SCORE_LABELS[plan.metric]} {best.scores[plan.metric]:g}{tied}"
        )
    if outcome.branch and best is not None:
        branch = escape(outcome.branch)
        console.print(
            f"[green]✓[/] branch [bold]{branch}[/] holds {escape(best.name)}: `dvc push` (the "
            f"model), `git push -u origin {branch}`, then open the pull request"
        )
    elif best is not None and _is_baseline(best, outcome.baseline):
        assert outcome.baseline is not None
        console.print(
            f"the best has the values {escape(outcome.baseline.name)} has: nothing to propose"
        )
    elif best is not None and not outcome.unfinished:
        console.print(f"to make it a PR: `dvc exp branch {escape(best.name)} <branch>`")
    if outcome.workspace_changed:
        console.print(
            "[red]error:[/] the sweep changed the workspace: "
            + escape(", ".join(outcome.workspace_changed))
        )


def sweep_command(
    params: Path,
    jobs: int | None,
    branch: str | None,
    dry_run: bool,
    as_json: bool,
    metrics_file: str,
    out: Console,
    err: Console,
    apply: bool = False,
) -> int:
    """`mlgate sweep`: the exit status (0 when every experiment succeeded)."""
    from rich.markup import escape

    root = Path.cwd()
    plan = load_plan(root, params, jobs)
    if branch:
        check_branch_name(root, branch)
    if dry_run:
        print_plan(plan, out)
        return 0
    outcome = run_sweep(
        root, plan, metrics_file, branch, lambda line: err.print(escape(line)), apply
    )
    if as_json:
        out.out(json.dumps(outcome.to_json_dict(), indent=2))
    else:
        print_outcome(outcome, out)
    if branch and not outcome.branch:
        if outcome.unfinished or not outcome.best:
            err.print(
                f"[red]error:[/] no branch created: {len(outcome.unfinished)} experiment(s) failed"
            )
        else:
            err.print("no branch created: the best experiment changes nothing")
    if apply:
        if outcome.applied:
            err.print(f"applied {escape(outcome.applied)} to the workspace (dvc exp apply)")
        elif outcome.ok and outcome.best:
            err.print("nothing applied: the best experiment changes nothing")
        else:
            err.print("[red]error:[/] nothing applied: not every experiment succeeded")
    return 0 if outcome.ok else 1
