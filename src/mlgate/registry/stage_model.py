"""The model a stage holds: the version GTO says is in the stage, and that version's model hash.

The hash is the md5 `dvc.lock` records for the artifact at the version's commit, the same
identity `mlgate registry register` gave the version (and `/metadata`'s `model_version`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mlgate.registry import RegistryError
from mlgate.registry.artifact import Artifact
from mlgate.registry.lineage import model_hash_at
from mlgate.registry.tags import current_stages, registered_versions
from mlgate.registry.versions import check_stage


@dataclass(frozen=True)
class StageModel:
    stage: str
    version: str  # v0.2.0
    commit: str
    model_hash: str


def stage_model(root: Path, artifact: Artifact, stage: str) -> StageModel:
    """The version assigned to `stage` and its model's md5, or a RegistryError saying why not."""
    check_stage(root, stage)
    version = current_stages(root, artifact.name).get(stage)
    if version is None:
        raise RegistryError(
            f"--stage {stage}: no version of {artifact.name} is assigned to it "
            f"(a push to {stage} assigns one: `mlgate registry assign --stage {stage}`)"
        )
    found = next((v for v in registered_versions(root, artifact.name) if v.name == version), None)
    if found is None:
        raise RegistryError(f"{stage} holds {artifact.name} {version}, which is not registered")
    model_hash = model_hash_at(root, found.commit, artifact.path)
    if model_hash is None:
        raise RegistryError(
            f"{artifact.name} {version} ({found.commit[:7]}): its dvc.lock names no {artifact.path}"
        )
    return StageModel(stage, version, found.commit, model_hash)
