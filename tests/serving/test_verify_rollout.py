"""verify_rollout with fakes for gh, the container and the registry: which check refuses a
rollout, and that the refusal is one line naming what differed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mlgate.errors import GitHubCliError
from mlgate.registry import RegistryError
from mlgate.serving import verify_rollout as module
from mlgate.serving.served_image import ServedImageError
from mlgate.serving.verify_rollout import (
    Adapters,
    RolloutRefused,
    StageHash,
    parse_image_ref,
    verify_rollout,
)
from tests.support.cli import assert_clean_failure, run

NAME = "ghcr.io/owner/mlgate"
DIGEST = "sha256:" + "d" * 64
IMAGE = f"{NAME}@{DIGEST}"
SERVED = "0123456789abcdef0123456789abcdef"
OTHER = "fedcba9876543210fedcba9876543210"


def statement(digest: str = DIGEST) -> list[dict[str, Any]]:
    """What `gh attestation verify --format json` prints for one verified provenance."""
    algorithm, _, value = digest.partition(":")
    subject = {"name": NAME, "digest": {algorithm: value}}
    return [{"verificationResult": {"statement": {"subject": [subject]}}}]


class Fakes:
    """The adapters, answering as told and remembering what they were asked."""

    def __init__(
        self,
        *,
        attested: list[dict[str, Any]] | Exception | None = None,
        metadata: dict[str, Any] | Exception | None = None,
        stage: StageHash | Exception | None = None,
    ) -> None:
        self.attested = statement() if attested is None else attested
        self.metadata = {"model_version": SERVED} if metadata is None else metadata
        self.stage = StageHash("v0.2.0", SERVED) if stage is None else stage
        self.asked: list[str] = []

    def _answer(self, name: str, answer: Any) -> Any:
        self.asked.append(name)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def adapters(self) -> Adapters:
        return Adapters(
            verify_attestation=lambda root, image, repo: self._answer("gh", self.attested),
            served_metadata=lambda image: self._answer("container", self.metadata),
            stage_hash=lambda root, stage: self._answer("registry", self.stage),
        )


def verify(fakes: Fakes, image: str = IMAGE) -> module.Verified:
    return verify_rollout(Path("."), image, "production", "owner/mlgate", fakes.adapters())


def test_an_attested_image_serving_the_stages_model_is_verified() -> None:
    fakes = Fakes()
    verified = verify(fakes)
    assert (verified.version, verified.model_hash) == ("v0.2.0", SERVED)
    assert fakes.asked == ["gh", "container", "registry"]
    line = verified.describe()
    assert "\n" not in line
    assert SERVED[:12] in line
    assert "production's v0.2.0" in line


def test_a_model_hash_mismatch_refuses_with_both_hashes_on_one_line() -> None:
    fakes = Fakes(stage=StageHash("v0.3.0", OTHER))
    with pytest.raises(RolloutRefused) as refused:
        verify(fakes)
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith("model mismatch:")
    assert f"serves model {SERVED[:12]}" in message
    assert f"production holds v0.3.0 (model {OTHER[:12]})" in message


def test_a_failed_attestation_refuses_before_the_image_is_started() -> None:
    fakes = Fakes(attested=GitHubCliError("`gh attestation verify` failed: no attestations"))
    with pytest.raises(RolloutRefused, match=r"^attestation of .* no attestations$"):
        verify(fakes)
    assert fakes.asked == ["gh"]


def test_an_attestation_of_another_digest_refuses_naming_both() -> None:
    other = "sha256:" + "e" * 64
    with pytest.raises(RolloutRefused) as refused:
        verify(Fakes(attested=statement(other)))
    message = str(refused.value)
    assert other[:19] in message
    assert DIGEST[:19] in message
    assert "is not the image's" in message


def test_an_empty_verification_refuses() -> None:
    with pytest.raises(RolloutRefused, match=r"attested subject digest \(none\)"):
        verify(Fakes(attested=[]))


def test_unreachable_metadata_refuses_naming_the_image() -> None:
    fakes = Fakes(metadata=ServedImageError("http://127.0.0.1:1/metadata: no JSON answer"))
    with pytest.raises(RolloutRefused, match=rf"^serving {IMAGE}: .*no JSON answer"):
        verify(fakes)
    assert "registry" not in fakes.asked


def test_metadata_without_a_model_hash_refuses() -> None:
    with pytest.raises(RolloutRefused, match="names no model_version"):
        verify(Fakes(metadata={"task": "classification"}))


def test_a_stage_without_a_version_refuses() -> None:
    fakes = Fakes(stage=RegistryError("--stage production: no version of model is assigned"))
    with pytest.raises(RolloutRefused, match=r"^registry stage production: .*assigned"):
        verify(fakes)


@pytest.mark.parametrize(
    "reference", ["ghcr.io/o/r:production", "ghcr.io/o/r@sha256:abc", "@sha256:" + "a" * 64]
)
def test_an_image_not_pinned_by_digest_is_refused(reference: str) -> None:
    with pytest.raises(RolloutRefused, match="pinned by digest"):
        parse_image_ref(reference)


def test_the_command_prints_one_error_line_and_fails_on_a_mismatch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fakes = Fakes(stage=StageHash("v0.3.0", OTHER))
    monkeypatch.setattr(module, "real_adapters", fakes.adapters)
    code, _, err = run(
        "verify-rollout", "--image", IMAGE, "--stage", "production", "--repo", "owner/mlgate"
    )
    assert_clean_failure(code, err, f"(model {OTHER[:12]}); not rolling out")


def test_the_command_prints_one_line_on_success(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(module, "real_adapters", Fakes().adapters)
    monkeypatch.setenv("GITHUB_REPOSITORY", "owner/mlgate")
    code, out, _ = run("verify-rollout", "--image", IMAGE, "--stage", "production")
    assert code == 0
    (line,) = out.strip().splitlines()
    assert line.startswith(f"✓ verified {IMAGE}: ")
    assert line.endswith("production's v0.2.0")
