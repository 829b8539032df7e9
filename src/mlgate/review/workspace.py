"""The review's subject: this workspace against a base revision, with the pipeline up to date,
and the gate verdict for it (shared by `mlgate report` and `mlgate gate`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.errors import ArtifactError, ReviewError
from mlgate.layout import SLICES

if TYPE_CHECKING:
    from dvc.repo import Repo

    from mlgate.config import BootstrapConfig, GatesConfig, Params
    from mlgate.model.slices import SliceReport
    from mlgate.review.changes import MetricChange
    from mlgate.review.gate_verdict import GateVerdict
    from mlgate.review.intervals import ScoreIntervals
    from mlgate.review.revisions import Revision
    from mlgate.review.serving_cost import CostOutcome


@dataclass(frozen=True)
class ReviewSubject:
    """The DVC repository, the base and head commits, and uncommitted changes to tracked files."""

    repo: Repo
    base: Revision
    head: Revision
    dirty: bool

    def identity(self) -> dict[str, Any]:
        """What was compared, as the review's and the gate's JSON state it."""
        return {
            "base": {"ref": self.base.name, "sha": self.base.sha},
            "head": {"sha": self.head.sha, "uncommitted_changes": self.dirty},
        }


def open_review(base: str, root: Path) -> ReviewSubject:
    """Resolve both sides; refuse to judge metrics the code no longer produces."""
    from mlgate.review.revisions import head_revision, resolve_base
    from mlgate.vcs.dvc import open_repo, stale_stages

    base_revision = resolve_base(root, base)
    head, dirty = head_revision(root)
    repo = open_repo(root)
    if Path(repo.root_dir).resolve() != root.resolve():
        raise ReviewError(f"run from the project root ({repo.root_dir}), not {root}")
    stale = stale_stages(repo)
    if stale:
        raise ReviewError(
            f"the pipeline is out of date (stages: {', '.join(stale)}), so the metrics do not "
            "measure this workspace; run `dvc repro` first"
        )
    return ReviewSubject(repo, base_revision, head, dirty)


def _in_repo(path: Path, repo: Repo) -> str:
    """`path` relative to the repository root, as the base revision's tree names it."""
    root = Path(repo.root_dir).resolve()
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        raise ReviewError(f"{path}: the params file must be inside the repository") from None


def workspace_slices() -> SliceReport | None:
    """reports/slices.json of this workspace; None when the card stage has not written it."""
    from pydantic import ValidationError

    from mlgate.files import read_json
    from mlgate.model.slices import SliceReport

    if not SLICES.is_file():
        return None
    try:
        return SliceReport.model_validate(read_json(SLICES, "card"))
    except ValidationError:
        raise ArtifactError(f"{SLICES}: not a slice report; re-run `dvc repro card`") from None


def _slice_gate_on(gates: tuple[GatesConfig | None, ...]) -> str | None:
    """The first slice gate any of `gates` turns on (`worst_slice`, `slice_regression`)."""
    for config in gates:
        if config is not None and config.worst_slice is not None:
            return "worst_slice"
    for config in gates:
        if config is not None and config.slice_regression is not None:
            return "slice_regression"
    return None


def slices_for_gates(*gates: GatesConfig | None) -> SliceReport | None:
    """The workspace's slice report when a `worst_slice` or `slice_regression` gate needs it
    (an error if missing)."""
    gate = _slice_gate_on(gates)
    if gate is None:
        return None
    report = workspace_slices()
    if report is None:
        raise ArtifactError(
            f"{SLICES}: not found, and gates.{gate} needs the card stage's slice scores; "
            f"run `dvc repro card` (or set gates.{gate} to null)"
        )
    return report


def base_slices_for_gates(subject: ReviewSubject, *gates: GatesConfig | None) -> SliceReport | None:
    """The base's reports/slices.json when a `slice_regression` gate needs it; None when the base
    has none it can read (the gate is then skipped, and says so)."""

    if not any(config is not None and config.slice_regression is not None for config in gates):
        return None
    return slice_report_of(json_at_base(subject, SLICES))


