"""The serving cost on a small git + DVC project (no pipeline run: tests/support/
serving_cost_project.py): a PR that grows the forest (3× the trees) costs more to store and to
serve, even when the base's model must first be fetched; a base model neither cached nor
fetchable is one line, in the review and in the gate; an unchanged model is not timed."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from mlgate.config import GatesConfig, load_params
from mlgate.review.gates import check_gates
from mlgate.review.revisions import resolve_base
from mlgate.review.serving_cost import CostOutcome, CostUnavailable, ModelUnchanged, ServingCost
from mlgate.review.serving_cost_input import measure_serving_cost
from mlgate.review.serving_cost_section import serving_cost_section
from mlgate.vcs.dvc import cached_file, locked_md5, open_repo
from tests.support.markdown import row, table_with
from tests.support.serving_cost_project import (
    MODEL,
    CostProject,
    cost_project,
    push_to_folder_remote,
    use_folder_remote,
)
from tests.support.shell import git

pytestmark = pytest.mark.slow  # a git + DVC project, two forests fitted and timed: ~7 s

BASE_TREES = 50


def measure(root: Path) -> CostOutcome:
    params = root / "params.yaml"
    return measure_serving_cost(
        open_repo(root), resolve_base(root, "base"), load_params(params), params
    )


def forget_base_model(project: CostProject) -> None:
    """Delete the base's model from the project's DVC cache (the workspace holds the PR's)."""
    cached = cached_file(open_repo(project.root), project.base_sha, MODEL)
    assert cached is not None
    cached.unlink()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> CostProject:
    """The base's forest and the PR's with three times the trees, the PR checked out; built
    once, never changed (each test works on a copy)."""
    root = tmp_path_factory.mktemp("serving_cost") / "mlgate"
    return cost_project(root, base_trees=BASE_TREES, head_trees=3 * BASE_TREES)


@pytest.fixture
def grown(built: CostProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CostProject:
    """A copy of the built project (git, DVC cache and workspace), as the current directory."""
    root = tmp_path / "mlgate"
    shutil.copytree(built.root, root, symlinks=True)
    monkeypatch.chdir(root)
    return replace(built, root=root)


def test_a_larger_forest_costs_more_to_store_and_to_serve(grown: CostProject) -> None:
    push_to_folder_remote(grown, grown.root.parent / "remote")
    forget_base_model(grown)  # so it is fetched from the remote
    cost = measure(grown.root)
    assert isinstance(cost, ServingCost), cost
    assert cached_file(open_repo(grown.root), grown.base_sha, MODEL) is not None
    assert cost.head.size_bytes == (grown.root / MODEL).stat().st_size
    ratios = (cost.size_ratio, cost.latency_ratio, cost.throughput_ratio)
    assert None not in ratios
    size, _, throughput = (value or 0.0 for value in ratios)
    assert size > 2  # three times the trees
    # A batch through three times the trees is reliably slower. The single-record p50 is not
    # asserted: a few calls of small forests are dominated by per-call overhead, and on a loaded
    # machine their ratio can land either side of 1.
    assert throughput < 1, cost
    assert (cost.rounds, cost.single_calls, cost.batch_rows) == (5, 3, 500)

    table = table_with(serving_cost_section(cost), "PR / base")
    shown = row(table, "cost", "model file size")["PR / base"]
    assert float(shown.removesuffix("×")) == pytest.approx(size, abs=0.01)


def test_a_base_model_neither_cached_nor_fetchable_is_one_line_and_fails_only_its_gate(
    grown: CostProject,
) -> None:
    forget_base_model(grown)
    empty = grown.root.parent / "remote"
    empty.mkdir()
    use_folder_remote(grown, empty)  # the fetch is tried, from a remote that lacks it

    outcome = measure(grown.root)
    assert isinstance(outcome, CostUnavailable), outcome
    assert "neither in the local DVC cache nor fetchable" in outcome.reason
    assert outcome.to_json_dict() == {"unavailable": outcome.reason}
    section = serving_cost_section(outcome).split("\n\n")
    assert len(section) == 2
    md5 = locked_md5(open_repo(grown.root), grown.base_sha, MODEL)
    assert md5 is not None
    assert section[1].startswith(f"Not measured: the base's {MODEL} (md5 {md5[:8]}")
    assert f"dvc fetch {MODEL}" in section[1]
    assert "\n" not in section[1]

    gates = GatesConfig.model_validate({"max_latency_ratio": 1.5})
    verdict = check_gates([], gates, "workspace", serving=outcome)
    failed = [g for g in verdict.results if g.status == "failed"]
    assert [(g.kind, g.score) for g in failed] == [("max_latency_ratio", "p50 latency")]
    assert failed[0].detail.startswith(f"not measured: the base's {MODEL}")


def test_an_unchanged_model_is_not_timed(grown: CostProject) -> None:
    git(grown.root, "checkout", "-q", "base")  # the workspace's dvc.lock is the base's
    repo = open_repo(grown.root)
    outcome = measure(grown.root)
    assert isinstance(outcome, ModelUnchanged)
    assert outcome.md5 == locked_md5(repo, grown.base_sha, MODEL)
    assert outcome.md5 != locked_md5(repo, grown.head_sha, MODEL)
    assert "nothing was timed" in serving_cost_section(outcome)
