"""How `make test` spreads the suite over pytest-xdist workers (-n auto --dist loadgroup).

A session or module fixture is built once per worker that needs it, so tests sharing an expensive
one go to one worker (an `xdist_group`). xdist hands out work in collection order (kept by
--no-loadscope-reorder), so the longest tests start first and no worker is left alone with a
rehearsal at the end.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

# Shared fixtures that span modules: every test using one runs on the same worker.
SHARED_FIXTURE_GROUPS = {"packaged": "serving-project", "registered_main": "rehearsal-registry"}
# Rehearsals and the container first, then the other slow tests, then the rest.
FIRST = ("rehearsal", "container", "slow")


def group_with_its_peers(item: pytest.Item) -> None:
    """Mark a test sharing an expensive fixture with its group as it is collected, so the mark
    is there before any collection hook (xdist's turns it into the test's work unit)."""
    group = xdist_group(item)
    if group and item.get_closest_marker("xdist_group") is None:
        item.add_marker(pytest.mark.xdist_group(group))


def longest_first(items: list[pytest.Item]) -> None:
    items.sort(key=start_order)


def start_order(item: pytest.Item) -> int:
    """0 for the rehearsals and the container, 1 for the other slow tests, 2 for the rest."""
    for rank, name in enumerate(FIRST):
        if item.get_closest_marker(name):
            return min(rank, 1)
    return 2


def xdist_group(item: pytest.Item) -> str | None:
    """The named group of a cross-module fixture, else the test's module when it uses one of our
    module- or session-scoped fixtures (a pipeline run, an origin), else None."""
    names: Sequence[str] = list(getattr(item, "fixturenames", ()))
    for name in names:
        if name in SHARED_FIXTURE_GROUPS:
            return SHARED_FIXTURE_GROUPS[name]
    info = getattr(item, "_fixtureinfo", None)
    definitions = info.name2fixturedefs if info is not None else {}
    for name in names:
        for definition in definitions.get(name, ()):
            ours = str(definition.baseid).startswith("tests")
            if ours and definition.scope in ("module", "session"):
                return item.nodeid.split("::")[0]
    return None


def session_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder every worker of this test session shares (xdist gives each worker a
    folder of its own inside it); without xdist, the session's own."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextmanager
def exclusive(lock_file: Path) -> Iterator[None]:
    """Hold an exclusive lock on `lock_file` (waiting for it): one worker at a time."""
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
