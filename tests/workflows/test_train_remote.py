"""train-remote.yml: what reaches a shell, who holds which token, and that both jobs agree on the
runner they share."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.paths import REPO_ROOT
from tests.support.workflows import WORKFLOWS, load, steps, uses_lines

WORKFLOW = "train-remote.yml"
LAUNCH = "cml runner launch"
PR = "cml pr create"


def jobs() -> dict[str, dict[str, Any]]:
    return dict(load(WORKFLOW)["jobs"])


def step_running(job: dict[str, Any], prefix: str) -> dict[str, Any]:
    found = [s for s in steps(job) if s.get("run", s.get("uses", "")).startswith(prefix)]
    assert len(found) == 1, f"expected one step starting with {prefix!r}, found {len(found)}"
    return found[0]


def strings(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    """Every string in the workflow with the path of keys (list items as their index) to it."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from strings(value, (*path, str(key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from strings(value, (*path, str(i)))
    elif isinstance(node, str):
        yield path, node


def options(run: str) -> dict[str, str | bool]:
    """`--key=value` and bare `--flag` arguments of a one-command step (shell-quoted as written)."""
    found: dict[str, str | bool] = {}
    for word in shlex.split(run):
        if word.startswith("--"):
            key, _, value = word[2:].partition("=")
            found[key] = value if "=" in word else True
    return found


# -- trigger, inputs, concurrency ------------------------------------------------------------


def test_runs_only_by_hand_with_a_mode_and_the_runner_settings() -> None:
    workflow = load(WORKFLOW)
    assert set(workflow["on"]) == {"workflow_dispatch"}
    inputs = workflow["on"]["workflow_dispatch"]["inputs"]
    assert set(inputs) == {"mode", "machine", "cloud", "region", "spot", "idle-timeout", "label"}
    assert inputs["mode"]["type"] == "choice"
    assert inputs["mode"]["options"] == ["single", "sweep"]
    assert inputs["mode"]["default"] == "single"
    assert inputs["spot"]["options"] == ["default", "spot", "on-demand"]
    # everything but the mode may be left empty: it then comes from a repository variable
    assert [name for name, spec in inputs.items() if spec.get("required")] == ["mode"]


def test_every_input_is_used_and_only_through_env_or_a_condition() -> None:
    names = set(load(WORKFLOW)["on"]["workflow_dispatch"]["inputs"])
    used: set[str] = set()
    for path, text in strings(load(WORKFLOW)["jobs"]):
        found = set(re.findall(r"\binputs\.([\w-]+)", text))
        if not found:
            continue
        used |= found
        # an input reaches a shell only as an environment variable, never as text in a script
        assert "env" in path or path[-1] == "if", (path, text)
        assert path[-1] != "run", (path, text)
    assert used == names


def test_no_expression_reaches_a_shell() -> None:
    for job in jobs().values():
        for step in steps(job):
            assert "${{" not in step.get("run", ""), step


def test_a_running_remote_training_is_never_cancelled() -> None:
    concurrency = load(WORKFLOW)["concurrency"]
    assert concurrency["cancel-in-progress"] is False
    assert "github.ref_name" in concurrency["group"]


# -- permissions and tokens ------------------------------------------------------------------


def test_each_job_gets_only_what_it_needs_and_only_the_launch_gets_an_oidc_token() -> None:
    assert {name: job["permissions"] for name, job in jobs().items()} == {
        "launch": {"id-token": "write"},
        "train": {"contents": "read"},
        "push-data": {"contents": "read"},
        "pr": {"contents": "write", "pull-requests": "write"},
    }
    text = (WORKFLOWS / WORKFLOW).read_text()
    assert text.count("id-token: write") == 1


def test_the_runner_token_reaches_only_the_launch_command() -> None:
    holders = [path for path, text in strings(load(WORKFLOW)["jobs"]) if "CML_RUNNER_TOKEN" in text]
    launch = jobs()["launch"]
    index = steps(launch).index(step_running(launch, LAUNCH))
    assert holders == [("launch", "steps", str(index), "env", "REPO_TOKEN")]
    assert step_running(launch, LAUNCH)["env"]["REPO_TOKEN"] == "${{ secrets.CML_RUNNER_TOKEN }}"


