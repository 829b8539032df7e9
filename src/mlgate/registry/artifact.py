"""The registered artifact as `dvc.yaml` declares it under `artifacts:` (the name DVC, GTO and
`dvc artifacts get` know it by)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mlgate.registry import RegistryError

ARTIFACT = "model"
DVC_YAML = "dvc.yaml"


@dataclass(frozen=True)
class Artifact:
    name: str
    path: str  # what the pipeline writes, e.g. models/model.skops; its md5 is the model's hash
    type: str | None
    desc: str | None


def declared_artifact(root: Path, name: str = ARTIFACT) -> Artifact:
    """`artifacts.<name>` of the project's dvc.yaml, or a RegistryError saying what is missing."""
    import yaml

    path = root / DVC_YAML
    try:
        body = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise RegistryError(
            f"{DVC_YAML}: not found in {root}; run mlgate from the project root"
        ) from None
    except yaml.YAMLError as exc:
        raise RegistryError(f"{DVC_YAML}: not valid YAML ({exc})") from None
    artifacts = body.get("artifacts") if isinstance(body, dict) else None
    entry = artifacts.get(name) if isinstance(artifacts, dict) else None
    if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
        raise RegistryError(
            f"{DVC_YAML}: artifacts.{name}: not declared (expected a `path:` to the model file)"
        )
    return Artifact(
        name=name,
        path=entry["path"],
        type=entry.get("type"),
        desc=entry.get("desc"),
    )
