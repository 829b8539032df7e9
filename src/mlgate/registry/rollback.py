"""Rolling a stage back is a pull request: a branch off the stage branch that restores a version.

What is restored, from the commit the version's tag points at: the dvc.lock entries of the
model's stage and of every stage that reads the model (train, evaluate, drift), the params those
entries record (only those: gates, serving and the rest stay the stage branch's), and the
committed outputs of those stages (metrics, plots). The model file itself is not in git: DVC
fetches it by the restored hash. Everything else must be as the version had it, or the restored
entries would be stale; the plan refuses then, naming what changed.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.registry import RegistryError
from mlgate.registry.artifact import Artifact
from mlgate.registry.gitrepo import git, git_text, identity, resolve_commit
from mlgate.registry.lineage import (
    DEFAULT_PARAMS_FILE,
    LOCK,
    Stages,
    deps,
    downstream,
    flatten,
    lock_at,
    model_stage,
    outs,
    params,
)
from mlgate.registry.restore import replace_lock_entries, restore_params
from mlgate.registry.tags import Version, current_stages, registered_versions, stage_history
from mlgate.registry.versions import ModelHashes, check_stage


@dataclass(frozen=True)
class ParamChange:
    key: str  # `model.params.max_depth`, or `file:key` for a params file other than params.yaml
    before: Any
    after: Any


@dataclass(frozen=True)
class RollbackPlan:
    artifact: Artifact
    stage: str
    base_ref: str  # the stage branch as this clone knows it (origin/production or production)
    base_commit: str
    target: Version
    target_hash: str
    current: str | None  # the version GTO says the stage holds now
    current_hash: str
    stages: tuple[str, ...]  # dvc.lock entries restored
    params: tuple[ParamChange, ...]
    files: Mapping[str, bytes | None]  # what the rollback commit writes (None: deletes)

    @property
    def branch(self) -> str:
        return f"rollback/{self.stage}-{self.target.name}"

    @property
    def title(self) -> str:
        return f"Roll {self.stage} back to {self.artifact.name} {self.target.name}"

    @property
    def outputs(self) -> tuple[str, ...]:
        return tuple(path for path in self.files if path != LOCK and not _is_params(path, self))

    def body(self) -> str:
        now = f"{self.current} " if self.current else ""
        lines = [
            f"Rolls `{self.stage}` back to **{self.artifact.name} {self.target.name}** "
            f"(`{self.artifact.path}` md5 `{self.target_hash}`); it holds "
            f"{now}(md5 `{self.current_hash}`) now.",
            "",
            f"Restored from commit `{self.target.commit}` (the one "
            f"`{self.artifact.name}@{self.target.name}` registers):",
            "",
            f"- `{LOCK}`: the entries of stage(s) " + ", ".join(f"`{s}`" for s in self.stages),
        ]
        if self.params:
            lines.append("- params (only these; the rest stays as on `" + self.stage + "`):")
            lines += [
                f"  - `{change.key}`: {_shown(change.before)} → {_shown(change.after)}"
                for change in self.params
            ]
        else:
            lines.append("- params: unchanged")
        if self.outputs:
            lines.append("- committed outputs: " + ", ".join(f"`{path}`" for path in self.outputs))
        lines += [
            "",
            f"`{self.artifact.path}` is not in git: `dvc pull` fetches it from the DVC remote by "
            "the restored hash, so nothing is retrained. This pull request is reviewed and gated "
            f"like any other; once it is merged, the registry workflow assigns `{self.stage}` to "
            f"{self.target.name} again. Fix forward on `main` afterwards.",
        ]
        return "\n".join(lines) + "\n"


def _is_params(path: str, plan: RollbackPlan) -> bool:
    files = {change.key.split(":", 1)[0] for change in plan.params if ":" in change.key}
    return path == DEFAULT_PARAMS_FILE or path in files


def _shown(value: Any) -> str:
    return "`null`" if value is None else f"`{value}`"


def _stage_branch(root: Path, stage: str, remote: str) -> str:
    from mlgate.promote import _branch_ref

    ref = _branch_ref(root, stage, remote)
    if ref is None:
        raise RegistryError(
            f"--stage {stage}: branch {stage!r} not found (fetch it with `git fetch {remote}`)"
        )
    return ref


def _target(
    root: Path, artifact: Artifact, stage: str, to: str | None
) -> tuple[Version, str | None]:
    """The version to restore (named, or the stage's previous one) and the stage's current one."""
    versions = registered_versions(root, artifact.name)
    current = current_stages(root, artifact.name).get(stage)
    if to is not None:
        found = next((version for version in versions if version.name == to), None)
        if found is None:
            listed = ", ".join(version.name for version in versions) or "none"
            raise RegistryError(
                f"--to {to}: not a registered version of {artifact.name!r} (registered: {listed})"
            )
        return found, current
    earlier = [a.version for a in stage_history(root, artifact.name, stage) if a.version != current]
    if not earlier:
        raise RegistryError(
            f"--stage {stage}: no earlier version was assigned to {stage} (GTO's history); "
            "name one with --to"
        )
    return next(version for version in versions if version.name == earlier[-1]), current


def plan_rollback(
    root: Path, artifact: Artifact, stage: str, to: str | None, remote: str = "origin"
) -> RollbackPlan:
    """What rolling `stage` back to `to` (default: its previous version) writes; checks only."""
    check_stage(root, stage)
    base_ref = _stage_branch(root, stage, remote)
    base_commit = resolve_commit(root, base_ref, "--stage")
    target, current = _target(root, artifact, stage, to)
    hashes = ModelHashes(root, artifact)
    target_hash = hashes.at(target.commit)
    base = lock_at(root, base_commit)
    version = lock_at(root, target.commit)
    if base is None or version is None or target_hash is None:
        raise RegistryError(f"{LOCK}: missing on {base_ref} or at {target.name}")
    current_hash = outs(base[model_stage(base, artifact.path, f"{LOCK} on {base_ref}")]).get(
        artifact.path, ""
    )
    if current_hash == target_hash:
        raise RegistryError(
            f"--stage {stage}: {base_ref} already holds {artifact.name} {target.name} "
            f"(md5 {target_hash[:8]}); nothing to roll back"
        )
    producer = model_stage(version, artifact.path, f"{LOCK} at {target.name}")
    restored = downstream(version, producer)
    _check_restorable(base, version, producer, restored, target.name, base_ref)
    files: dict[str, bytes | None] = {}
    lock_text = _read(root, base_commit, LOCK)
    new_lock = replace_lock_entries(lock_text, _read(root, target.commit, LOCK), restored)
    files[LOCK] = new_lock.encode()
    changes = _param_changes(base, version, restored)
    for file, values in _params_by_file(version, restored, changes).items():
        text = _read(root, base_commit, file)
        files[file] = restore_params(text, values, f"{file} on {base_ref}").encode()
    for path, data in _restored_outputs(root, base_commit, target.commit, version, restored):
        files[path] = data
    return RollbackPlan(
        artifact=artifact,
        stage=stage,
        base_ref=base_ref,
        base_commit=base_commit,
        target=target,
        target_hash=target_hash,
        current=current,
        current_hash=current_hash,
        stages=restored,
        params=changes,
        files=files,
    )


def _read(root: Path, commit: str, path: str) -> str:
    from mlgate.registry.gitrepo import read_at

    data = read_at(root, commit, path)
    if data is None:
        raise RegistryError(f"{path}: not in commit {commit[:7]}")
    return data.decode()


def _check_restorable(
    base: Stages,
    version: Stages,
    producer: str,
    restored: tuple[str, ...],
    name: str,
    base_ref: str,
) -> None:
    """The restored entries must be fresh on the stage branch: same declarations, same inputs."""
    later = set(downstream(base, producer)) - set(restored) if producer in base else set()
    if later:
        raise RegistryError(
            f"stage(s) {', '.join(sorted(later))} read the model on {base_ref} but did not exist "
            f"at {name}; restoring dvc.lock entries cannot roll them back (revert on main instead)"
        )
    written = {path for stage in restored for path in outs(version[stage])}
    for stage in restored:
        now, then = base.get(stage), version[stage]
        if (
            now is None
            or now.get("cmd") != then.get("cmd")
            or set(deps(now)) != set(deps(then))
            or set(outs(now)) != set(outs(then))
            or set(params(now)) != set(params(then))
        ):
            raise RegistryError(
                f"stage {stage!r} is declared differently on {base_ref} than at {name} "
                "(dvc.yaml changed); revert on main instead of rolling back"
            )
        for path, md5 in deps(then).items():
            if path not in written and deps(now)[path] != md5:
                raise RegistryError(
                    f"{path} changed since {name} (stage {stage!r} reads it); the restored entry "
                    f"would be stale on {base_ref}: revert that change on main instead"
                )
    restored_keys = {key for stage in restored for key in params(version[stage])}
    for stage, entry in base.items():
        if stage in restored:
            continue
        for key, value in params(entry).items():
            if key in restored_keys and _recorded(version, restored, key) != value:
                raise RegistryError(
                    f"params: {key} differs from {name} and stage {stage!r} reads it too; "
                    f"restoring it would change {stage!r}: revert on main instead"
                )


def _recorded(stages: Stages, names: tuple[str, ...], key: str) -> Any:
    return next(params(stages[name])[key] for name in names if key in params(stages[name]))


def _param_changes(
    base: Stages, version: Stages, restored: tuple[str, ...]
) -> tuple[ParamChange, ...]:
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for stage in restored:
        for key, value in params(base[stage]).items():
            before.update(dict(flatten(key, value)))
        for key, value in params(version[stage]).items():
            after.update(dict(flatten(key, value)))
    missing = object()
    return tuple(
        ParamChange(key, before.get(key), after.get(key))
        for key in sorted(before.keys() | after.keys())
        if before.get(key, missing) != after.get(key, missing)
    )


def _params_by_file(
    version: Stages, restored: tuple[str, ...], changes: tuple[ParamChange, ...]
) -> dict[str, dict[str, Any]]:
    """The recorded values to write back, per params file (only files with a change)."""
    changed_files = {
        change.key.split(":", 1)[0] if ":" in change.key else DEFAULT_PARAMS_FILE
        for change in changes
    }
    by_file: dict[str, dict[str, Any]] = {}
    for stage in restored:
        recorded = version[stage].get("params") or {}
        for file, values in recorded.items():
            if file in changed_files and isinstance(values, dict):
                by_file.setdefault(file, {}).update(values)
    return by_file


def _files_under(root: Path, commit: str, path: str) -> dict[str, str]:
    """Committed files at or under `path`: file path → blob id (empty for DVC-cached outputs)."""
    listing = git(root, "ls-tree", "-r", "-z", commit, "--", path).stdout.decode()
    found = {}
    for item in filter(None, listing.split("\0")):
        meta, name = item.split("\t", 1)
        found[name] = meta.split()[2]
    return found


def _restored_outputs(
    root: Path, base_commit: str, target_commit: str, version: Stages, restored: tuple[str, ...]
) -> list[tuple[str, bytes | None]]:
    from mlgate.registry.gitrepo import read_at

    changed: list[tuple[str, bytes | None]] = []
    for stage in restored:
        for path in outs(version[stage]):
            then = _files_under(root, target_commit, path)
            now = _files_under(root, base_commit, path)
            for name in sorted(then.keys() | now.keys()):
                if then.get(name) == now.get(name):
                    continue
                changed.append((name, read_at(root, target_commit, name) if name in then else None))
    return changed


def create_branch(root: Path, plan: RollbackPlan) -> str:
    """The rollback branch: one commit on the stage branch; returns the commit.

    Written with git's plumbing into a temporary index, so neither the workspace nor the current
    branch is touched. Preparing the same rollback again finds the branch it made.
    """
    ref = f"refs/heads/{plan.branch}"
    tree = _rollback_tree(root, plan)
    existing = git(root, "rev-parse", "--verify", "--quiet", ref).stdout.decode().strip()
    if existing:
        same = (
            git_text(root, "rev-parse", f"{existing}^{{tree}}") == tree
            and git_text(root, "rev-parse", f"{existing}^") == plan.base_commit
        )
        if same:
            return existing
        raise RegistryError(
            f"branch {plan.branch} exists and holds something else; delete it "
            f"(git branch -D {plan.branch}) to prepare the rollback again"
        )
    name, email = identity(root)
    people = {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }
    message = f"{plan.title}\n\n{plan.body()}"
    commit = git_text(root, "commit-tree", tree, "-p", plan.base_commit, "-m", message, env=people)
    git_text(root, "update-ref", ref, commit, "")
    return commit


def _rollback_tree(root: Path, plan: RollbackPlan) -> str:
    """The stage branch's tree with the plan's files written (objects only, no refs)."""
    with tempfile.TemporaryDirectory() as folder:
        index = {"GIT_INDEX_FILE": os.path.join(folder, "index")}
        git_text(root, "read-tree", plan.base_commit, env=index)
        for path, data in plan.files.items():
            if data is None:
                git_text(root, "update-index", "--force-remove", "--", path, env=index)
                continue
            blob = git(root, "hash-object", "-w", "--stdin", data=data).stdout.decode().strip()
            mode = _mode(root, plan.base_commit, path)
            git_text(
                root, "update-index", "--add", "--cacheinfo", f"{mode},{blob},{path}", env=index
            )
        return git_text(root, "write-tree", env=index)


def _mode(root: Path, commit: str, path: str) -> str:
    listing = git(root, "ls-tree", commit, "--", path).stdout.decode().split()
    return listing[0] if listing else "100644"


def open_pull_request(root: Path, plan: RollbackPlan, remote: str) -> tuple[str, bool]:
    """Push the branch and open its PR into the stage branch (an open one is reused)."""
    from mlgate.pull_request import open_or_reuse

    git_text(root, "push", remote, f"refs/heads/{plan.branch}:refs/heads/{plan.branch}")
    return open_or_reuse(root, plan.stage, plan.branch, plan.title, plan.body())
