"""Run commands in a temporary project the way a user's shell would (venv first on PATH)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "mlgate tests",
    "GIT_AUTHOR_EMAIL": "tests@mlgate.invalid",
    "GIT_COMMITTER_NAME": "mlgate tests",
    "GIT_COMMITTER_EMAIL": "tests@mlgate.invalid",
}


def attempt(folder: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """Run a command and return its result, whatever the exit status."""
    env = {
        **os.environ,
        **GIT_IDENTITY,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "DVC_NO_ANALYTICS": "1",
    }
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, check=False)


def sh(folder: Path, *command: str) -> str:
    """Run a command that must succeed; return its combined output."""
    completed = attempt(folder, *command)
    assert completed.returncode == 0, f"{command} failed:\n{completed.stdout}\n{completed.stderr}"
    return completed.stdout + completed.stderr


def stages_run(output: str) -> list[str]:
    return [line.split("'")[1] for line in output.splitlines() if line.startswith("Running stage")]