def slice_report_of(body: Mapping[str, Any] | None) -> SliceReport | None:
    """A side's slices.json as a report; None when missing or not a slice report."""
    from pydantic import ValidationError

    from mlgate.model.slices import SliceReport

    if body is None:
        return None
    try:
        return SliceReport.model_validate(body)
    except ValidationError:
        return None


def read_base_gates(repo: Repo, base: Revision, params_file: str) -> GatesConfig | None:
    """The `gates:` section at the base, or None when the base has no gates (a first PR)."""
    from mlgate.config import parse_gates
    from mlgate.review.revisions import params_at_base

    raw, origin = params_at_base(repo, base, params_file)
    if not isinstance(raw, dict) or raw.get("gates") is None:
        return None
    return parse_gates(raw["gates"], origin)


def review_bootstrap(
    subject: ReviewSubject, config: Params, params: Path, gates_from: str
) -> BootstrapConfig:
    """The base's `review.bootstrap` when the base's gates judge (a PR cannot tune the intervals
    that judge it), else the workspace's; every interval of the review is drawn with it."""
    from mlgate.review.bootstrap_settings import base_bootstrap

    settings = config.review.bootstrap
    if gates_from == "base":
        name = _in_repo(params, subject.repo)
        settings = base_bootstrap(subject.repo, subject.base, name) or settings
    return settings


def review_intervals(
    subject: ReviewSubject, config: Params, params: Path, gates_from: str
) -> ScoreIntervals:
    """Each score's PR−base interval, drawn with `review_bootstrap`'s settings."""
    from mlgate.review.intervals import score_intervals

    settings = review_bootstrap(subject, config, params, gates_from)
    return score_intervals(subject.repo, subject.base, settings)


def judge_workspace(
    subject: ReviewSubject,
    metrics: tuple[MetricChange, ...],
    config: Params,
    params: Path,
    gates_from: str,
    *,
    serving: CostOutcome | None = None,
    intervals: ScoreIntervals | None = None,
) -> GateVerdict:
    """The verdict, from the gates of the base (default: a PR cannot loosen the gate that
    judges it) or of the workspace. Both models are timed here only when a latency gate asks
    and the caller (the report) has not timed them already (`serving`). The PR−base intervals
    (`review.bootstrap`) are drawn here unless given, so every max_regression result states
    whether its move is significant."""
    from mlgate.review.gates import judge

    name = _in_repo(params, subject.repo)
    base = subject.base
    base_gates = read_base_gates(subject.repo, base, name) if gates_from == "base" else None
    if serving is None and any(
        gates is not None and gates.max_latency_ratio is not None
        for gates in (config.gates, base_gates)
    ):
        from mlgate.review.serving_cost_input import measure_serving_cost

        serving = measure_serving_cost(subject.repo, subject.base, config, params)
    return judge(
        metrics,
        workspace=config.gates,
        base=base_gates,
        workspace_label=f"`{name}` in this workspace",
        base_label=f"`{name}` at `{base.name}` ({base.short})",
        base_has_none=gates_from == "base" and base_gates is None,
        slices=slices_for_gates(config.gates, base_gates),
        base_slices=base_slices_for_gates(subject, config.gates, base_gates),
        serving=serving,
        intervals=(
            review_intervals(subject, config, params, gates_from)
            if intervals is None
            else intervals
        ),
    )


def json_in_workspace(path: Path) -> dict[str, Any] | None:
    """A JSON object in the workspace; None when missing or not an object."""
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return body if isinstance(body, dict) else None


def json_at_base(subject: ReviewSubject, path: Path) -> dict[str, Any] | None:
    """A JSON object as committed at the base; None when missing or not an object."""
    from mlgate.vcs.dvc import file_at

    raw = file_at(subject.repo, subject.base.sha, path.as_posix())
    try:
        body = json.loads(raw) if raw is not None else None
    except ValueError:
        return None
    return body if isinstance(body, dict) else None
