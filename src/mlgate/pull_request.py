"""Open a pull request with the GitHub CLI, reusing an open one: promotion and rollback share it."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from mlgate.errors import MlgateError


class GitHubCliError(MlgateError):
    """`gh` is missing or one of its calls failed (not signed in, no such branch on GitHub...)."""


def gh(root: Path, *args: str) -> str:
    """`gh args…` in `root`; its stdout, or an error naming the subcommand and gh's last line."""
    if shutil.which("gh") is None:
        raise GitHubCliError("the GitHub CLI `gh` is not installed (https://cli.github.com)")
    done = subprocess.run(["gh", *args], cwd=root, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise GitHubCliError(f"`gh {args[0]} {args[1]}` failed: {detail[-1] if detail else '?'}")
    return done.stdout.strip()


def open_or_reuse(root: Path, base: str, head: str, title: str, body: str) -> tuple[str, bool]:
    """The URL of the open PR from `head` into `base`, and whether it is new (never duplicated)."""
    listed = gh(
        root, "pr", "list", "--base", base, "--head", head, "--state", "open", "--json", "url"
    )
    existing = json.loads(listed or "[]")
    if existing:
        return str(existing[0]["url"]), False
    url = gh(root, "pr", "create", "--base", base, "--head", head, "--title", title, "--body", body)
    return url.splitlines()[-1], True
