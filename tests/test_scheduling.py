"""The suite's xdist schedule: longest first, and tests sharing an expensive fixture together."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest

from tests.support.scheduling import schedule_for_xdist


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

    schedule_for_xdist(cast(list[pytest.Item], items))

    assert items[0] is rehearsal
    assert [item.group() for item in served] == ["serving-project", "serving-project"]
    assert [item.group() for item in run] == ["tests/e2e/test_run.py"] * 2
    assert plain.group() is None
