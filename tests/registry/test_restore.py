"""The rollback's text surgery keeps everything it does not restore byte for byte."""

from __future__ import annotations

import pytest
import yaml

from mlgate.registry import RegistryError
from mlgate.registry.lineage import Lineage, bump_for
from mlgate.registry.restore import replace_lock_entries, restore_params
from tests.support.paths import REPO_ROOT

PARAMS = (REPO_ROOT / "params.yaml").read_text()
LOCK = (REPO_ROOT / "dvc.lock").read_text()


def test_params_round_trip_is_byte_identical() -> None:
    assert restore_params(PARAMS, {}, "params.yaml") == PARAMS


def test_restoring_a_nested_value_changes_that_line_only() -> None:
    params = yaml.safe_load(PARAMS)["model"]["params"]
    restored = restore_params(PARAMS, {"model.params": params | {"max_iter": 30}}, "params.yaml")
    # ruamel keeps the comment's column: the value's line changes, padded to it
    assert restored == PARAMS.replace("max_iter: 100 ", "max_iter: 30  ", 1)


def test_restoring_adds_and_removes_keys_and_keeps_comments() -> None:
    params = yaml.safe_load(PARAMS)["model"]["params"]
    older = {k: v for k, v in params.items() if k != "max_leaf_nodes"} | {"max_depth": 6}
    restored = restore_params(PARAMS, {"model.params": older, "data.seed": 1}, "params.yaml")
    body = yaml.safe_load(restored)
    assert body["model"]["params"] == older
    assert body["data"]["seed"] == 1
    assert "# shrinks leaf values (default 0)" in restored
    assert restored.count("\n") == PARAMS.count("\n")  # one line out, one line in


def test_null_and_booleans_are_written_as_people_write_them() -> None:
    restored = restore_params("a:\n  x: 1\n  y: null\n", {"a.x": None, "a.y": True}, "params.yaml")
    assert restored == "a:\n  x: null\n  y: true\n"


def test_lock_entries_are_swapped_as_text() -> None:
    older = LOCK.replace("max_iter: 100", "max_iter: 30")
    swapped = replace_lock_entries(LOCK, older, ("train",))
    assert swapped == LOCK.replace("max_iter: 100", "max_iter: 30", 1)
    assert replace_lock_entries(LOCK, older, ()) == LOCK


def test_a_lock_without_stages_is_an_error() -> None:
    with pytest.raises(RegistryError, match="no `stages:` section"):
        replace_lock_entries("schema: '2.0'\n", LOCK, ("train",))


def lineage(**params: object) -> Lineage:
    return Lineage("c", "h", ("train",), params, {"data/raw/data.parquet": "d1"})


def test_bump_names_each_changed_param_and_dataset() -> None:
    before = lineage(**{"model.params.max_depth": 8, "data.seed": 42})
    after = Lineage("c2", "h2", ("train",), {"model.params.max_depth": 12}, {})
    bump = bump_for(before, after)
    assert bump.kind == "minor"
    assert bump.changes == (
        "params: data.seed 42 → (none)",
        "params: model.params.max_depth 8 → 12",
        "data: data/raw/data.parquet",
    )


def test_bump_is_a_patch_when_only_the_model_changed() -> None:
    before = lineage(**{"model.params.max_depth": 8})
    after = Lineage("c2", "h2", ("train",), before.params, before.data)
    assert (
        bump_for(before, after).describe("v1.0.0")
        == "patch since v1.0.0: code or dependencies changed"
    )
