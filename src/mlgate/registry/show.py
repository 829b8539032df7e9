"""`mlgate registry show`: GTO's versions and stages, plus each version's model hash and metrics."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.layout import METRICS
from mlgate.registry.artifact import Artifact
from mlgate.registry.tags import allowed_stages, current_stages, registered_versions
from mlgate.registry.versions import ModelHashes
from mlgate.vcs import git

METRICS_FILE = METRICS.as_posix()
# The table's columns, by the task the scores are of; --json has every score.
KEY_METRICS: dict[str, tuple[str, ...]] = {
    "classification": ("accuracy", "f1", "roc_auc"),
    "regression": ("rmse", "mae", "r2"),
}


def key_metrics(rows: Sequence[VersionRow]) -> tuple[str, ...]:
    """The columns for these versions: a regression's once any version holds its scores."""
    from mlgate.model.scores import task_of_score

    tasks = {task_of_score(name) for row in rows for name in row.metrics}
    return KEY_METRICS["regression" if "regression" in tasks else "classification"]


@dataclass(frozen=True)
class VersionRow:
    version: str
    commit: str
    registered_at: str
    model_hash: str | None
    stages: tuple[str, ...]  # the stages this version is in now
    metrics: dict[str, float]  # the model's scores in reports/metrics.json at the commit


@dataclass(frozen=True)
class RegistryView:
    artifact: Artifact
    stages: dict[str, str | None]  # every allowed stage → its version (None: unassigned)
    versions: tuple[VersionRow, ...]  # highest version first

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "artifact": self.artifact.name,
            "path": self.artifact.path,
            "stages": self.stages,
            "versions": [
                {
                    "version": row.version,
                    "commit": row.commit,
                    "registered_at": row.registered_at,
                    "model_hash": row.model_hash,
                    "stages": list(row.stages),
                    "metrics": row.metrics,
                }
                for row in self.versions
            ],
        }


def metrics_at(root: Path, commit: str) -> dict[str, float]:
    """The model's scores committed with the version (empty when absent or unreadable)."""
    raw = git.file_at(root, commit, METRICS_FILE)
    try:
        body = json.loads(raw) if raw is not None else {}
    except ValueError:
        return {}
    scores = body.get("model", {}) if isinstance(body, dict) else {}
    if not isinstance(scores, dict):
        return {}
    return {
        str(name): float(value)
        for name, value in scores.items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    }


def registry_view(root: Path, artifact: Artifact) -> RegistryView:
    in_stage = current_stages(root, artifact.name)
    stages = {stage: in_stage.get(stage) for stage in allowed_stages(root)}
    stages |= {stage: version for stage, version in in_stage.items() if stage not in stages}
    hashes = ModelHashes(root, artifact)
    rows = tuple(
        VersionRow(
            version=version.name,
            commit=version.commit,
            registered_at=version.created_at.isoformat(),
            model_hash=hashes.at(version.commit),
            stages=tuple(stage for stage, held in stages.items() if held == version.name),
            metrics=metrics_at(root, version.commit),
        )
        for version in registered_versions(root, artifact.name)
    )
    return RegistryView(artifact, stages, rows)
