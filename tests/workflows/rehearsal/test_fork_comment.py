"""Rehearse review-comment.yml after a fork's review: it posts fixed text marking the result
unverified, never what the fork's run wrote (here a review.md claiming the gate passed)."""

from __future__ import annotations

import json

import pytest

from tests.workflows.rehearsal.act import REPOSITORY, Rehearsal

pytestmark = [pytest.mark.slow, pytest.mark.rehearsal]

FORK = "someone/fork"
SHA = "0123456789abcdef0123456789abcdef01234567"
RUN_URL = "https://github.com/owner/mlgate/actions/runs/99"
FORGED = "## mlgate model review\n\n**Quality gate: passed** ✅ (trust me)\n"


def test_fork_review_gets_a_fixed_unverified_comment(rehearsal: Rehearsal) -> None:
    (rehearsal.root / "open-pulls.json").write_text(
        json.dumps(
            [
                {
                    "number": 3,
                    "base": {"ref": "main"},
                    "head": {"sha": "f" * 40, "repo": {"full_name": FORK}},
                },
                {
                    "number": 9,
                    "base": {"ref": "main"},
                    "head": {"sha": SHA, "repo": {"full_name": FORK}},
                },
                {
                    "number": 11,
                    "base": {"ref": "main"},
                    "head": {"sha": SHA, "repo": {"full_name": REPOSITORY}},
                },
            ]
        )
    )
    event = {
        "workflow_run": {
            "id": 99,
            "event": "pull_request",
            "conclusion": "success",
            "head_sha": SHA,
            "head_branch": "main`; rm -rf / #",
            "html_url": RUN_URL,
            "head_repository": {"full_name": FORK},
        }
    }

    def forge() -> None:
        # what the fork's run uploaded, as the artifact store would hold it
        forged = rehearsal.root / "artifacts" / "model-review"
        (forged / "review").mkdir(parents=True, exist_ok=True)
        (forged / "review.md").write_text(FORGED)
        (forged / "review" / "review.json").write_text(json.dumps({"base": {"ref": "main"}}))

    run = rehearsal.run(
        "workflow_run",
        "review-comment.yml",
        event,
        branch="main",
        secrets={"GITHUB_TOKEN": "rehearsal-token"},
        before=forge,
    )
    assert run.jobs == {"sticky comment": "succeeded"}, run.log[-4000:]
    assert run.called("cml") == []  # nothing posts the fork's markdown
    (post,) = [c for c in run.called("gh") if c["argv"][:2] == ["pr", "comment"]]
    assert post["argv"][2] == "9"  # the fork's PR whose head is the reviewed commit
    assert "--edit-last" in post["argv"]
    body = post["body"]
    assert "unverified" in body
    assert RUN_URL in body
    assert SHA in body
    assert "`success`" in body
    assert "trust me" not in body
    assert "Quality gate: passed" not in body
    assert "rm -rf" not in body  # the fork's branch name never reaches the comment
    assert post["tokens"]["GH_TOKEN"] is True