def test_cloud_credentials_come_from_oidc_or_the_cml_secrets_only_in_the_launch_job() -> None:
    launch = jobs()["launch"]
    aws = step_running(launch, "aws-actions/configure-aws-credentials@")
    assert aws["if"] == "env.CLOUD == 'aws'"
    assert aws["with"]["role-to-assume"] == "${{ vars.CML_AWS_ROLE_ARN }}"
    assert aws["with"]["aws-access-key-id"] == "${{ secrets.CML_AWS_ACCESS_KEY_ID }}"
    assert aws["with"]["aws-secret-access-key"] == "${{ secrets.CML_AWS_SECRET_ACCESS_KEY }}"
    assert aws["with"]["aws-region"] == "${{ env.CLOUD_REGION }}"
    # The instance deletes itself with these credentials after the job: they must outlive the
    # launch, the training and the idle timeout, or the instance keeps running (and billing).
    longest = 60 * (launch["timeout-minutes"] + jobs()["train"]["timeout-minutes"]) + 300
    assert aws["with"]["role-duration-seconds"] >= longest
    assert steps(launch).index(aws) < steps(launch).index(step_running(launch, LAUNCH))
    for job_id in ("train", "push-data", "pr"):
        for path, text in strings(jobs()[job_id]):
            assert "CML_AWS" not in text, path


def test_the_pr_token_is_the_retrain_token_or_the_jobs_own() -> None:
    pr = step_running(jobs()["pr"], PR)
    assert pr["env"]["REPO_TOKEN"] == "${{ secrets.RETRAIN_TOKEN || secrets.GITHUB_TOKEN }}"


# -- the runner both jobs share --------------------------------------------------------------


def test_the_runner_label_is_unique_to_the_run_and_shared_by_both_jobs() -> None:
    launch, train = jobs()["launch"], jobs()["train"]
    label = launch["env"]["RUNNER_LABEL"]
    assert "github.run_id" in label
    assert "inputs.label || vars.CML_RUNNER_LABEL" in label
    assert launch["outputs"]["label"] == "${{ env.RUNNER_LABEL }}"
    assert options(step_running(launch, LAUNCH)["run"])["labels"] == "$RUNNER_LABEL"
    assert train["needs"] == "launch"
    assert train["runs-on"] == ["self-hosted", "${{ needs.launch.outputs.label }}"]
    assert launch["runs-on"] == "ubuntu-latest"


def test_the_launch_passes_every_setting_input_first_then_variable_then_default() -> None:
    launch = jobs()["launch"]
    step = step_running(launch, LAUNCH)
    given = options(step["run"])
    assert given == {
        "single": True,  # one job, then the instance deletes itself
        "labels": "$RUNNER_LABEL",
        "cloud": "$CLOUD",
        "cloud-region": "$CLOUD_REGION",
        "cloud-type": "$CLOUD_TYPE",
        "cloud-spot": "$CLOUD_SPOT",
        "idle-timeout": "$IDLE_TIMEOUT",
        "cloud-image": "$CLOUD_IMAGE",
        "cloud-permission-set": "$CLOUD_PERMISSION_SET",
    }
    env = launch["env"] | step["env"]
    assert env["CLOUD"] == "${{ inputs.cloud || vars.CML_CLOUD || 'aws' }}"
    assert env["CLOUD_REGION"] == "${{ inputs.region || vars.CML_CLOUD_REGION || 'us-east-1' }}"
    assert env["CLOUD_TYPE"] == "${{ inputs.machine || vars.CML_CLOUD_TYPE || 'm' }}"
    assert env["IDLE_TIMEOUT"] == "${{ inputs.idle-timeout || vars.CML_IDLE_TIMEOUT || '300' }}"
    assert "inputs.spot" in env["CLOUD_SPOT"]
    assert "vars.CML_CLOUD_SPOT" in env["CLOUD_SPOT"]
    assert env["CLOUD_IMAGE"] == "${{ vars.CML_CLOUD_IMAGE }}"
    assert env["CLOUD_PERMISSION_SET"] == "${{ vars.CML_CLOUD_PERMISSION_SET }}"
    setup = step_running(launch, "iterative/setup-cml@")
    assert setup["with"] == {"version": "v0.20.6", "vega": False}


