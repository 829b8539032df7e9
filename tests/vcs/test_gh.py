"""vcs.gh with stand-in `gh` scripts on PATH: missing, not signed in, failing, reusing a PR."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from mlgate.errors import GitHubCliError, MlgateError
from mlgate.vcs import gh


def stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str) -> None:
    """PATH holds only a `gh` that runs `script` (a POSIX shell body)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    path = folder / "gh"
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(folder))


def test_gh_error_is_a_user_mistake_the_cli_reports() -> None:
    assert issubclass(GitHubCliError, MlgateError)


def test_missing_gh_says_where_to_get_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GitHubCliError, match=r"^the GitHub CLI `gh` is not installed \(https"):
        gh.run(tmp_path, "pr", "list")


def test_gh_not_signed_in_says_how_to_sign_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stand_in(
        tmp_path,
        monkeypatch,
        "echo 'To get started with GitHub CLI, please run:  gh auth login' >&2; exit 4",
    )
    with pytest.raises(GitHubCliError, match=r"not signed in: run `gh auth login`"):
        gh.run(tmp_path, "pr", "list")


def test_a_failed_call_names_the_subcommand_and_ghs_last_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stand_in(tmp_path, monkeypatch, "echo 'first' >&2; echo 'no such branch: x' >&2; exit 1")
    with pytest.raises(GitHubCliError, match=r"^`gh pr create` failed: no such branch: x$"):
        gh.run(tmp_path, "pr", "create", "--head", "x")


def test_an_open_pull_request_is_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stand_in(
        tmp_path,
        monkeypatch,
        'if [ "$2" = list ]; then echo \'[{"url": "https://github.com/o/r/pull/4"}]\'; '
        "else exit 1; fi",
    )
    assert gh.open_pull_request(tmp_path, "main", "b", "t", "body") == (
        "https://github.com/o/r/pull/4",
        False,
    )


def test_a_new_pull_request_is_created_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = tmp_path / "calls"
    stand_in(
        tmp_path,
        monkeypatch,
        f'echo "$*" >> {calls}\n'
        'if [ "$2" = list ]; then echo "[]"; '
        "else echo 'Creating pull request'; echo https://github.com/o/r/pull/9; fi",
    )
    assert gh.open_pull_request(tmp_path, "main", "b", "t", "body") == (
        "https://github.com/o/r/pull/9",
        True,
    )
    assert [line.split()[:2] for line in calls.read_text().splitlines()] == [
        ["pr", "list"],
        ["pr", "create"],
    ]


def test_attestation_verify_asks_for_the_image_and_repository_as_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = tmp_path / "calls"
    stand_in(
        tmp_path,
        monkeypatch,
        f'echo "$*" >> {calls}\n'
        """echo '[{"verificationResult": {"statement": {"subject": []}}}]'""",
    )
    verified = gh.verify_attestation(tmp_path, "ghcr.io/o/r@sha256:ab", "o/r")
    assert verified == [{"verificationResult": {"statement": {"subject": []}}}]
    assert calls.read_text().split() == [
        "attestation",
        "verify",
        "oci://ghcr.io/o/r@sha256:ab",
        "--repo",
        "o/r",
        "--format",
        "json",
    ]


def test_a_failed_attestation_verification_is_one_error_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stand_in(tmp_path, monkeypatch, "echo '✗ no attestations found for subject' >&2; exit 1")
    with pytest.raises(GitHubCliError, match=r"^`gh attestation verify` failed: ✗ no attestations"):
        gh.verify_attestation(tmp_path, "ghcr.io/o/r@sha256:ab", "o/r")


def test_attestation_output_that_is_not_json_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stand_in(tmp_path, monkeypatch, "echo 'Loaded digest sha256:ab'")
    with pytest.raises(GitHubCliError, match="printed no JSON"):
        gh.verify_attestation(tmp_path, "ghcr.io/o/r@sha256:ab", "o/r")
