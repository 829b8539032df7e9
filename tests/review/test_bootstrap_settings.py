"""The base's `review.bootstrap` judges with the base's gates; a base without one defers to the
workspace's, and a malformed one is one line naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlgate.errors import ConfigError
from mlgate.review.bootstrap_settings import base_bootstrap
from mlgate.review.revisions import Revision
from mlgate.vcs.dvc import open_repo
from tests.support.shell import git, sh


def _base_with(root: Path, params: str) -> Revision:
    """A DVC repository whose one commit holds `params` as params.yaml."""
    git(root, "init", "-q")
    sh(root, "dvc", "init", "-q")
    (root / "params.yaml").write_text(params)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    return Revision("main", git(root, "rev-parse", "HEAD"))


def test_the_bases_bootstrap_settings_are_read_from_the_commit(tmp_path: Path) -> None:
    base = _base_with(tmp_path, "review:\n  bootstrap: {resamples: 500, level: 0.9, seed: 3}\n")
    (tmp_path / "params.yaml").write_text("review:\n  bootstrap: {level: 0.99}\n")  # the PR's
    settings = base_bootstrap(open_repo(tmp_path), base, "params.yaml")
    assert settings is not None
    assert (settings.resamples, settings.level, settings.seed) == (500, 0.9, 3)


def test_a_base_without_bootstrap_settings_has_none(tmp_path: Path) -> None:
    base = _base_with(tmp_path, "review:\n  plots: images\n")
    assert base_bootstrap(open_repo(tmp_path), base, "params.yaml") is None


def test_a_malformed_base_bootstrap_names_the_key(tmp_path: Path) -> None:
    base = _base_with(tmp_path, "review:\n  bootstrap: {level: 2}\n")
    with pytest.raises(
        ConfigError, match=r"params\.yaml at main \(\w+\): review\.bootstrap\.level"
    ):
        base_bootstrap(open_repo(tmp_path), base, "params.yaml")
