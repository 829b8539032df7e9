"""`mlgate add-labelled`: a labelled batch becomes a new DVC version of the training data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from mlgate.cli import app
from tests.support.datasets import params_with, write_params

runner = CliRunner()
TRAINING = Path("data/external/training.parquet")


@pytest.fixture
def project(workdir: Path) -> Path:
    """A DVC project (no git) after ingest, validate and split; labels = the test split."""
    from dvc.repo import Repo

    write_params(workdir, params_with())
    for stage in ("ingest", "validate", "split"):
        result = runner.invoke(app, [stage])
        assert result.exit_code == 0, result.stderr
    Repo.init(str(workdir), no_scm=True).close()
    labels = pd.read_parquet(workdir / "data" / "processed" / "test.parquet")
    labels.assign(size=labels["size"].fillna(0) + 100).to_csv(workdir / "labels.csv", index=False)
    return workdir


def source(folder: Path) -> str:
    return str(yaml.safe_load((folder / "params.yaml").read_text())["data"]["source"])


def test_labelled_rows_become_a_dvc_tracked_version_once(project: Path) -> None:
    before = len(pd.read_parquet(project / "data" / "raw" / "data.parquet"))
    first = runner.invoke(app, ["add-labelled", "--labels", "labels.csv"])
    assert first.exit_code == 0, first.stderr
    added = len(pd.read_csv(project / "labels.csv"))
    assert f"{added} new labelled rows ({before + added} in all)" in first.stdout
    assert len(pd.read_parquet(project / TRAINING)) == before + added
    assert (project / f"{TRAINING}.dvc").is_file()
    assert source(project) == str(TRAINING)
    again = runner.invoke(app, ["add-labelled", "--labels", "labels.csv"])
    assert again.exit_code == 0, again.stderr
    assert "0 new labelled rows" in again.stdout


def test_a_bad_label_is_one_line_and_changes_nothing(project: Path) -> None:
    labels = pd.read_csv(project / "labels.csv")
    target = yaml.safe_load((project / "params.yaml").read_text())["data"]["target"]
    labels.loc[0, target] = "malignant"
    labels.to_csv(project / "labels.csv", index=False)
    params_before = (project / "params.yaml").read_text()
    result = runner.invoke(app, ["add-labelled", "--labels", "labels.csv"])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1, result.stderr
    assert f"{target!r} has label(s) the model was not trained on: malignant" in result.stderr
    assert (project / "params.yaml").read_text() == params_before
    assert not (project / TRAINING).exists()


def test_a_symlinked_params_file_is_edited_through_the_link(project: Path) -> None:
    """Forkers may keep params.yaml elsewhere; repointing must not replace the link by a copy."""
    real = project / "config" / "params.yaml"
    real.parent.mkdir()
    (project / "params.yaml").rename(real)
    (project / "params.yaml").symlink_to(real)
    result = runner.invoke(app, ["add-labelled", "--labels", "labels.csv"])
    assert result.exit_code == 0, result.stderr
    assert (project / "params.yaml").is_symlink()
    assert source(real.parent) == str(TRAINING)
