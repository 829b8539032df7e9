"""Rehearse train-remote.yml, dispatched by hand: the runner launch is stood in (no cloud), and the
training job runs on this machine as if it were the launched runner, under the run's label."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.shell import sh
from tests.workflows.rehearsal.act import Rehearsal, Run

pytestmark = [pytest.mark.slow, pytest.mark.rehearsal]

WORKFLOW = "train-remote.yml"
RUN_ID = 4242
ROLE = "arn:aws:iam::123456789012:role/mlgate-train"
TOKENS = {"GITHUB_TOKEN": "rehearsal-token", "CML_RUNNER_TOKEN": "rehearsal-runner-token"}
# The repository's settings: OIDC role, region, label prefix and idle timeout from variables.
VARIABLES = {
    "CML_AWS_ROLE_ARN": ROLE,
    "CML_CLOUD_REGION": "eu-west-1",
    "CML_RUNNER_LABEL": "big",
    "CML_IDLE_TIMEOUT": "600",
}


def dispatch(
    rehearsal: Rehearsal,
    inputs: dict[str, str],
    *,
    variables: dict[str, str] = VARIABLES,
    secrets: dict[str, str] = TOKENS,
    job: str | None = None,
    branch: str = "pr",  # params changed, dvc.lock not yet reproduced: the training has work to do
) -> Run:
    return rehearsal.run(
        "workflow_dispatch",
        WORKFLOW,
        {"ref": f"refs/heads/{branch}", "inputs": inputs},
        branch=branch,
        secrets=secrets,
        variables=variables,
        self_hosted=[f"{variables.get('CML_RUNNER_LABEL', 'mlgate-train')}-{RUN_ID}"],
        run_id=RUN_ID,
        job=job,
    )


def launched(run: Run) -> dict[str, Any]:
    (launch,) = [call for call in run.called("cml") if call["argv"][:2] == ["runner", "launch"]]
    assert launch["job"] == "launch"
    assert launch["errors"] == []
    return dict(launch["runner"])


def test_single_run_launches_a_runner_trains_on_it_and_opens_a_pr(rehearsal: Rehearsal) -> None:
    run = dispatch(rehearsal, {"mode": "single", "machine": "xl", "spot": "on-demand"})
    # the training job ran only because its runs-on named exactly the label the launch used
    # the push job is for main, staging and production only: skipped on this branch
    assert run.jobs == {
        "launch the runner": "succeeded",
        "train on the runner": "succeeded",
        "open the pull request": "succeeded",
    }, run.log[-4000:]

    (aws,) = run.called("configure-aws-credentials")
    assert aws["route"] == "oidc"
    assert aws["inputs"]["role-to-assume"] == ROLE
    assert aws["inputs"]["aws-region"] == "eu-west-1"
    assert aws["inputs"]["aws-access-key-id"] == ""  # no key secrets: OIDC only
    assert launched(run) == {
        "labels": [f"big-{RUN_ID}"],
        "cloud": "aws",
        "region": "eu-west-1",
        "type": "xl",
        "spot": False,
        "idle_timeout": "600",
        "single": True,
        "image": "",
        "permission_set": "",
    }
    (launch,) = [c for c in run.called("cml") if c["argv"][:2] == ["runner", "launch"]]
    assert launch["tokens"]["REPO_TOKEN"] is True

    # the train job reproduced (the PR branch's stale dvc.lock) with no write token; the pr job,
    # which runs no project code, opened the PR from its files
    assert "Running stage 'train'" in run.log
    assert "dvc push --run-cache" not in run.log
    (pr,) = [c for c in run.called("cml") if c["argv"][:2] == ["pr", "create"]]
    assert pr["job"] == "pr"
    assert pr["options"]["branch"] == f"train-remote/{RUN_ID}"
    assert pr["options"]["title"] == "Train (single) on a xl runner"
    assert {"dvc.lock", "reports/metrics.json"} <= set(pr["changed"])
    assert "| metric |" in pr["body"]  # the new model against the dispatched commit
    assert pr["tokens"]["REPO_TOKEN"] is True
    assert "Run the sweep" not in run.log  # single mode skips the sweep


@pytest.mark.parametrize(
    ("spot", "variable", "expected"),
    [
        ("default", None, True),  # spot unless told otherwise
        ("default", "false", False),  # the repository's setting
        ("spot", "false", True),  # the input wins
        ("on-demand", "true", False),
    ],
)
def test_spot_comes_from_the_input_then_the_variable(
    rehearsal: Rehearsal, spot: str, variable: str | None, expected: bool
) -> None:
    variables = {"CML_AWS_ROLE_ARN": ROLE} | ({"CML_CLOUD_SPOT": variable} if variable else {})
    run = dispatch(rehearsal, {"mode": "single", "spot": spot}, variables=variables, job="launch")
    assert run.jobs == {"launch the runner": "succeeded"}, run.log[-4000:]
    runner = launched(run)
    assert runner["spot"] is expected
    # nothing set: the documented defaults
    assert (runner["labels"], runner["region"], runner["type"], runner["idle_timeout"]) == (
        [f"mlgate-train-{RUN_ID}"],
        "us-east-1",
        "m",
        "300",
    )


def test_keys_instead_of_a_role_and_no_credentials_at_all(rehearsal: Rehearsal) -> None:
    keys = TOKENS | {
        "CML_AWS_ACCESS_KEY_ID": "AKIA-rehearsal",
        "CML_AWS_SECRET_ACCESS_KEY": "rehearsal-secret",
    }
    run = dispatch(rehearsal, {"mode": "single"}, variables={}, secrets=keys, job="launch")
    assert run.jobs == {"launch the runner": "succeeded"}, run.log[-4000:]
    (aws,) = run.called("configure-aws-credentials")
    assert aws["route"] == "keys"
    assert aws["inputs"]["aws-access-key-id"] == "<set>"  # recorded, never its value
    launched(run)

    run = dispatch(rehearsal, {"mode": "single"}, variables={}, job="launch")
    assert run.jobs == {"launch the runner": "failed"}
    assert "Could not load credentials from any providers" in run.log
    assert not run.called("cml")  # no launch without credentials


def test_the_runner_cannot_register_without_its_token(rehearsal: Rehearsal) -> None:
    run = dispatch(
        rehearsal, {"mode": "single"}, secrets={"GITHUB_TOKEN": "rehearsal-token"}, job="launch"
    )
    assert run.jobs == {"launch the runner": "failed"}
    (launch,) = run.called("cml")
    assert launch["errors"] == ["token not found"]


def one_point_sweep(rehearsal: Rehearsal) -> str:
    """main (its dvc.lock fresh: reproducing restores, trains nothing new) with a sweep grid of
    one combination, 60 boosting rounds: the workflow's path (queue, run, rank, apply, PR) costs
    one pipeline run, not a stale branch's plus four. The ranking is tested in tests/e2e/test_sweep.py.
    """
    branch = "sweep"
    sh(rehearsal.origin, "git", "checkout", "-q", "-B", branch, "main")  # (again) from main
    params = rehearsal.origin / "params.yaml"
    text = params.read_text()
    grid = (
        "    model.params.max_leaf_nodes: [15, 31]   # keys the forest takes too\n"
        "    model.params.min_samples_leaf: [10, 20]\n"
    )
    assert grid in text, "params.yaml's sweep grid changed: update this rehearsal"
    params.write_text(text.replace(grid, "    model.params.max_iter: [60]\n"))
    sh(rehearsal.origin, "git", "commit", "-qam", "A sweep of one combination")
    return branch


def test_sweep_runs_the_sweep_on_the_runner_and_opens_a_pr(rehearsal: Rehearsal) -> None:
    run = dispatch(rehearsal, {"mode": "sweep"}, branch=one_point_sweep(rehearsal))
    assert run.jobs == {
        "launch the runner": "succeeded",
        "train on the runner": "succeeded",
        "open the pull request": "succeeded",
    }, run.log[-4000:]
    assert "Success - Main Run the sweep" in run.log
    (pr,) = [c for c in run.called("cml") if c["argv"][:2] == ["pr", "create"]]
    assert pr["options"]["title"] == "Train (sweep) on a m runner"
    # The one experiment (60 trees, main has 100) is the best, so applying it changes params.yaml.
    assert "to the workspace (dvc exp apply)" in run.log
    assert {"params.yaml", "dvc.lock"} <= set(pr["changed"])
