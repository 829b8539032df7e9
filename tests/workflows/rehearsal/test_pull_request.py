"""Rehearse review.yml on a pull request: from the same repository, and from a fork."""

from __future__ import annotations

from typing import Any

import pytest

from tests.workflows.rehearsal.act import REPOSITORY, Rehearsal

pytestmark = [pytest.mark.slow, pytest.mark.rehearsal]

# The DVC remote's write keys, as if set as repository secrets: the review must not use them.
WRITE_KEYS = {"AWS_ACCESS_KEY_ID": "write-key", "AWS_SECRET_ACCESS_KEY": "write-secret"}


def pull_request(rehearsal: Rehearsal, head_repo: str, head: str = "pr") -> dict[str, Any]:
    return {
        "action": "synchronize",
        "number": 7,
        "pull_request": {
            "number": 7,
            "base": {
                "ref": "main",
                "sha": rehearsal.sha("main"),
                "repo": {"full_name": REPOSITORY},
            },
            "head": {"ref": head, "sha": rehearsal.sha(head), "repo": {"full_name": head_repo}},
        },
    }


def test_pull_request_posts_one_sticky_review_comment(rehearsal: Rehearsal) -> None:
    run = rehearsal.run(
        "pull_request",
        "review.yml",
        pull_request(rehearsal, REPOSITORY),
        branch="pr",
        secrets={"GITHUB_TOKEN": "rehearsal-token", **WRITE_KEYS},
    )
    assert run.jobs == {"model review": "succeeded", "sticky comment": "succeeded"}, run.log[-4000:]
    # the PR's code runs with the read-only keys only (none given here), never the write keys
    assert "dvc repro (no DVC remote credentials" in run.log
    assert not any(call["tokens"]["AWS_ACCESS_KEY_ID"] for call in run.calls)
    (comment,) = run.called("cml")
    assert comment["argv"][:2] == ["comment", "update"]
    assert comment["options"]["target"] == "pr/7"
    # nothing goes to CML's asset host unless the repository opts in: Mermaid charts instead
    assert comment["publish"] is False
    assert comment["options"]["publish"] == "false"
    assert comment["tokens"]["REPO_TOKEN"] is True
    body = comment["body"]
    assert "| metric |" in body  # the metrics table
    assert "max_iter" in body  # the changed param
    assert "```mermaid" in body
    assert comment["local_links"] == []  # no local image for a comment to link


def test_fork_pull_request_gets_a_review_but_no_write_job(rehearsal: Rehearsal) -> None:
    # GitHub gives a fork's PR no secrets and a read-only token: rehearse it with none. The
    # fork's branch changes only docs (what is rehearsed is who gets which token, not the model).
    run = rehearsal.run(
        "pull_request",
        "review.yml",
        pull_request(rehearsal, "someone/fork", head="docs"),
        branch="docs",
    )
    assert run.jobs == {"model review": "succeeded"}, run.log[-4000:]
    assert run.called("cml") == []  # the comment comes from review-comment.yml (workflow_run)
    assert all(not any(call["tokens"].values()) for call in run.calls)
    assert "dvc repro (no DVC remote credentials" in run.log
