"""The review workflows' security and ordering invariants, checked before they reach GitHub."""

from __future__ import annotations

import re
import shlex

import pytest
from typer.testing import CliRunner

from mlgate.cli import app
from tests.support.paths import REPO_ROOT
from tests.support.workflows import ALL, WORKFLOWS, load, steps, uses_lines

PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")


@pytest.mark.parametrize("name", ALL)
def test_every_action_is_pinned_to_a_full_sha_with_its_tag(name: str) -> None:
    lines = uses_lines(name)
    assert lines or name == "review-comment.yml"  # the fork follow-up uses no action at all
    unpinned = [line for line in lines if not PINNED.match(line)]
    assert not unpinned, unpinned


@pytest.mark.parametrize("name", ALL)
def test_no_event_data_is_expanded_inside_a_shell_script(name: str) -> None:
    for job in load(name)["jobs"].values():
        for step in steps(job):
            assert "${{" not in step.get("run", ""), step


@pytest.mark.parametrize("name", ALL)
def test_no_default_permissions(name: str) -> None:
    assert load(name)["permissions"] == {}


def test_review_job_reads_only_and_runs_the_gate_last() -> None:
    job = load("review.yml")["jobs"]["review"]
    assert job["permissions"] == {"contents": "read"}
    checkout = steps(job)[0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"] == {
        "ref": "${{ github.event.pull_request.head.sha }}",
        "fetch-depth": 0,
        "persist-credentials": False,
    }
    runs = [step.get("run", "") for step in steps(job)]
    report = next(i for i, run in enumerate(runs) if run.startswith("mlgate report"))
    upload = next(i for i, s in enumerate(steps(job)) if "upload-artifact" in s.get("uses", ""))
    assert upload == report + 1  # nothing between writing the review and keeping it
    assert upload < len(runs) - 1
    assert runs[-1].startswith("mlgate gate")
    assert any("GITHUB_STEP_SUMMARY" in run for run in runs)


def test_only_the_comment_job_may_write_to_pull_requests() -> None:
    jobs = load("review.yml")["jobs"]
    comment = jobs["comment"]
    assert comment["permissions"] == {"pull-requests": "write"}
    assert comment["needs"] == "review"
    assert "head.repo.full_name == github.repository" in comment["if"]
    assert not any("checkout" in step.get("uses", "") for step in steps(comment))
    post = steps(comment)[-1]["run"]
    assert "cml comment update" in post
    assert "--watermark-title=" in post


def test_plots_go_to_cml_asset_host_only_when_the_repository_opts_in() -> None:
    jobs = load("review.yml")["jobs"]
    post = steps(jobs["comment"])[-1]
    words = shlex.split(post["run"])
    publish = [w for w in words if w.split("=")[0] in ("--publish", "--no-publish")]
    assert publish == ["--publish=$PUBLISH"], publish
    assert post["env"]["PUBLISH"] == "${{ vars.MLGATE_CML_PUBLISH == 'true' }}"
    # without --publish the review embeds its charts (Mermaid) instead of linking local PNGs
    report = next(s for s in steps(jobs["review"]) if s.get("run", "").startswith("mlgate report"))
    plots = report["env"]["MLGATE_REVIEW_PLOTS"]
    assert "vars.MLGATE_CML_PUBLISH != 'true'" in plots
    assert "'mermaid'" in plots


def test_fork_follow_up_posts_fixed_text_never_the_forks_output() -> None:
    workflow = load("review-comment.yml")
    assert workflow["on"] == {"workflow_run": {"workflows": ["review"], "types": ["completed"]}}
    (job,) = workflow["jobs"].values()
    # nothing of the fork's run is read: no artifact, so no actions: read
    assert job["permissions"] == {"pull-requests": "write"}
    assert "head_repository.full_name != github.repository" in job["if"]
    text = (WORKFLOWS / "review-comment.yml").read_text().split("\njobs:", 1)[1]
    for forks_output in ("download-artifact", "review.md", "review.json", "checkout"):
        assert forks_output not in text, forks_output
    post = steps(job)[-1]
    assert post["run"].startswith('gh pr comment "$PR_NUMBER"')
    assert "--edit-last --create-if-none" in post["run"]
    assert '--body "$BODY"' in post["run"]
    assert "steps.pr.outputs.number" in post["env"]["PR_NUMBER"]
    body = post["env"]["BODY"]
    assert "unverified" in body
    assert "${{ github.event.workflow_run.html_url }}" in body
    # every expression in the body is GitHub's data about the run, none the fork's text
    expressions = set(re.findall(r"\$\{\{\s*([^}]+?)\s*\}\}", body))
    assert expressions <= {
        "github.event.workflow_run.html_url",
        "github.event.workflow_run.conclusion",
        "github.event.workflow_run.head_sha",
    }, expressions
    lookup = next(step for step in steps(job) if step.get("id") == "pr")
    assert "gh api" in lookup["run"]
    assert lookup["env"]["HEAD_SHA"] == "${{ github.event.workflow_run.head_sha }}"


@pytest.mark.parametrize("name", ALL)
def test_mlgate_is_on_path_before_any_step_calls_it(name: str) -> None:
    for job in load(name)["jobs"].values():
        activated = False
        for step in steps(job):
            if step.get("uses", "").startswith("astral-sh/setup-uv@"):
                activated = step.get("with", {}).get("activate-environment") is True
            if step.get("run", "").startswith("mlgate "):
                assert activated, f"{step['run']!r} runs before setup-uv activates .venv"


def _mlgate_commands() -> list[list[str]]:
    found = []
    for path in WORKFLOWS.glob("*.yml"):
        for job in load(path.name)["jobs"].values():
            for step in steps(job):
                run = step.get("run", "")
                if run.startswith("mlgate "):
                    found.append(shlex.split(run)[1:])
    return found


@pytest.mark.parametrize("words", _mlgate_commands(), ids=" ".join)
def test_workflow_mlgate_commands_exist_with_their_options(words: list[str]) -> None:
    result = CliRunner().invoke(app, [words[0], "--help"])
    assert result.exit_code == 0, f"mlgate {words[0]}: {result.output}"
    for flag in (word.split("=")[0] for word in words if word.startswith("--")):
        assert flag in result.output, f"mlgate {words[0]} has no {flag}"


def test_workflow_make_targets_exist() -> None:
    makefile = (REPO_ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z-]+):", makefile, re.M))
    used = {
        step["run"].split()[1]
        for path in WORKFLOWS.glob("*.yml")
        for job in load(path.name)["jobs"].values()
        for step in steps(job)
        if step.get("run", "").startswith("make ")
    }
    assert used
    assert used <= targets, used - targets
