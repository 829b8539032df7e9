"""Run commands in a temporary project the way a user's shell would (venv first on PATH)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

BIN = Path(sys.executable).parent
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "mlgate tests",
    "GIT_AUTHOR_EMAIL": "tests@mlgate.invalid",
    "GIT_COMMITTER_NAME": "mlgate tests",
    "GIT_COMMITTER_EMAIL": "tests@mlgate.invalid",
}


def attempt(
    folder: Path,
    *command: str,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a command and return its result, whatever the exit status.

    `env` adds to (or overrides) the inherited environment; past `timeout` seconds the command is
    killed and the test fails with subprocess.TimeoutExpired.
    """
    environment = {
        **os.environ,
        **GIT_IDENTITY,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "DVC_NO_ANALYTICS": "1",
        **(env or {}),
    }
    return subprocess.run(
        command,
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def sh(
    folder: Path,
    *command: str,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> str:
    """Run a command that must succeed; return its combined output."""
    completed = attempt(folder, *command, env=env, timeout=timeout)
    assert completed.returncode == 0, f"{command} failed:\n{completed.stdout}\n{completed.stderr}"
    return completed.stdout + completed.stderr


def stages_run(output: str) -> list[str]:
    return [line.split("'")[1] for line in output.splitlines() if line.startswith("Running stage")]


def git(folder: Path, *args: str) -> str:
    """`git args…` in `folder` with the tests' identity, which must succeed; stdout, stripped."""
    completed = attempt(folder, "git", *args)
    assert completed.returncode == 0, f"git {args} failed:\n{completed.stdout}\n{completed.stderr}"
    return completed.stdout.strip()
