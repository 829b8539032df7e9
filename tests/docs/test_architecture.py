"""docs/architecture.md names every module of src/mlgate, and only modules that exist."""

from __future__ import annotations

import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGE = REPO_ROOT / "src" / "mlgate"
ARCHITECTURE = REPO_ROOT / "docs" / "architecture.md"
# A module is named as a code span of its path below src/mlgate/: `stages/train.py`.
NAMED = re.compile(r"`((?!tests/)[a-z_/]+\.py)`")


def _named() -> set[str]:
    return set(NAMED.findall(ARCHITECTURE.read_text(encoding="utf-8")))


def _modules() -> set[str]:
    return {path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")}


def test_every_module_is_in_the_architecture_page() -> None:
    missing = sorted(_modules() - _named())
    assert missing == [], f"docs/architecture.md does not name: {missing}"


def test_the_architecture_page_names_no_missing_module() -> None:
    stale = sorted(_named() - _modules())
    assert stale == [], f"docs/architecture.md names modules that do not exist: {stale}"
