"""The rollback's words: its pull request (and commit) title and body, from the plan alone."""

from __future__ import annotations

from typing import Any

from mlgate.registry.lineage import LOCK
from mlgate.registry.rollback.plan import RollbackPlan


def rollback_title(plan: RollbackPlan) -> str:
    return f"Roll {plan.stage} back to {plan.artifact.name} {plan.target.name}"


def rollback_body(plan: RollbackPlan) -> str:
    """What is restored and from where, and what happens once the pull request is merged."""
    now = f"{plan.current} " if plan.current else ""
    lines = [
        f"Rolls `{plan.stage}` back to **{plan.artifact.name} {plan.target.name}** "
        f"(`{plan.artifact.path}` md5 `{plan.target_hash}`); it holds "
        f"{now}(md5 `{plan.current_hash}`) now.",
        "",
        f"Restored from commit `{plan.target.commit}` (the one "
        f"`{plan.artifact.name}@{plan.target.name}` registers):",
        "",
        f"- `{LOCK}`: the entries of stage(s) " + ", ".join(f"`{s}`" for s in plan.stages),
    ]
    if plan.params:
        lines.append("- params (only these; the rest stays as on `" + plan.stage + "`):")
        lines += [
            f"  - `{change.key}`: {_shown(change.before)} → {_shown(change.after)}"
            for change in plan.params
        ]
    else:
        lines.append("- params: unchanged")
    if plan.outputs:
        lines.append("- committed outputs: " + ", ".join(f"`{path}`" for path in plan.outputs))
    lines += [
        "",
        f"`{plan.artifact.path}` is not in git: `dvc pull` fetches it from the DVC remote by "
        "the restored hash, so nothing is retrained. This pull request is reviewed and gated "
        f"like any other; once it is merged, the registry workflow assigns `{plan.stage}` to "
        f"{plan.target.name} again. Fix forward on `main` afterwards.",
    ]
    return "\n".join(lines) + "\n"


def _shown(value: Any) -> str:
    return "`null`" if value is None else f"`{value}`"
