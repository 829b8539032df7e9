"""The serving cost on real pipelines: a PR that grows the forest (100 → 300 trees) costs more
to store and to serve; a base whose model is not in the cache is one line, in the review and in
the gate, and nothing crashes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from mlgate.config import load_params
from mlgate.review.revisions import resolve_base
from mlgate.review.serving_cost import CostUnavailable, ServingCost
from mlgate.review.serving_cost_input import measure_serving_cost
from mlgate.review.serving_cost_section import serving_cost_section
from mlgate.vcs.dvc import cached_file, open_repo
from tests.support.markdown import row, table_with
from tests.support.projects import copy_reproduced
from tests.support.shell import attempt, sh, stages_run

pytestmark = pytest.mark.slow


def edit_params(project: Path, section: str, **values: object) -> None:
    path = project / "params.yaml"
    params = yaml.safe_load(path.read_text())
    params[section].update(values)
    path.write_text(yaml.safe_dump(params, sort_keys=False))


@pytest.fixture
def project(reproduced_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copied = copy_reproduced(reproduced_project, tmp_path / "mlgate")
    monkeypatch.chdir(copied)
    return copied


def test_a_larger_forest_costs_more_to_store_and_to_serve(project: Path) -> None:
    params = yaml.safe_load((project / "params.yaml").read_text())
    trees = params["model"]["params"]["n_estimators"]
    params["model"]["params"]["n_estimators"] = trees * 3
    (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    # Only the model matters here: train re-runs (the review itself would want every stage).
    assert stages_run(sh(project, "dvc", "repro", "train")) == ["train"]

    cost = measure_serving_cost(
        open_repo(project),
        resolve_base(project, "main"),
        load_params(project / "params.yaml"),
        project / "params.yaml",
    )
    assert isinstance(cost, ServingCost), cost
    assert cost.head.size_bytes == (project / "models" / "model.skops").stat().st_size
    ratios = (cost.size_ratio, cost.latency_ratio, cost.throughput_ratio)
    assert None not in ratios
    size, latency, throughput = (value or 0.0 for value in ratios)
    assert size > 2  # three times the trees
    assert latency > 1
    assert throughput < 1

    table = table_with(serving_cost_section(cost), "PR / base")
    shown = row(table, "cost", "model file size")["PR / base"]
    assert float(shown.removesuffix("×")) == pytest.approx(size, abs=0.01)


def test_a_base_model_missing_from_the_cache_is_one_line_and_fails_only_its_gate(
    project: Path,
) -> None:
    repo = open_repo(project)
    base = resolve_base(project, "main")
    cached = cached_file(repo, base.sha, "models/model.skops")
    assert cached is not None
    cached.unlink()  # the workspace keeps its copy; the remote is unreachable here
    edit_params(project, "gates", max_latency_ratio=1.5)

    sh(project, "mlgate", "report", "--base", "main", "--gates-from", "workspace")
    text = (project / "reports" / "review.md").read_text()
    section = text.split("### Serving cost")[1].split("\n\n")[1]
    assert section.startswith("Not measured: the base's models/model.skops (md5 ")
    assert "dvc fetch models/model.skops" in section
    unavailable = json.loads((project / "reports" / "review" / "review.json").read_text())
    assert (
        "neither in the local DVC cache nor fetchable" in unavailable["serving_cost"]["unavailable"]
    )

    gate = attempt(project, "mlgate", "gate", "--base", "main", "--gates-from", "workspace")
    assert gate.returncode == 1, gate.stdout + gate.stderr
    verdict = json.loads((project / "reports" / "gate.json").read_text())
    failed = [g for g in verdict["gates"] if g["status"] == "failed"]
    assert [(g["kind"], g["score"]) for g in failed] == [("max_latency_ratio", "p50 latency")]
    assert failed[0]["detail"].startswith("not measured: the base's models/model.skops")
    assert isinstance(
        measure_serving_cost(repo, base, load_params(project / "params.yaml"), Path("params.yaml")),
        CostUnavailable,
    )
