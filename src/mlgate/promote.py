"""Promotion is a pull request: main → staging → production, reviewed and gated like any other.

Thin over git (what changes) and the GitHub CLI `gh` (opening the PR), so the promotion PR gets
the same model review, against the branch it would change.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from mlgate.errors import MlgateError
from mlgate.pull_request import open_or_reuse

Stage = Literal["staging", "production"]
SOURCE_OF: dict[Stage, str] = {"staging": "main", "production": "staging"}
COMMITS_LISTED = 20


class PromotionError(MlgateError):
    """The promotion cannot be proposed: a branch is missing, or `gh` is unavailable."""


@dataclass(frozen=True)
class PromotionPlan:
    source: str
    target: str
    commits: tuple[str, ...]  # one line each, newest first
    source_model: str | None  # the model's DVC hash on each branch
    target_model: str | None

    @property
    def title(self) -> str:
        return f"Promote {self.source} → {self.target}"

    def body(self) -> str:
        model = (
            "unchanged"
            if self.source_model == self.target_model
            else f"`{(self.target_model or 'none')[:8]}` → `{(self.source_model or 'none')[:8]}`"
        )
        listed = "\n".join(f"- {line}" for line in self.commits[:COMMITS_LISTED])
        more = len(self.commits) - COMMITS_LISTED
        if more > 0:
            listed += f"\n- … and {more} more"
        return (
            f"Promotes `{self.source}` to `{self.target}`. Merging it deploys `{self.target}` "
            f"(deploy.yml); the model review below compares against `{self.target}`.\n\n"
            f"**Model:** {model}\n\n**Commits** ({len(self.commits)}):\n{listed}\n"
        )


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)


def _branch_ref(root: Path, branch: str, remote: str) -> str | None:
    for ref in (f"{remote}/{branch}", branch):
        if _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode == 0:
            return ref
    return None


def _model_hash(root: Path, ref: str) -> str | None:
    import yaml

    shown = _git(root, "show", f"{ref}:dvc.lock")
    if shown.returncode != 0:
        return None
    outs = (yaml.safe_load(shown.stdout) or {}).get("stages", {}).get("train", {}).get("outs", [])
    return next((str(out.get("md5")) for out in outs if out.get("md5")), None)


def plan_promotion(root: Path, target: Stage, remote: str = "origin") -> PromotionPlan:
    """What promoting to `target` would bring, from the branches as this clone knows them."""
    source = SOURCE_OF[target]
    refs = {}
    for branch in (source, target):
        ref = _branch_ref(root, branch, remote)
        if ref is None:
            hint = f"`git push {remote} {SOURCE_OF[target]}:{target}`" if branch == target else ""
            raise PromotionError(
                f"branch {branch!r} not found (fetch it with `git fetch {remote}`"
                + (f", or create it once with {hint}" if hint else "")
                + ")"
            )
        refs[branch] = ref
    log = _git(root, "log", "--format=%h %s", f"{refs[target]}..{refs[source]}")
    if log.returncode != 0:
        raise PromotionError(f"git log {refs[target]}..{refs[source]} failed: {log.stderr.strip()}")
    return PromotionPlan(
        source=source,
        target=target,
        commits=tuple(line for line in log.stdout.splitlines() if line),
        source_model=_model_hash(root, refs[source]),
        target_model=_model_hash(root, refs[target]),
    )


def open_pull_request(root: Path, plan: PromotionPlan) -> tuple[str, bool]:
    """The promotion PR's URL, and whether it is new (an open one is reused, not duplicated)."""
    return open_or_reuse(root, plan.target, plan.source, plan.title, plan.body())
