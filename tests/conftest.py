"""Shared fixtures: small datasets built here (never downloaded) and isolated work folders."""

from __future__ import annotations

import os

# The suite runs the same locally and inside a GitHub job (ci.yml runs `make test`): GitHub's
# context would change what the code under test records (GITHUB_SHA in a bento) and how typer
# prints help (colour forced under GITHUB_ACTIONS). Tests that need a variable set it themselves.
# This runs before anything imports typer.
for _name in [n for n in os.environ if n.startswith(("GITHUB_", "RUNNER_"))]:
    del os.environ[_name]
for _name in ("FORCE_COLOR", "PY_COLORS"):
    os.environ.pop(_name, None)
# One OpenMP thread per test process (and the `dvc repro`s it starts): the suite already runs a
# worker per core, and histogram gradient boosting's OpenMP threads on a busy core spin instead
# of sleeping (a 455-row fit: 0.06 s on one thread, 1.2-7 s on two beside another worker). The
# model is byte-identical for any thread count (tests/model/test_fitting.py).
os.environ["OMP_NUM_THREADS"] = "1"

import shutil
from pathlib import Path

import pandas as pd
import pytest
from benchmarks.pipeline import copy_project

from tests.support.datasets import BASE_PARAMS, make_custom_frame, write_params
from tests.support.scheduling import exclusive, group_with_its_peers, longest_first, session_folder
from tests.support.shell import sh, stages_run

# The tests carrying any of these markers skip. The ci.yml rehearsal sets it: ci.yml's jobs run
# every tier of this suite, and its slow tiers are the outer run's (a rehearsal inside a rehearsal
# would never end).
SKIP_MARKERS = os.environ.get("MLGATE_SKIP_MARKERS", "").split()
# And, when set, every test whose node id starts with none of these prefixes skips: the deploy.yml
# rehearsal's `make test-serving` runs a sample (the outer suite runs every serving test).
ONLY_TESTS = tuple(os.environ.get("MLGATE_ONLY_TESTS", "").split())


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(reason=f"MLGATE_SKIP_MARKERS={' '.join(SKIP_MARKERS)}")
    not_sampled = pytest.mark.skip(reason=f"MLGATE_ONLY_TESTS={' '.join(ONLY_TESTS)}")
    for item in items:
        if any(item.get_closest_marker(name) for name in SKIP_MARKERS):
            item.add_marker(skip)
        elif ONLY_TESTS and not item.nodeid.startswith(ONLY_TESTS):
            item.add_marker(not_sampled)
    if os.environ.get("PYTEST_XDIST_WORKER"):
        longest_first(items)


def pytest_itemcollected(item: pytest.Item) -> None:
    group_with_its_peers(item)


@pytest.fixture
def custom_frame() -> pd.DataFrame:
    return make_custom_frame()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder, made the current directory, holding the custom CSV."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data" / "external").mkdir(parents=True)
    make_custom_frame().to_csv(tmp_path / "data" / "external" / "custom.csv", index=False)
    write_params(tmp_path, BASE_PARAMS)
    return tmp_path


@pytest.fixture(scope="session")
def reproduced_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's files in a new git repository after one `dvc repro`, once per test session:
    under xdist the first worker to need it runs it while the others wait, then all share it.
    Never changed: a test copies it (tests.support.projects.copy_reproduced)."""
    shared = session_folder(tmp_path_factory) / "reproduced"
    project = shared / "mlgate"
    with exclusive(shared.with_suffix(".lock")):
        if not (shared / "done").exists():
            shutil.rmtree(shared, ignore_errors=True)  # a worker's failed attempt
            copy_project(project)  # the working tree's files, committed on main
            first = sh(project, "dvc", "repro")
            # Stages whose outputs live only in the DVC cache must run; those whose outputs are
            # committed (validate, evaluate) may be skipped when their deps reproduce the same
            # hashes.
            assert {"ingest", "split", "train"} <= set(stages_run(first)), first
            (shared / "done").touch()
    return project
