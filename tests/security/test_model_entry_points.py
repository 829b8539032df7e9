"""Every command that loads the model refuses a crafted one before it runs: the pipeline's
stages, `mlgate bento`, `mlgate smoke` and the server's start-up (`Predictor.from_folder`)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.support.payloads import payloads, rewrite
from tests.support.projects import copy_reproduced
from tests.support.shell import attempt

pytestmark = pytest.mark.slow

MODEL = "models/model.skops"
DEFAULT_PAYLOAD = "reexported-popen"


@pytest.fixture
def reproduced(reproduced_project: Path) -> Path:
    """The session's reproduced project (never changed here)."""
    return reproduced_project


@pytest.fixture
def project(reproduced_project: Path, tmp_path: Path) -> Path:
    return copy_reproduced(reproduced_project, tmp_path / "mlgate")


def _swap_model(project: Path, payload: str, marker: Path, *, record: bool) -> tuple[str, str]:
    """Put a crafted model in place (a real file, not DVC's link); `record`: into dvc.lock too."""
    path = project / MODEL
    original = path.read_bytes()
    crafted = rewrite(original, payloads(marker, marker.with_suffix(".victim"))[payload])
    path.unlink()
    path.write_bytes(crafted)
    old, new = hashlib.md5(original).hexdigest(), hashlib.md5(crafted).hexdigest()
    if record:  # as if the crafted file had been reviewed and committed
        lock = project / "dvc.lock"
        lock.write_text(lock.read_text().replace(old, new))
    return old, new


def _refused_in_one_line(result: object, marker: Path) -> str:
    assert result.returncode == 1, result.stdout + result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in result.stderr  # type: ignore[attr-defined]
    lines = [line for line in result.stderr.splitlines() if line.strip()]  # type: ignore[attr-defined]
    assert len(lines) == 1, result.stderr  # type: ignore[attr-defined]
    assert not marker.exists(), "the payload ran"
    return lines[0]


@pytest.mark.parametrize(
    "command",
    [("evaluate",), ("drift",), ("card",), ("bento", "--no-build"), ("smoke",)],
    ids=lambda command: command[0],
)
def test_every_loader_refuses_a_model_naming_a_forbidden_type(
    command: tuple[str, ...], project: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "ran"
    _swap_model(project, DEFAULT_PAYLOAD, marker, record=True)
    env = {"BENTOML_HOME": str(tmp_path / "bentoml")}
    line = _refused_in_one_line(attempt(project, "mlgate", *command, env=env), marker)
    assert line.startswith(f"error: {MODEL}: refusing to load types outside the allow-list")
    assert "numpy.distutils.fcompiler.gnu.Popen" in line


@pytest.mark.parametrize("payload", ["nested-in-valid-pipeline", "numpy-memmap", "builtins-eval"])
def test_the_evaluate_stage_refuses_each_payload(
    payload: str, project: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "ran"
    victim = marker.with_suffix(".victim")
    victim.write_text("precious data, 16+ bytes long\n")
    _swap_model(project, payload, marker, record=True)
    line = _refused_in_one_line(attempt(project, "mlgate", "evaluate"), marker)
    assert "refusing to load types outside the allow-list" in line
    assert victim.read_text() == "precious data, 16+ bytes long\n"


def test_a_model_swapped_after_review_is_refused_by_its_hash(project: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    recorded, actual = _swap_model(project, DEFAULT_PAYLOAD, marker, record=False)
    line = _refused_in_one_line(attempt(project, "mlgate", "evaluate"), marker)
    assert line == (
        f"error: {MODEL}: md5 {actual} is not the md5 {recorded} recorded in dvc.lock; "
        "refusing to load it (`dvc checkout` restores the recorded file)"
    )


def test_the_server_start_up_refuses_a_crafted_packaged_model(
    reproduced: Path, tmp_path: Path
) -> None:
    """What the BentoML service runs at start-up, on a model folder an attacker wrote."""
    from mlgate.errors import ArtifactError
    from mlgate.serving.predictor import METADATA_FILE, MODEL_FILE, Predictor

    marker = tmp_path / "ran"
    folder = tmp_path / "packaged"
    folder.mkdir()
    original = (reproduced / MODEL).read_bytes()
    crafted = rewrite(original, payloads(marker, tmp_path / "v")[DEFAULT_PAYLOAD])
    (folder / MODEL_FILE).write_bytes(crafted)
    (folder / "contract.json").write_text(_contract_of(reproduced))
    info = {
        "model_version": hashlib.md5(crafted).hexdigest(),
        "estimator": "sklearn.ensemble.RandomForestClassifier",
        "prediction_log": {"dir": None, "sample_rate": 0.0},
    }
    (folder / METADATA_FILE).write_text(json.dumps(info))
    with pytest.raises(ArtifactError, match="refusing to load types outside the allow-list"):
        Predictor.from_folder(folder)
    assert not marker.exists()
    (folder / METADATA_FILE).write_text(
        json.dumps(info | {"model_version": hashlib.md5(original).hexdigest()})
    )
    with pytest.raises(ArtifactError, match=rf"md5 .* recorded in .*{METADATA_FILE}"):
        Predictor.from_folder(folder)
    assert not marker.exists()


def _contract_of(project: Path) -> str:
    """The request contract `mlgate bento` would package for this project."""
    import pandas as pd

    from mlgate.config import load_params
    from mlgate.data.feature_schema import ValidationReport
    from mlgate.serving.package import build_contract

    report = ValidationReport.from_json_dict(
        json.loads((project / "reports/data_validation.json").read_text())
    )
    assert report.schema_ is not None
    contract = build_contract(
        report.schema_,
        pd.read_parquet(project / "data/processed/train.parquet"),
        report.null_fraction,
        load_params(project / "params.yaml").serving,
    )
    return json.dumps(contract.to_json_dict())
