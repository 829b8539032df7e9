"""The workspace's slices found again with the card stage's own plan and masks: the same slices,
each with as many test rows as the card scored, named by their row ids in the test split."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from mlgate.config.loading import load_params
from mlgate.model.slice_masks import SliceMask
from mlgate.review.slice_rows import slice_row_ids, workspace_slice_rows
from tests.support.cli import STAGES, run, run_stages


def test_a_slice_is_named_by_the_test_splits_row_ids_not_positions() -> None:
    test = pd.DataFrame({"colour": ["red", "blue", "red"]}, index=[7, 3, 11])
    mask = SliceMask("colour", "categorical", "red", False, np.array([True, False, True]))
    assert slice_row_ids(test, [mask])[("colour", "red", False)].tolist() == [7, 11]


def test_the_workspace_slices_are_the_cards_with_its_row_counts(workdir: Path) -> None:
    run_stages(*STAGES)
    code, _, err = run("card")
    assert code == 0, err
    found = workspace_slice_rows(load_params(Path("params.yaml")))
    assert not isinstance(found, str), found
    scored = json.loads(Path("reports/slices.json").read_text())["slices"]
    assert {(s["feature"], s["name"], s["missing"]): s["rows"] for s in scored} == {
        key: len(ids) for key, ids in found.items()
    }


def test_without_the_pipelines_outputs_the_reason_names_the_missing_file(workdir: Path) -> None:
    found = workspace_slice_rows(load_params(Path("params.yaml")))
    assert isinstance(found, str)
    assert found.startswith("the card's slices could not be found again in this workspace (")
    assert "validation" in found
