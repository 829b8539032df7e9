"""What a rollback writes: the version to restore, read from git and GTO, and the files it changes.

Checks only: nothing is written here (the branch module writes the commit).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from mlgate.registry import RegistryError
from mlgate.registry.artifact import Artifact
from mlgate.registry.lineage import (
    DEFAULT_PARAMS_FILE,
    LOCK,
    Stages,
    downstream,
    lock_at,
    model_stage,
    outs,
)
from mlgate.registry.restore import replace_lock_entries, restore_params
from mlgate.registry.rollback.restorable import (
    RestoredParam,
    check_restorable,
    params_by_file,
    restored_params,
)
from mlgate.registry.tags import Version, current_stages, registered_versions, stage_history
from mlgate.registry.versions import ModelHashes, check_stage
from mlgate.vcs import git


@dataclass(frozen=True)
class RollbackRequest:
    """What `mlgate rollback` was asked: the stage, the version (None: the previous one)."""

    stage: str
    to: str | None = None
    remote: str = "origin"  # the remote holding the stage branches


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
    params: tuple[RestoredParam, ...]
    files: Mapping[str, bytes | None]  # what the rollback commit writes (None: deletes)

    @property
    def branch(self) -> str:
        return f"rollback/{self.stage}-{self.target.name}"

    @property
    def outputs(self) -> tuple[str, ...]:
        """The committed outputs restored (every written file but dvc.lock and params files)."""
        params_files = {DEFAULT_PARAMS_FILE} | {change.file for change in self.params}
        return tuple(path for path in self.files if path != LOCK and path not in params_files)


def plan_rollback(root: Path, artifact: Artifact, request: RollbackRequest) -> RollbackPlan:
    """What rolling the stage back to `request.to` (default: its previous version) writes."""
    stage = request.stage
    check_stage(root, stage)
    base_ref = _stage_branch(root, stage, request.remote)
    base_commit = git.resolve_commit(root, base_ref, "--stage")
    target, current = _target(root, artifact, stage, request.to)
    target_hash = ModelHashes(root, artifact).at(target.commit)
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
    check_restorable(base, version, producer, restored, target.name, base_ref)
    files: dict[str, bytes | None] = {}
    lock_text = _read(root, base_commit, LOCK)
    new_lock = replace_lock_entries(lock_text, _read(root, target.commit, LOCK), restored)
    files[LOCK] = new_lock.encode()
    changes = restored_params(base, version, restored)
    for file, values in params_by_file(version, restored, changes).items():
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


def _stage_branch(root: Path, stage: str, remote: str) -> str:
    ref = git.branch_ref(root, stage, remote)
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


def _read(root: Path, commit: str, path: str) -> str:
    data = git.file_at(root, commit, path)
    if data is None:
        raise RegistryError(f"{path}: not in commit {commit[:7]}")
    return data.decode()


def _restored_outputs(
    root: Path, base_commit: str, target_commit: str, version: Stages, restored: tuple[str, ...]
) -> list[tuple[str, bytes | None]]:
    """Committed files under the restored stages' outputs that differ (None: not at the version)."""
    changed: list[tuple[str, bytes | None]] = []
    for stage in restored:
        for path in outs(version[stage]):
            then = git.files_under(root, target_commit, path)
            now = git.files_under(root, base_commit, path)
            for name in sorted(then.keys() | now.keys()):
                if then.get(name) == now.get(name):
                    continue
                changed.append(
                    (name, git.file_at(root, target_commit, name) if name in then else None)
                )
    return changed
