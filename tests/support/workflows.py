"""The workflow files, read the way the tests look at them."""

from __future__ import annotations

from typing import Any

import yaml

from tests.support.paths import REPO_ROOT

WORKFLOWS = REPO_ROOT / ".github" / "workflows"
ALL = sorted(path.name for path in WORKFLOWS.glob("*.yml"))


def load(name: str) -> dict[str, Any]:
    # PyYAML reads the `on:` key as True; normalise it.
    body: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    body["on"] = body.pop(True, body.get("on"))
    return body


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job["steps"])


def uses_lines(name: str) -> list[str]:
    return [
        line.split("uses:", 1)[1].strip()
        for line in (WORKFLOWS / name).read_text().splitlines()
        if line.strip().startswith(("uses:", "- uses:"))
    ]
