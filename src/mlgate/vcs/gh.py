"""Every GitHub CLI (`gh`) call mlgate makes: opening a pull request, or reusing the open one,
and verifying an image's provenance attestation before a rollout.

Promotion, rollback and the rollout's check share it; each fails with one GitHubCliError saying
what to do.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from mlgate.errors import GitHubCliError

NOT_SIGNED_IN = 4  # gh's exit status when it has no credentials
TIMEOUT_SECONDS = 120.0


def run(root: Path, *args: str) -> str:
    """`gh ARGS` in `root`; its stdout, or an error naming the subcommand and gh's last line."""
    if shutil.which("gh") is None:
        raise GitHubCliError("the GitHub CLI `gh` is not installed (https://cli.github.com)")
    named = " ".join(("gh", *args[:2]))
    try:
        done = subprocess.run(
            ["gh", *args],
            cwd=root,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
            timeout=TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired:
        raise GitHubCliError(f"`{named}` took longer than {TIMEOUT_SECONDS:g} s") from None
    if done.returncode == NOT_SIGNED_IN:
        raise GitHubCliError(
            "the GitHub CLI `gh` is not signed in: run `gh auth login` "
            "(in GitHub Actions, set GH_TOKEN for the step)"
        )
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise GitHubCliError(f"`{named}` failed: {detail[-1] if detail else '?'}")
    return done.stdout.strip()


def open_pull_request(root: Path, base: str, head: str, title: str, body: str) -> tuple[str, bool]:
    """The URL of the open PR from `head` into `base`, and whether it is new (never duplicated)."""
    listed = run(
        root, "pr", "list", "--base", base, "--head", head, "--state", "open", "--json", "url"
    )
    existing = json.loads(listed or "[]")
    if existing:
        return str(existing[0]["url"]), False
    url = run(
        root, "pr", "create", "--base", base, "--head", head, "--title", title, "--body", body
    )
    return url.splitlines()[-1], True


def verify_attestation(root: Path, image: str, repo: str) -> list[dict[str, Any]]:
    """`gh attestation verify oci://IMAGE --repo REPO`: the verified attestations, as gh's JSON.

    gh checks the Sigstore signature and that the signer is a workflow of `repo`; the caller
    checks which digest the statement names. A failed verification is a GitHubCliError.
    """
    shown = run(root, "attestation", "verify", f"oci://{image}", "--repo", repo, "--format", "json")
    try:
        verified = json.loads(shown or "[]")
    except json.JSONDecodeError:
        raise GitHubCliError("`gh attestation verify` printed no JSON") from None
    if not isinstance(verified, list):
        raise GitHubCliError("`gh attestation verify` printed JSON that is not a list")
    return [item for item in verified if isinstance(item, dict)]
