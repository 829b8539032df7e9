"""The suite's xdist schedule: longest first, and tests sharing an expensive fixture together."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from tests.support.paths import REPO_ROOT
from tests.support.scheduling import exclusive, group_with_its_peers, longest_first, session_folder

pytest_plugins = ["pytester"]


class FakeItem:
    def __init__(self, nodeid: str, *, fixtures: dict[str, str] | None = None, marks=()) -> None:
        self.nodeid = nodeid
        self.fixturenames = list(fixtures or {})
        defs = {
            name: [SimpleNamespace(baseid="tests/x", scope=scope)]
            for name, scope in (fixtures or {}).items()
        }
        self._fixtureinfo = SimpleNamespace(name2fixturedefs=defs)
        self.marks = {name: getattr(pytest.mark, name) for name in marks}

    def get_closest_marker(self, name: str) -> Any:
        return self.marks.get(name)

    def add_marker(self, marker: Any) -> None:
        self.marks[marker.name] = marker

    def group(self) -> str | None:
        mark = self.marks.get("xdist_group")
        return mark.args[0] if mark else None


def test_every_test_sharing_an_expensive_fixture_is_grouped_and_the_longest_start_first() -> None:
    served = [
        FakeItem(f"tests/serving/test_{n}.py::t", fixtures={"packaged": "session"}) for n in "ab"
    ]
    run = [FakeItem(f"tests/e2e/test_run.py::t{n}", fixtures={"run": "module"}) for n in "12"]
    plain = FakeItem("tests/test_plain.py::t", fixtures={"tmp_path": "function"})
    plain._fixtureinfo.name2fixturedefs["tmp_path"][0].baseid = ""  # pytest's own fixture
    rehearsal = FakeItem("tests/workflows/test_push.py::t", marks=("slow", "rehearsal"))
    items = [*served, plain, *run, rehearsal]

    for item in items:
        group_with_its_peers(cast(pytest.Item, item))
    longest_first(cast(list[pytest.Item], items))

    assert items[0] is rehearsal
    assert [item.group() for item in served] == ["serving-project", "serving-project"]
    assert [item.group() for item in run] == ["tests/e2e/test_run.py"] * 2
    assert plain.group() is None


MODULE = """
import pytest

@pytest.fixture(scope="module")
def expensive():
    return object()

@pytest.mark.parametrize("n", range(4))
def test_shares_it(expensive, n):
    pass
"""


def test_xdist_keeps_each_group_on_one_worker(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through xdist itself: a pytest that drops the group marks (9.2 with xdist 3.8) fails."""
    pytester.makepyfile(
        conftest="""
from tests.support.paths import REPO_ROOT
from tests.support.scheduling import group_with_its_peers

def pytest_itemcollected(item):
    group_with_its_peers(item)
"""
    )
    (pytester.path / "tests").mkdir()  # a folder, not a package: `tests` stays this repo's
    for name in ("test_a", "test_b"):
        (pytester.path / "tests" / f"{name}.py").write_text(MODULE)
    monkeypatch.setenv("PYTHONPATH", str(REPO_ROOT))
    result = pytester.runpytest_subprocess(
        "-n", "2", "--dist", "loadgroup", "-v", "-p", "no:cacheprovider", "-p", "no:cov"
    )
    result.assert_outcomes(passed=8)
    workers: dict[str, set[str]] = {}
    for line in result.outlines:
        found = re.match(r"\[(gw\d)\] .*PASSED tests/(test_\w)\.py::\S+@tests/(test_\w)\.py", line)
        if found:
            workers.setdefault(found[2], set()).add(found[1])
    assert set(workers) == {"test_a", "test_b"}, result.outlines
    assert all(len(ran_on) == 1 for ran_on in workers.values()), workers


def test_one_worker_at_a_time_holds_the_session_lock(tmp_path: Path) -> None:
    lock = tmp_path / "reproduced.lock"
    order: list[str] = []

    def second_worker() -> None:
        with exclusive(lock):
            order.append("second")

    with exclusive(lock):
        waiting = threading.Thread(target=second_worker)
        waiting.start()
        waiting.join(timeout=0.5)
        assert waiting.is_alive(), "the second worker did not wait for the lock"
        order.append("first")
    waiting.join(timeout=5)
    assert order == ["first", "second"]


def test_workers_share_the_session_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path_factory.getbasetemp()
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    assert session_folder(tmp_path_factory) == base.parent
    monkeypatch.delenv("PYTEST_XDIST_WORKER")
    assert session_folder(tmp_path_factory) == base
