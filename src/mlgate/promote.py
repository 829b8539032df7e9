"""Promotion is a pull request: main → staging → production, reviewed and gated like any other.

Thin over git (what changes) and the GitHub CLI `gh` (opening the PR), so the promotion PR gets
the same model review, against the branch it would change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from mlgate.errors import MlgateError
from mlgate.vcs import gh, git

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


def plan_promotion(root: Path, target: Stage, remote: str = "origin") -> PromotionPlan:
    """What promoting to `target` would bring, from the branches as this clone knows them.

    The model is the file dvc.yaml's `artifacts:` declares, whichever stage writes it (as the
    registry reads it), its hash as each branch's dvc.lock records it.
    """
    from mlgate.registry.artifact import declared_artifact
    from mlgate.registry.lineage import model_hash_at

    source = SOURCE_OF[target]
    refs = {}
    for branch in (source, target):
        ref = git.branch_ref(root, branch, remote)
        if ref is None:
            hint = f"`git push {remote} {SOURCE_OF[target]}:{target}`" if branch == target else ""
            raise PromotionError(
                f"branch {branch!r} not found (fetch it with `git fetch {remote}`"
                + (f", or create it once with {hint}" if hint else "")
                + ")"
            )
        refs[branch] = ref
    model_path = declared_artifact(root).path
    return PromotionPlan(
        source=source,
        target=target,
        commits=tuple(git.log_lines(root, since=refs[target], until=refs[source])),
        source_model=model_hash_at(root, git.resolve_commit(root, refs[source]), model_path),
        target_model=model_hash_at(root, git.resolve_commit(root, refs[target]), model_path),
    )


def open_pull_request(root: Path, plan: PromotionPlan) -> tuple[str, bool]:
    """The promotion PR's URL, and whether it is new (an open one is reused, not duplicated)."""
    return gh.open_pull_request(root, plan.target, plan.source, plan.title, plan.body())
