"""Registering a changed model and assigning stages, decided from dvc.lock, written by GTO.

A version is identified by its model: the md5 `dvc.lock` records for the artifact at the
version's commit. A stage branch holds a version when its dvc.lock names the same model; merges
carry main's commits, so the version's tag is on an ancestor of the stage branch, never on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from mlgate.registry import RegistryError
from mlgate.registry.artifact import Artifact
from mlgate.registry.lineage import bump_for, lineage_at, model_hash_at
from mlgate.registry.tags import (
    Version,
    allowed_stages,
    assign,
    current_stages,
    register,
    registered_versions,
    tag_names,
)
from mlgate.vcs import git

FIRST_VERSION = "v0.1.0"  # the first model is a working model, not a patch of nothing (v0.0.1)


@dataclass
class ModelHashes:
    """The model hash of each registered version, read once per commit."""

    root: Path
    artifact: Artifact
    _known: dict[str, str | None] = field(default_factory=dict)

    def at(self, commit: str) -> str | None:
        if commit not in self._known:
            self._known[commit] = model_hash_at(self.root, commit, self.artifact.path)
        return self._known[commit]


@dataclass(frozen=True)
class Registered:
    tag: str
    version: str
    commit: str
    model_hash: str
    bump: str  # first | minor | patch
    reason: str


@dataclass(frozen=True)
class Unchanged:
    version: str
    commit: str
    model_hash: str


def register_model(root: Path, artifact: Artifact, ref: str) -> Registered | Unchanged:
    """A new version when the model at `ref` differs from the latest registered one."""
    commit = git.resolve_commit(root, ref)
    current = lineage_at(root, commit, artifact.path)
    versions = registered_versions(root, artifact.name)
    at_commit = next((v for v in versions if v.commit == commit), None)
    if at_commit is not None:
        return Unchanged(at_commit.name, at_commit.commit, current.model_hash)
    if not versions:
        message = _register_message(artifact, FIRST_VERSION, current.model_hash, "first version")
        tag = register(root, artifact.name, commit, version=FIRST_VERSION, message=message)
        return Registered(tag, FIRST_VERSION, commit, current.model_hash, "first", "first version")
    latest = versions[0]
    previous = lineage_at(root, latest.commit, artifact.path)
    if previous.model_hash == current.model_hash:
        return Unchanged(latest.name, latest.commit, current.model_hash)
    bump = bump_for(previous, current)
    reason = bump.describe(since=latest.name)
    version = _bumped(latest.name, bump.kind)
    message = _register_message(artifact, version, current.model_hash, reason)
    tag = register(root, artifact.name, commit, bump=bump.kind, message=message)
    version = tag.rpartition("@")[2]  # GTO's own bump (the same rule as the message's)
    return Registered(tag, version, commit, current.model_hash, bump.kind, reason)


def _bumped(version: str, kind: str) -> str:
    """The version GTO's bump gives (for the message; GTO computes the tag itself)."""
    from gto.versions import SemVer

    bumped = SemVer(version).bump(bump_minor=kind == "minor", bump_patch=kind == "patch")  # type: ignore[no-untyped-call]
    return str(bumped.version)


def _register_message(artifact: Artifact, version: str, model_hash: str, reason: str) -> str:
    return (
        f"Registering {artifact.name} {version}: {artifact.path} md5 {model_hash}\n\nBump: {reason}"
    )


def versions_with_model(root: Path, artifact: Artifact, model_hash: str) -> list[Version]:
    """Registered versions whose model is `model_hash`, highest first."""
    hashes = ModelHashes(root, artifact)
    return [
        version
        for version in registered_versions(root, artifact.name)
        if hashes.at(version.commit) == model_hash
    ]


def version_at(root: Path, artifact: Artifact, ref: str) -> tuple[Version, str]:
    """The registered version of the model at `ref`, and that model's hash."""
    commit = git.resolve_commit(root, ref)
    model_hash = model_hash_at(root, commit, artifact.path)
    if model_hash is None:
        raise RegistryError(
            f"--ref {ref}: dvc.lock names no {artifact.path}; run `dvc repro` and commit dvc.lock"
        )
    found = versions_with_model(root, artifact, model_hash)
    if not found:
        raise RegistryError(
            f"the model at {ref} ({artifact.path} md5 {model_hash[:8]}) is not a registered "
            f"version of {artifact.name!r}; a push to main registers it "
            "(`mlgate registry register`)"
        )
    return found[0], model_hash


def registry_version_of(root: Path, artifact: Artifact, model_hash: str) -> str | None:
    """The registered version of this model file, or None (not a git repository, no tags)."""
    if not git.is_repository(root) or not tag_names(root, artifact.name):
        return None
    found = versions_with_model(root, artifact, model_hash)
    return found[0].name if found else None


def check_stage(root: Path, stage: str) -> None:
    stages = allowed_stages(root)
    if stage not in stages:
        raise RegistryError(f"--stage {stage}: not a stage (expected one of: {', '.join(stages)})")


@dataclass(frozen=True)
class Assigned:
    tag: str | None  # None: the stage already held this version
    stage: str
    version: str
    model_hash: str
    previous: str | None


def assign_stage(root: Path, artifact: Artifact, stage: str, ref: str) -> Assigned:
    """Give `stage` the registered version whose model is the one at `ref`."""
    check_stage(root, stage)
    version, model_hash = version_at(root, artifact, ref)
    previous = current_stages(root, artifact.name).get(stage)
    if previous == version.name:
        return Assigned(None, stage, version.name, model_hash, previous)
    short = git.resolve_commit(root, ref)[:7]
    message = (
        f"Assigning {stage} to {artifact.name} {version.name}: {artifact.path} md5 {model_hash} "
        f"(the model at {ref}, {short})"
    )
    tag = assign(root, artifact.name, stage, version.name, message=message)
    return Assigned(tag, stage, version.name, model_hash, previous)


def registered_version_of_model(root: Path, model_hash: str) -> str | None:
    """The registered version of a model file (for `/metadata`); None when the project has no
    registry here: not a git repository, no `artifacts:` in dvc.yaml, or no version of it."""
    from mlgate.registry.artifact import declared_artifact

    if not git.is_repository(root):
        return None
    try:
        artifact = declared_artifact(root)
    except RegistryError:
        return None
    return registry_version_of(root, artifact, model_hash)
