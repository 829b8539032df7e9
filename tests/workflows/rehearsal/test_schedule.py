"""Rehearse monitor.yml on its schedule: a drifted, labelled batch → an issue and a retraining PR."""

from __future__ import annotations

import pytest

from tests.workflows.rehearsal.act import BATCH, Rehearsal

pytestmark = [pytest.mark.slow, pytest.mark.rehearsal]


def test_schedule_finds_drift_opens_an_issue_and_a_retraining_pr(rehearsal: Rehearsal) -> None:
    run = rehearsal.run(
        "schedule",
        "monitor.yml",
        {"schedule": "17 6 * * *"},
        branch="main",
        secrets={"GITHUB_TOKEN": "rehearsal-token"},
    )
    assert run.jobs == {
        "drift check": "succeeded",
        "drift issue": "succeeded",
        "retraining": "succeeded",
        "push the retraining to the DVC remote": "succeeded",
        "retraining pull request": "succeeded",
    }, run.log[-4000:]
    # the push job pushed what the retraining left (the default remote is a local folder), and
    # reproduced nothing itself
    push_log = [line for line in run.log.splitlines() if "push the retraining" in line]
    assert any("dvc push --run-cache" in line for line in push_log)
    assert not any("Running stage" in line for line in push_log)
    assert (rehearsal.root / "artifacts" / "drift-report" / "drift.html").is_file()
    issue = next(c for c in run.called("gh") if c["argv"][:2] == ["issue", "create"])
    assert "Data drift in production" in issue["argv"]
    assert "| column |" in issue["body"]
    assert issue["tokens"]["GH_TOKEN"] is True
    (pr,) = run.called("cml")
    assert pr["argv"][:2] == ["pr", "create"]
    assert pr["job"] == "pr"  # the job that runs no project code
    assert pr["options"]["branch"] == f"retrain/{BATCH}"
    changed = set(pr["changed"])
    assert {"dvc.lock", "params.yaml", "data/external/training.parquet.dvc"} <= changed
    assert "production" in pr["body"]  # the new model compared with production
    assert "| metric |" in pr["body"]
