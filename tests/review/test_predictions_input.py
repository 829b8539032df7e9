"""Both sides' per-row predictions for the intervals: the base's from the DVC cache by its
dvc.lock's md5; when the base predates them or the cache lacks them, one line, no crash."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mlgate.model.predictions import RowPredictions
from mlgate.review.predictions_input import ComparedPredictions, read_compared_predictions
from mlgate.review.revisions import Revision
from mlgate.vcs.dvc import open_repo
from tests.support.row_predictions import classifier_rows, lock_predictions
from tests.support.shell import git, sh

PREDICTIONS = Path("reports/predictions.parquet")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git + DVC repository with one commit, as the current directory."""
    git(tmp_path, "init", "-q")
    sh(tmp_path, "dvc", "init", "-q")
    (tmp_path / "params.yaml").write_text("{}\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "init")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _compare(root: Path, base_sha: str) -> ComparedPredictions | str:
    return read_compared_predictions(open_repo(root), Revision("main", base_sha))


def _rows(flipped: int = 0, rows: int = 40) -> RowPredictions:
    target = np.random.default_rng(0).integers(0, 2, rows)
    return classifier_rows(np.arange(rows) >= flipped, target)


def _write_head(rows: RowPredictions) -> None:
    PREDICTIONS.parent.mkdir(exist_ok=True)
    PREDICTIONS.write_bytes(rows.to_parquet_bytes())


def test_the_bases_predictions_come_from_the_dvc_cache_and_pair_on_the_same_rows(
    project: Path,
) -> None:
    base_sha = lock_predictions(project, _rows())
    _write_head(_rows(flipped=3))
    compared = _compare(project, base_sha)
    assert isinstance(compared, ComparedPredictions)
    assert compared.paired
    assert compared.base.same_rows(_rows())


def test_other_test_rows_are_compared_unpaired(project: Path) -> None:
    base_sha = lock_predictions(project, _rows())
    _write_head(_rows(rows=45))  # more data: other test rows
    compared = _compare(project, base_sha)
    assert isinstance(compared, ComparedPredictions)
    assert not compared.paired


def test_a_base_that_predates_the_predictions_is_one_line(project: Path) -> None:
    base_sha = git(project, "rev-parse", "HEAD")  # no dvc.lock at all
    _write_head(_rows())
    reason = _compare(project, base_sha)
    assert isinstance(reason, str)
    assert "has no per-row predictions" in reason
    assert "\n" not in reason


def test_base_predictions_missing_from_the_cache_are_one_line(project: Path) -> None:
    base_sha = lock_predictions(project, _rows(), cached=False)
    _write_head(_rows())
    reason = _compare(project, base_sha)
    assert isinstance(reason, str)
    assert "not in the local DVC cache and was not fetched from the DVC remote" in reason
    assert "\n" not in reason


def test_no_workspace_predictions_is_one_line(project: Path) -> None:
    base_sha = lock_predictions(project, _rows())
    reason = _compare(project, base_sha)
    assert isinstance(reason, str)
    assert "run `dvc repro evaluate`" in reason
