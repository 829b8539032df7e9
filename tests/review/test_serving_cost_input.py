"""The serving cost on real pipelines: a PR that grows the forest (3× the trees) costs more to
store and to serve, even when the base's model must first be fetched; a base model neither
cached nor fetchable is one line, in the review and in the gate; an unchanged model is not timed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from mlgate.config import load_params
from mlgate.review.revisions import resolve_base
from mlgate.review.serving_cost import CostOutcome, ModelUnchanged, ServingCost
from mlgate.review.serving_cost_input import measure_serving_cost
from mlgate.review.serving_cost_section import serving_cost_section
from mlgate.vcs.dvc import cached_file, open_repo
from tests.support.markdown import row, table_with
from tests.support.projects import copy_reproduced
from tests.support.shell import attempt, sh, stages_run

pytestmark = pytest.mark.slow

MODEL = "models/model.skops"


def edit_params(project: Path, section: str, **values: object) -> None:
    path = project / "params.yaml"
    params = yaml.safe_load(path.read_text())
    params[section].update(values)
    path.write_text(yaml.safe_dump(params, sort_keys=False))


def measure(project: Path) -> CostOutcome:
    return measure_serving_cost(
        open_repo(project),
        resolve_base(project, "main"),
        load_params(project / "params.yaml"),
        project / "params.yaml",
    )


def forget_base_model(project: Path) -> None:
    """Delete the base's model from the project's DVC cache (the workspace has its own)."""
    cached = cached_file(open_repo(project), resolve_base(project, "main").sha, MODEL)
    assert cached is not None
    cached.unlink()


@pytest.fixture(scope="module")
def grown(reproduced_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reproduced project with three times the trees, its base model pushed to a local DVC
    remote first, and the pipeline brought up to date (the review refuses a stale one)."""
    project = copy_reproduced(reproduced_project, tmp_path_factory.mktemp("grown") / "mlgate")
    remote = project.parent / "remote"
    sh(project, "dvc", "remote", "add", "--local", "-f", "-d", "here", str(remote))
    sh(project, "dvc", "push", "-q", MODEL)
    model = yaml.safe_load((project / "params.yaml").read_text())["model"]["params"]
    edit_params(project, "model", params=dict(model, n_estimators=model["n_estimators"] * 3))
    assert "train" in stages_run(sh(project, "dvc", "repro"))
    return project


@pytest.fixture
def project(grown: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copied = copy_reproduced(grown, tmp_path / "mlgate")
    monkeypatch.chdir(copied)
    return copied


def test_a_larger_forest_costs_more_to_store_and_to_serve(project: Path) -> None:
    forget_base_model(project)  # so it is fetched from the remote
    cost = measure(project)
    assert isinstance(cost, ServingCost), cost
    assert cached_file(open_repo(project), resolve_base(project, "main").sha, MODEL) is not None
    assert cost.head.size_bytes == (project / MODEL).stat().st_size
    ratios = (cost.size_ratio, cost.latency_ratio, cost.throughput_ratio)
    assert None not in ratios
    size, latency, throughput = (value or 0.0 for value in ratios)
    assert size > 2  # three times the trees
    assert latency > 1
    assert throughput < 1

    table = table_with(serving_cost_section(cost), "PR / base")
    shown = row(table, "cost", "model file size")["PR / base"]
    assert float(shown.removesuffix("×")) == pytest.approx(size, abs=0.01)


def test_a_base_model_neither_cached_nor_fetchable_is_one_line_and_fails_only_its_gate(
    project: Path,
) -> None:
    forget_base_model(project)
    sh(project, "dvc", "remote", "remove", "--local", "here")
    edit_params(project, "gates", max_latency_ratio=1.5)

    sh(project, "mlgate", "report", "--base", "main", "--gates-from", "workspace")
    text = (project / "reports" / "review.md").read_text()
    section = text.split("### Serving cost")[1].split("\n\n")[1]
    assert section.startswith(f"Not measured: the base's {MODEL} (md5 ")
    assert f"dvc fetch {MODEL}" in section
    review = json.loads((project / "reports" / "review" / "review.json").read_text())
    assert "neither in the local DVC cache nor fetchable" in review["serving_cost"]["unavailable"]

    gate = attempt(project, "mlgate", "gate", "--base", "main", "--gates-from", "workspace")
    assert gate.returncode == 1, gate.stdout + gate.stderr
    verdict = json.loads((project / "reports" / "gate.json").read_text())
    failed = [g for g in verdict["gates"] if g["status"] == "failed"]
    assert [(g["kind"], g["score"]) for g in failed] == [("max_latency_ratio", "p50 latency")]
    assert failed[0]["detail"].startswith(f"not measured: the base's {MODEL}")


def test_an_unchanged_model_is_not_timed(
    reproduced_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy_reproduced(reproduced_project, tmp_path / "mlgate")
    monkeypatch.chdir(project)
    outcome = measure(project)
    assert isinstance(outcome, ModelUnchanged)
    lock = yaml.safe_load((project / "dvc.lock").read_text())
    (out,) = lock["stages"]["train"]["outs"]
    assert outcome.md5 == out["md5"]
