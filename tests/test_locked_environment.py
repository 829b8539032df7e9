"""The runtime pins read from uv.lock: what a dependency bump is judged by."""

from __future__ import annotations

import re

import pytest

from mlgate.errors import EnvironmentLockError
from mlgate.locked_environment import (
    LockedEnvironment,
    PinChange,
    changed_pins,
    locked_environment,
    parse_lock,
    python_version,
    read_record,
    runtime_pins,
)
from tests.support.paths import REPO_ROOT

# A small lock shaped as uv writes it: the project (editable), a runtime closure with a package
# forked by Python version, an extra on a dependency, the pipeline's tooling, the serving and
# monitoring extras and a dev group.
LOCK = """
version = 1
revision = 5
requires-python = ">=3.11"

[[package]]
name = "proj"
version = "0.1.0"
source = { editable = "." }
dependencies = [
    { name = "pandas" },
    { name = "dvc", extra = ["s3"] },
    { name = "numpy", version = "2.4.6", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version < '3.12'" },
    { name = "numpy", version = "2.5.5", source = { registry = "https://pypi.org/simple" }, marker = "python_full_version >= '3.12'" },
    { name = "fetcher", extra = ["http"] },
]

[package.optional-dependencies]
monitoring = [{ name = "evidently" }]
serving = [{ name = "bentoml" }]

[package.dev-dependencies]
dev = [{ name = "pytest" }]

[[package]]
name = "pandas"
version = "3.0.1"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "tzdata" }]

[[package]]
name = "tzdata"
version = "2026.1"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "numpy"
version = "2.4.6"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "numpy"
version = "2.5.5"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "fetcher"
version = "1.0"
source = { git = "https://example.com/fetcher?rev=main#0123abc" }

[package.optional-dependencies]
http = [{ name = "urllib3" }]

[[package]]
name = "urllib3"
version = "2.5.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "dvc"
version = "3.67.1"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "tzdata" }, { name = "pygit2" }]

[package.optional-dependencies]
s3 = [{ name = "dvc-s3" }]

[[package]]
name = "dvc-s3"
version = "3.2.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "pygit2"
version = "1.18.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "evidently"
version = "0.7.23"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "pandas" }]

[[package]]
name = "bentoml"
version = "1.4.39"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "pytest"
version = "9.1.0"
source = { registry = "https://pypi.org/simple" }
"""


def pins(text: str = LOCK) -> dict[str, str]:
    return runtime_pins(parse_lock(text, "uv.lock"))


def test_the_closure_holds_the_runtime_packages_and_their_dependencies() -> None:
    assert pins() == {
        "evidently": "0.7.23",
        "fetcher": "1.0 (git https://example.com/fetcher?rev=main#0123abc)",
        "numpy": "2.4.6, 2.5.5",
        "pandas": "3.0.1",
        "tzdata": "2026.1",
        "urllib3": "2.5.0",
    }


def test_dev_serving_and_pipeline_tooling_are_left_out() -> None:
    left_out = {"pytest", "bentoml", "dvc", "dvc-s3", "pygit2", "proj"}
    assert left_out.isdisjoint(pins())


def test_a_package_the_tooling_shares_with_a_runtime_package_stays() -> None:
    # tzdata is reached from dvc (left out) and from pandas (counted)
    without_pandas_tzdata = LOCK.replace(
        'version = "3.0.1"\nsource = { registry = "https://pypi.org/simple" }\n'
        'dependencies = [{ name = "tzdata" }]',
        'version = "3.0.1"\nsource = { registry = "https://pypi.org/simple" }',
    )
    assert "tzdata" in pins()
    assert "tzdata" not in pins(without_pandas_tzdata)


def test_a_version_bump_of_a_runtime_package_changes_the_pins() -> None:
    bumped = LOCK.replace(
        'name = "tzdata"\nversion = "2026.1"', 'name = "tzdata"\nversion = "2026.2"'
    )
    assert pins(bumped)["tzdata"] == "2026.2"
    assert changed_pins(
        LockedEnvironment("3.11", pins()), LockedEnvironment("3.11", pins(bumped))
    ) == [PinChange("tzdata", "2026.1", "2026.2")]


def test_a_dev_only_bump_leaves_the_pins_alone() -> None:
    bumped = LOCK.replace(
        'name = "pytest"\nversion = "9.1.0"', 'name = "pytest"\nversion = "9.1.1"'
    )
    assert bumped != LOCK
    assert pins(bumped) == pins()


def test_a_new_git_commit_of_a_dependency_changes_its_pin() -> None:
    moved = LOCK.replace("#0123abc", "#4567def")
    assert pins(moved)["fetcher"] != pins()["fetcher"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[package]\nname = 1", "uv.lock: not valid TOML"),
        ("version = 1\n", "uv.lock: no [[package]] entries (expected a uv lock file)"),
        (
            LOCK.replace('source = { editable = "." }', 'source = { registry = "x" }'),
            "uv.lock: no package is the project itself (source `.`)",
        ),
        (
            LOCK.replace('name = "tzdata"\nversion', 'name = "tzdata-gone"\nversion'),
            "uv.lock: tzdata is a dependency but not a [[package]]",
        ),
    ],
)
def test_a_broken_lock_is_one_line_naming_the_file(text: str, message: str) -> None:
    with pytest.raises(EnvironmentLockError, match=re.escape(message)):
        pins(text)


def test_the_project_lock_records_its_model_libraries_and_not_its_dev_tools() -> None:
    lock = (REPO_ROOT / "uv.lock").read_text()
    record = locked_environment(lock, (REPO_ROOT / ".python-version").read_text(), "uv.lock")
    assert {"scikit-learn", "numpy", "pandas", "pyarrow", "skops", "evidently"} <= set(
        record.packages
    )
    assert {"pytest", "ruff", "mypy", "bentoml", "dvc", "gto"}.isdisjoint(record.packages)
    assert record.python == (REPO_ROOT / ".python-version").read_text().strip()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3.11\n", "3.11"), ("# pinned for CI\n\n3.12.4\n", "3.12.4"), ("", None), (None, None)],
)
def test_python_version_is_the_first_version_line(text: str | None, expected: str | None) -> None:
    assert python_version(text) == expected


def test_a_record_round_trips_through_its_json() -> None:
    record = LockedEnvironment("3.11", {"numpy": "2.4.6", "pandas": "3.0.1"})
    assert read_record(record.to_json_dict()) == record
    assert read_record(None) is None
    assert read_record({"python": "3.11"}) is None


def test_changes_list_python_then_added_removed_and_repinned_packages() -> None:
    base = LockedEnvironment("3.11", {"a": "1", "b": "1", "c": "1"})
    head = LockedEnvironment("3.12", {"a": "1", "b": "2", "d": "1"})
    assert changed_pins(base, head) == [
        PinChange("python", "3.11", "3.12"),
        PinChange("b", "1", "2"),
        PinChange("c", "1", None),
        PinChange("d", None, "1"),
    ]
    assert changed_pins(base, base) == []
