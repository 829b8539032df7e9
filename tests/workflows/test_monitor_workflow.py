"""monitor.yml: who may write what, when the retraining loop runs, and what its make targets do."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support.paths import REPO_ROOT
from tests.support.workflows import WORKFLOWS, load, steps, uses_lines

WORKFLOW = "monitor.yml"


def jobs() -> dict[str, dict[str, Any]]:
    return dict(load(WORKFLOW)["jobs"])


def position(job: dict[str, Any], prefix: str) -> int:
    """Index of the first step whose run (or uses) starts with prefix."""
    found = [
        i for i, s in enumerate(steps(job)) if s.get("run", s.get("uses", "")).startswith(prefix)
    ]
    assert found, f"no step starts with {prefix!r}"
    return found[0]


def step_running(job: dict[str, Any], prefix: str) -> dict[str, Any]:
    return steps(job)[position(job, prefix)]


def uploads(job: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["with"]["name"]: s for s in steps(job) if "upload-artifact@" in s.get("uses", "")}


def downloads(job: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["with"]["name"]: s for s in steps(job) if "download-artifact@" in s.get("uses", "")}


# -- triggers, concurrency, permissions ------------------------------------------------------


def test_runs_on_a_schedule_and_by_hand_only() -> None:
    workflow = load(WORKFLOW)
    assert set(workflow["on"]) == {"schedule", "workflow_dispatch"}
    (schedule,) = workflow["on"]["schedule"]
    assert len(schedule["cron"].split()) == 5
    inputs = workflow["on"]["workflow_dispatch"]["inputs"]
    assert set(inputs) == {"batch"}
    assert inputs["batch"]["required"] is False


def test_a_running_retrain_is_never_cancelled() -> None:
    workflow = load(WORKFLOW)
    assert workflow["concurrency"]["cancel-in-progress"] is False
    assert "github.ref_name" in workflow["concurrency"]["group"]
    for job in jobs().values():
        assert job.get("concurrency", {}).get("cancel-in-progress", False) is False


def test_each_job_gets_only_what_it_writes() -> None:
    assert {name: job["permissions"] for name, job in jobs().items()} == {
        "monitor": {"contents": "read"},
        "issue": {"contents": "read", "issues": "write"},
        "retrain": {"contents": "read"},
        "push-data": {"contents": "read"},
        "pr": {"contents": "write", "pull-requests": "write"},
    }


def test_every_permission_grant_says_why() -> None:
    lines = (WORKFLOWS / WORKFLOW).read_text().splitlines()
    grants = []
    for i, line in enumerate(lines):
        if line.strip() == "permissions:":
            indent = len(line) - len(line.lstrip())
            for below in lines[i + 1 :]:
                if len(below) - len(below.lstrip()) <= indent:
                    break
                grants.append(below)
    assert len(grants) == 7  # the top-level grant is {}
    assert all(" # " in grant for grant in grants), grants


def test_no_job_keeps_git_credentials_and_every_job_has_a_timeout() -> None:
    for name, job in jobs().items():
        assert 0 < job["timeout-minutes"] <= 60, name
        for step in steps(job):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, name


def test_actions_are_pinned_exactly_as_in_the_other_workflows() -> None:
    elsewhere = {
        line
        for path in WORKFLOWS.glob("*.yml")
        if path.name != WORKFLOW
        for line in uses_lines(path.name)
    }
    assert set(uses_lines(WORKFLOW)) <= elsewhere, set(uses_lines(WORKFLOW)) - elsewhere


# -- the drift check -------------------------------------------------------------------------


def test_monitor_job_fetches_checks_summarises_and_keeps_the_report() -> None:
    job = jobs()["monitor"]
    order = [
        position(job, prefix)
        for prefix in (
            "make setup",
            "make reproduce",  # the reference (the training split) is a DVC output
            "make fetch-batch",
            "make monitor",
            "make monitor-summary",
            "actions/upload-artifact@",
        )
    ]
    assert order == sorted(order)
    fetch = step_running(job, "make fetch-batch")
    assert fetch["id"] == "fetch"
    assert fetch["env"]["BATCH_URL"] == "${{ inputs.batch || vars.MLGATE_BATCH_URL }}"
    check = steps(job)[position(job, "make monitor")]
    assert check["id"] == "monitor"
    assert check["if"] == "steps.fetch.outputs.batch != ''"  # no batch: nothing to check
    assert check["env"]["BATCH"] == "${{ steps.fetch.outputs.batch }}"
    report = uploads(job)["drift-report"]
    assert report["with"]["path"] == "reports/monitor/"
    assert "!cancelled()" in report["if"]  # the HTML is kept even if the summary fails
    assert job["outputs"]["drifted"] == "${{ steps.monitor.outputs.drifted }}"


def test_only_a_drifted_batch_with_labels_is_kept_for_retraining() -> None:
    job = jobs()["monitor"]
    labelled = uploads(job)["labelled-batch"]
    assert labelled["if"] == (
        "steps.monitor.outputs.drifted == 'true' && steps.fetch.outputs.labels != ''"
    )
    assert labelled["with"]["path"] == "${{ steps.fetch.outputs.labels }}"
    assert "steps.monitor.outputs.drifted == 'true'" in job["outputs"]["labelled"]


def test_the_issue_job_runs_on_drift_only_and_runs_no_python() -> None:
    job = jobs()["issue"]
    assert job["needs"] == "monitor"
    assert job["if"] == "needs.monitor.outputs.drifted == 'true'"
    assert set(downloads(job)) == {"drift-report"}
    assert downloads(job)["drift-report"]["with"]["path"] == "reports/monitor"
    assert not any("setup-uv" in s.get("uses", "") for s in steps(job))
    last = steps(job)[-1]
    assert last["run"] == "make drift-issue"
    assert last["env"]["GH_TOKEN"] == "${{ github.token }}"


# -- the retraining pull request -------------------------------------------------------------


def test_retrain_runs_only_on_drift_with_labels() -> None:
    job = jobs()["retrain"]
    assert job["needs"] == "monitor"
    assert "needs.monitor.outputs.drifted == 'true'" in job["if"]
    assert "needs.monitor.outputs.labelled == 'true'" in job["if"]
    assert " && " in job["if"]
    assert "||" not in job["if"]
    assert set(downloads(job)) == {"labelled-batch"} <= set(uploads(jobs()["monitor"]))


def test_retrain_versions_the_data_retrains_and_hands_on_its_results() -> None:
    job = jobs()["retrain"]
    called = [step.get("run", step.get("uses", "")) for step in steps(job)]
    expected = (
        "make setup",
        "actions/download-artifact@",
        "make reproduce",  # the current training data, before the labels are appended to it
        "make retrain-data",
        "make reproduce",  # the retraining
        "mlgate report --base production",
        "actions/upload-artifact@",
        "actions/upload-artifact@",
    )
    found = []
    for prefix in expected:
        start = found[-1] + 1 if found else 0
        found.append(next(i for i in range(start, len(called)) if called[i].startswith(prefix)))
    assert found[-1] == len(called) - 1
    assert "make push-data" not in called
    assert not any(c.startswith("cml ") for c in called)
    checkout = steps(job)[0]
    assert checkout["with"] == {"fetch-depth": 0, "persist-credentials": False}
    pr_files = uploads(job)["retrain-pr"]["with"]["path"].split()
    assert {"dvc.lock", "params.yaml", "data/**/*.dvc", "reports/"} <= set(pr_files)
    assert uploads(job)["dvc-cache"]["with"]["path"] == ".dvc/cache"


def test_the_push_and_the_pr_jobs_run_no_project_code() -> None:
    push, pr = jobs()["push-data"], jobs()["pr"]
    assert push["needs"] == "retrain"
    assert set(downloads(push)) == {"retrain-pr", "dvc-cache"}
    assert [s["run"] for s in steps(push) if "run" in s] == ["make push-data"]
    assert pr["needs"] == ["monitor", "retrain", "push-data"]
    assert "needs.retrain.result == 'success'" in pr["if"]
    assert set(downloads(pr)) == {"retrain-pr"}
    assert [s["run"].split()[:3] for s in steps(pr) if "run" in s] == [["cml", "pr", "create"]]
    assert not any("setup-uv" in s.get("uses", "") for s in steps(pr))


def test_the_retraining_pr_is_reviewed_and_compared_with_production() -> None:
    job = jobs()["pr"]
    cml = step_running(job, "iterative/setup-cml@")
    assert cml["with"] == {"version": "v0.20.6", "vega": False}
    assert cml["env"] == {"GITHUB_TOKEN": "${{ github.token }}"}
    pr = steps(job)[-1]
    run = pr["run"]
    # an explicit commit message, or CML appends [skip ci] and the review never runs
    assert "--message=" in run
    assert "--skip-ci" not in run
    # one branch per batch: a later run finds the open PR instead of opening another
    assert '--branch="retrain/$BATCH_ID"' in run
    # the PR targets the branch the run used (main), so it holds nothing but the retraining
    assert "--target-branch" not in run
    assert "dist/vs-production.md" in run
    assert "dist/vs-production.md" in step_running(jobs()["retrain"], "mlgate report")["run"]
    assert pr["env"]["REPO_TOKEN"] == "${{ secrets.RETRAIN_TOKEN || secrets.GITHUB_TOKEN }}"
    assert pr["env"]["BATCH_ID"] == "${{ needs.monitor.outputs.batch-id }}"


# -- the make targets the workflow relies on -------------------------------------------------


def make(target: str, tmp_path: Path, **env: str) -> tuple[subprocess.CompletedProcess[str], str]:
    """Run `make target` as a workflow step would; returns the run and its $GITHUB_OUTPUT."""
    output = tmp_path / "github_output"
    output.touch()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "BATCH"))}
    done = subprocess.run(
        ["make", target],
        cwd=REPO_ROOT,
        env=clean
        | {"GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(tmp_path / "summary")}
        | env,
        capture_output=True,
        text=True,
        check=False,
    )
    return done, output.read_text()


def outputs(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


def test_fetch_batch_picks_the_newest_batch_by_name_and_its_labels(tmp_path: Path) -> None:
    batches = tmp_path / "production"
    (batches / "labels").mkdir(parents=True)
    for name in ("2025-05-01.parquet", "2025-06-01.parquet", "2025-05-15.csv"):
        (batches / name).write_bytes(b"")
    (batches / "labels" / "2025-06-01.parquet").write_bytes(b"")
    done, out = make("fetch-batch", tmp_path, BATCH_DIR=str(batches))
    assert done.returncode == 0, done.stderr
    assert outputs(out) == {
        "batch": str(batches / "2025-06-01.parquet"),
        "id": "2025-06-01",
        "labels": str(batches / "labels" / "2025-06-01.parquet"),
    }


def test_fetch_batch_without_labels_or_without_a_batch(tmp_path: Path) -> None:
    batches = tmp_path / "production"
    batches.mkdir()
    done, out = make("fetch-batch", tmp_path, BATCH_DIR=str(batches))
    assert done.returncode == 0, done.stderr  # nothing to check is not a failure
    assert outputs(out)["batch"] == ""
    (batches / "b 7.csv").write_bytes(b"")
    done, out = make("fetch-batch", tmp_path, BATCH_DIR=str(batches))
    assert done.returncode == 0, done.stderr
    found = outputs(out)
    assert found["labels"] == ""
    assert re.fullmatch(r"[A-Za-z0-9._-]+", found["id"])  # safe as a branch name


def test_fetch_batch_passes_a_configured_location_through(tmp_path: Path) -> None:
    batches = tmp_path / "production"
    batches.mkdir()
    url = "s3://bucket/prod/2025-07-01.parquet"
    done, out = make("fetch-batch", tmp_path, BATCH_DIR=str(batches), BATCH_URL=url)
    assert done.returncode == 0, done.stderr
    assert outputs(out) == {"batch": url, "id": "2025-07-01", "labels": ""}


def test_a_glob_or_a_signed_url_gets_a_real_id_and_never_another_batchs_labels(
    tmp_path: Path,
) -> None:
    batches = tmp_path / "production"
    (batches / "labels").mkdir(parents=True)
    (batches / "labels" / "2025-06-01.parquet").touch()
    glob = f"{batches}/*.parquet"
    done, out = make("fetch-batch", tmp_path, BATCH_DIR=str(batches), BATCH_URL=glob)
    assert done.returncode == 0, done.stderr
    assert outputs(out)["labels"] == ""
    assert re.fullmatch(r"batch-\d{8}", outputs(out)["id"])
    signed = "https://example.org/prod/2025-06-01.parquet?X-Amz-Signature=ab/c"
    done, out = make("fetch-batch", tmp_path, BATCH_DIR=str(batches), BATCH_URL=signed)
    assert outputs(out)["id"] == "2025-06-01"


def test_a_location_with_a_newline_is_refused(tmp_path: Path) -> None:
    batches = tmp_path / "production"
    batches.mkdir()
    sneaky = "b.parquet\nlabels=/etc/passwd"
    done, out = make("fetch-batch", tmp_path, BATCH_DIR=str(batches), BATCH_URL=sneaky)
    assert done.returncode != 0
    assert "no newlines" in done.stderr
    assert out == ""


def test_monitor_fails_on_bad_input_only(tmp_path: Path) -> None:
    done, out = make(
        "monitor",
        tmp_path,
        BATCH=str(tmp_path / "missing.parquet"),
        MONITOR_OUT=str(tmp_path / "monitor" / "drift.json"),
    )
    assert "No rule to make target" not in done.stderr
    assert done.returncode == 2, done.stderr
    assert "missing.parquet: file not found" in done.stderr
    assert "Traceback" not in done.stderr
    assert "drifted" not in out


@pytest.fixture(scope="module")
def drifted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """`make monitor` on a shifted batch: its $GITHUB_OUTPUT and the JSON summary."""
    if not (REPO_ROOT / "data" / "processed" / "test.parquet").exists():
        pytest.skip("needs the splits: run `make run` first")
    tmp = tmp_path_factory.mktemp("monitor")
    batch = tmp / "2025-06-01.parquet"
    simulated = subprocess.run(
        ["mlgate", "simulate", "--rows", "300", "--drift", "3", "-o", str(batch)],
        cwd=REPO_ROOT,
        env=os.environ | {"PATH": f"{REPO_ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert simulated.returncode == 0, simulated.stderr
    summary = tmp / "monitor" / "drift.json"
    done, out = make("monitor", tmp, BATCH=str(batch), MONITOR_OUT=str(summary))
    assert done.returncode == 0, done.stderr  # drift is a finding, not a failed step
    return summary, out


def test_monitor_reports_drift_as_an_output(drifted: tuple[Path, str]) -> None:
    summary, out = drifted
    assert outputs(out) == {"drifted": "true"}
    assert json.loads(summary.read_text())["drifted"] is True
    assert summary.with_suffix(".html").exists()


def test_monitor_summary_is_markdown_with_every_drifted_column(
    drifted: tuple[Path, str], tmp_path: Path
) -> None:
    summary, _ = drifted
    data = json.loads(summary.read_text())
    # column names come from the batch: they must not break the table or inject HTML
    data["drifted_columns"].append("odd|<b>name</b>")
    data["columns"]["odd|<b>name</b>"] = {
        "drifted": True,
        "kind": "numeric",
        "method": "wasserstein",
        "statistic": 1.0,
        "threshold": 0.25,
    }
    crafted = tmp_path / "monitor" / "drift.json"
    crafted.parent.mkdir()
    crafted.write_text(json.dumps(data))
    done, _ = make("monitor-summary", tmp_path, MONITOR_OUT=str(crafted), BATCH_ID="2025-06-01")
    assert done.returncode == 0, done.stderr
    markdown = (tmp_path / "monitor" / "drift.md").read_text()
    assert (tmp_path / "summary").read_text() == markdown
    assert "2025-06-01" in markdown
    for column in data["drifted_columns"][:-1]:
        assert column in markdown
    assert "odd|<b>" not in markdown


def _stub_gh(folder: Path, log: Path, open_issue: str) -> None:
    script = folder / "gh"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "gh $*" >> {log}\n'
        f'case "$1 $2" in "issue list") printf "%s" "{open_issue}";; esac\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


@pytest.mark.parametrize("open_issue", ["", "42"])
def test_drift_issue_opens_one_issue_or_updates_it(tmp_path: Path, open_issue: str) -> None:
    (tmp_path / "monitor").mkdir()
    (tmp_path / "monitor" / "drift.md").write_text("**drift** in 3/4 columns\n")
    log = tmp_path / "calls"
    _stub_gh(tmp_path, log, open_issue)
    done, _ = make(
        "drift-issue",
        tmp_path,
        PATH=f"{tmp_path}{os.pathsep}{os.environ['PATH']}",
        MONITOR_OUT=str(tmp_path / "monitor" / "drift.json"),
        BATCH_ID="2025-06-01",
        GH_TOKEN="t",
    )
    assert done.returncode == 0, done.stderr
    calls = log.read_text().splitlines()
    created = [call for call in calls if call.startswith("gh issue create")]
    if open_issue:
        assert not created
        assert any(" 42" in call for call in calls if re.match(r"gh issue (edit|comment)", call))
    else:
        (create,) = created
        assert "--label drift" in create
        assert str(tmp_path / "monitor" / "drift.md") in create
