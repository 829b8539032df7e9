"""Before a rollout: the image is the one the deploy attested, and it serves the stage's model.

Three checks, in order, each fatal with one line: the image's build-provenance attestation
verifies for this repository and names the image's own digest (`gh attestation verify`); the
image, started, answers `/metadata`; the model hash it serves is the hash of the registry version
assigned to the stage (GTO; dvc.lock at that version's commit). The adapters are parameters so
the checks are tested without gh, a container engine or a registry.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.errors import MlgateError

DIGEST = re.compile(r"^(?P<name>[^@\s]+)@(?P<digest>sha256:[0-9a-f]{64})$")
SHOWN = 12  # hex digits of a hash shown in the one line


class RolloutRefused(MlgateError):
    """The image is not attested, cannot be served, or serves another model than the stage's."""


@dataclass(frozen=True)
class ImageRef:
    name: str  # ghcr.io/owner/repo
    digest: str  # sha256:<64 hex>

    @property
    def pinned(self) -> str:
        return f"{self.name}@{self.digest}"


def parse_image_ref(reference: str) -> ImageRef:
    """`name@sha256:<hex>`: a rollout is pinned by digest, never by a tag that can move."""
    found = DIGEST.match(reference.strip())
    if found is None:
        raise RolloutRefused(
            f"--image {reference!r}: expected <image>@sha256:<64 hex digits> (pinned by digest)"
        )
    return ImageRef(found["name"], found["digest"])


@dataclass(frozen=True)
class StageHash:
    version: str
    model_hash: str


@dataclass(frozen=True)
class Adapters:
    """The outside world, one callable each (gh, the container engine, the registry)."""

    verify_attestation: Callable[[Path, str, str], list[dict[str, Any]]]
    served_metadata: Callable[[str], dict[str, Any]]
    stage_hash: Callable[[Path, str], StageHash]


@dataclass(frozen=True)
class Verified:
    image: ImageRef
    stage: str
    version: str
    model_hash: str

    def describe(self) -> str:
        return (
            f"verified {self.image.pinned}: attested by its build, serves model "
            f"{self.model_hash[:SHOWN]}, which is {self.stage}'s {self.version}"
        )


def attested_digests(verified: list[dict[str, Any]]) -> set[str]:
    """Every `sha256:<hex>` the verified statements name as their subject."""
    digests = set()
    for item in verified:
        statement = (item.get("verificationResult") or {}).get("statement") or {}
        for subject in statement.get("subject") or []:
            value = (
                (subject.get("digest") or {}).get("sha256") if isinstance(subject, dict) else None
            )
            if isinstance(value, str):
                digests.add(f"sha256:{value}")
    return digests


def check_attestation(root: Path, image: ImageRef, repo: str, adapters: Adapters) -> None:
    """The provenance verifies for `repo` and its subject is this very digest."""
    try:
        verified = adapters.verify_attestation(root, image.pinned, repo)
    except MlgateError as error:
        raise RolloutRefused(f"attestation of {image.pinned} for {repo}: {error}") from None
    digests = attested_digests(verified)
    if image.digest not in digests:
        named = ", ".join(sorted(d[:19] for d in digests)) or "none"
        raise RolloutRefused(
            f"attestation of {image.pinned}: the attested subject digest ({named}) is not the "
            f"image's ({image.digest[:19]})"
        )


def served_hash(image: ImageRef, adapters: Adapters) -> str:
    """The model md5 the started image reports at `/metadata` (`model_version`)."""
    try:
        metadata = adapters.served_metadata(image.pinned)
    except MlgateError as error:
        raise RolloutRefused(f"serving {image.pinned}: {error}") from None
    value = metadata.get("model_version")
    if not isinstance(value, str) or not value:
        raise RolloutRefused(f"serving {image.pinned}: /metadata names no model_version")
    return value


def verify_rollout(
    root: Path, image_reference: str, stage: str, repo: str, adapters: Adapters
) -> Verified:
    """All three checks; the first that fails raises RolloutRefused with one line."""
    image = parse_image_ref(image_reference)
    check_attestation(root, image, repo, adapters)
    served = served_hash(image, adapters)
    try:
        expected = adapters.stage_hash(root, stage)
    except MlgateError as error:
        raise RolloutRefused(f"registry stage {stage}: {error}") from None
    if served != expected.model_hash:
        raise RolloutRefused(
            f"model mismatch: {image.pinned} serves model {served[:SHOWN]}, but {stage} holds "
            f"{expected.version} (model {expected.model_hash[:SHOWN]}); not rolling out"
        )
    return Verified(image, stage, expected.version, served)


def real_adapters() -> Adapters:
    """gh, docker or podman, and the GTO registry of the project at the given root."""
    from mlgate.registry.artifact import declared_artifact
    from mlgate.registry.stage_model import stage_model
    from mlgate.serving.served_image import served_metadata
    from mlgate.vcs import gh

    def stage_hash(root: Path, stage: str) -> StageHash:
        held = stage_model(root, declared_artifact(root), stage)
        return StageHash(held.version, held.model_hash)

    return Adapters(gh.verify_attestation, served_metadata, stage_hash)