# -- the training job ------------------------------------------------------------------------


def test_train_sets_up_reproduces_sweeps_and_hands_on_its_results() -> None:
    train = jobs()["train"]
    called = [step.get("run", step.get("uses", "")) for step in steps(train)]
    expected = (
        "actions/checkout@",
        "actions/setup-python@",
        "astral-sh/setup-uv@",
        "make setup",
        "make reproduce",
        "make sweep",
        "mlgate report --base HEAD",
        "actions/upload-artifact@",  # the PR's files
        "actions/upload-artifact@",  # the DVC cache, for the push job
    )
    assert len(called) == len(expected)
    for command, prefix in zip(called, expected, strict=True):
        assert command.startswith(prefix), (command, prefix)
    assert steps(train)[0]["with"] == {"fetch-depth": 0, "persist-credentials": False}
    assert step_running(train, "make sweep")["if"] == "inputs.mode == 'sweep'"
    assert "if" not in step_running(train, "make reproduce")  # single mode: this is the training
    pull = step_running(train, "make reproduce")["env"]
    assert pull["AWS_ACCESS_KEY_ID"] == "${{ secrets.DVC_READ_AWS_ACCESS_KEY_ID }}"
    assert "vars.CML_CLOUD_PERMISSION_SET" in pull["DVC_PULL"]  # an instance profile pulls too


def test_push_then_pr_run_no_project_code() -> None:
    push, pr = jobs()["push-data"], jobs()["pr"]
    assert push["needs"] == "train"
    assert [s["run"] for s in steps(push) if "run" in s] == ["make push-data"]
    assert pr["needs"] == ["launch", "train", "push-data"]
    assert [s["run"].split()[:3] for s in steps(pr) if "run" in s] == [["cml", "pr", "create"]]
    assert not any("setup-uv" in s.get("uses", "") for s in steps(pr))


def test_the_pr_holds_the_results_on_its_own_branch_and_triggers_its_review() -> None:
    pr = step_running(jobs()["pr"], PR)
    run = pr["run"]
    given = options(run)
    assert given["branch"] == "train-remote/$GITHUB_RUN_ID"
    assert "message" in given  # an explicit message, or CML adds [skip ci] and no review runs
    assert "skip-ci" not in given
    assert "target-branch" not in given  # into the branch the workflow was dispatched on
    assert shlex.split(run)[-3:] == ["dvc.lock", "params.yaml", "reports/**"]
    assert "dist/train-remote.md" in given["body"]
    report = step_running(jobs()["train"], "mlgate report")
    assert "--out dist/train-remote.md" in report["run"]
    assert pr["env"]["MACHINE"] == "${{ needs.launch.outputs.machine }}"
    assert jobs()["launch"]["outputs"]["machine"] == "${{ env.CLOUD_TYPE }}"


def test_every_make_target_the_workflow_runs_exists() -> None:
    makefile = (REPO_ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][\w-]*):", makefile, flags=re.MULTILINE))
    wanted = {
        step["run"].split()[1]
        for job in jobs().values()
        for step in steps(job)
        if step.get("run", "").startswith("make ")
    }
    assert wanted == {"setup", "reproduce", "sweep", "push-data"}
    missing = wanted - targets
    if missing == {"sweep"}:
        pytest.skip("`make sweep` comes with the sweep package of issue 10; not on this branch")
    assert not missing


def test_actions_are_pinned_as_elsewhere_and_only_the_aws_one_is_new() -> None:
    elsewhere = {
        line
        for path in WORKFLOWS.glob("*.yml")
        if path.name != WORKFLOW
        for line in uses_lines(path.name)
    }
    new = set(uses_lines(WORKFLOW)) - elsewhere
    assert {line.split("@")[0] for line in new} <= {"aws-actions/configure-aws-credentials"}
