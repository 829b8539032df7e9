"""`mlgate bento`'s work: check the pipeline's model and its records belong together, then put
the model (with its contract and metadata) in BentoML's store and build the bento."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mlgate.errors import ArtifactError
from mlgate.layout import METRICS, MODEL, TRAIN_SPLIT, VALIDATION_REPORT

if TYPE_CHECKING:
    from mlgate.config import Params


@dataclass(frozen=True)
class Packaged:
    """What was stored and built, for the command's output."""

    model_tag: str
    bento_tag: str | None
    model_hash: str
    registry_version: str | None
    git_sha: str
    git_branch: str


def refuse_stale_pipeline(doing: str) -> None:
    """The model, metrics and params must belong together before they are packaged."""
    from mlgate.vcs.dvc import open_repo, stale_stages

    stale = stale_stages(open_repo(Path.cwd()))
    if stale:
        raise ArtifactError(
            f"the pipeline is out of date (stages: {', '.join(stale)}); run `dvc repro` before "
            f"{doing}"
        )


def git_identity() -> tuple[str, str]:
    """Commit and branch the model is packaged from (GitHub's variables in CI, else git)."""
    from mlgate.errors import GitError
    from mlgate.vcs import git

    here = Path.cwd()
    try:
        sha = os.environ.get("GITHUB_SHA") or git.head_sha(here) or "unknown"
        branch = os.environ.get("GITHUB_REF_NAME") or git.current_branch(here) or "unknown"
    except GitError:  # no git here: the metadata says so rather than refusing to package
        return os.environ.get("GITHUB_SHA", "unknown"), os.environ.get("GITHUB_REF_NAME", "unknown")
    return sha, branch


def package_model(
    config: Params,
    *,
    build: bool,
    base_image: str | None,
    progress: Callable[[str], AbstractContextManager[object]],
    on_stored: Callable[[str], None],
) -> Packaged:
    """Store the model (calling `on_stored` with its tag), then build the bento if asked."""
    from mlgate.data.schema import ValidationReport
    from mlgate.files import read_bytes, read_json, read_parquet
    from mlgate.registry.versions import registered_version_of_model
    from mlgate.serving.package import (
        build_bento,
        build_contract,
        locate_uv,
        params_digest,
        serving_metadata,
        store_model,
    )
    from mlgate.stages.model_input import trained_model
    from mlgate.stages.schema_input import validated_schema

    refuse_stale_pipeline("packaging the model")
    if build:
        locate_uv()  # before anything is stored
    schema = validated_schema(VALIDATION_REPORT)
    report = ValidationReport.from_json_dict(read_json(VALIDATION_REPORT, "validate"))
    model_bytes = read_bytes(MODEL, "train")
    # Refuse to package a model the service would refuse.
    trained_model(config, model_bytes, schema.task)
    contract = build_contract(
        schema, read_parquet(TRAIN_SPLIT, "split"), report.null_fraction, config.serving
    )
    sha, branch = git_identity()
    model_hash = hashlib.md5(model_bytes).hexdigest()  # the hash dvc.lock records
    info = serving_metadata(
        model_version=model_hash,
        registry_version=registered_version_of_model(Path.cwd(), model_hash),
        estimator=config.model.estimator_for(schema.task),
        trusted_types=config.model.trusted_types,
        git_sha=sha,
        git_branch=branch,
        metrics=read_json(METRICS, "evaluate"),
        digest=params_digest(config.model_dump(mode="json", include={"data", "model"})),
        config=config.serving,
    )
    model_tag = store_model(model_bytes, contract, info)
    on_stored(model_tag)
    bento_tag = None
    if build:
        docker: dict[str, str] = {"python_version": "3.11"}
        if base_image:
            docker["base_image"] = base_image
        with progress("building the bento"):
            bento_tag = build_bento("src", model_tag, docker)
    return Packaged(model_tag, bento_tag, model_hash, info["registry_version"], sha, branch)


def smoke_bento(config: Params, bento_tag: str, rows: int) -> tuple[float, int]:
    """Serve `bento_tag` and compare it with the pipeline's model on `rows` test records:
    seconds until ready and records compared."""
    import json

    from mlgate.files import read_bytes, read_parquet
    from mlgate.layout import TEST_SPLIT
    from mlgate.serving.smoke import smoke_test
    from mlgate.stages.model_input import trained_model
    from mlgate.stages.schema_input import validated_schema

    schema = validated_schema(VALIDATION_REPORT)
    model_bytes = read_bytes(MODEL, "train")
    model = trained_model(config, model_bytes, schema.task)
    test = read_parquet(TEST_SPLIT, "split").head(rows)
    features = test.loc[:, list(schema.features)]
    expected = [c.item() if hasattr(c, "item") else c for c in model.predict(features)]
    records = json.loads(features.to_json(orient="records"))
    ready = smoke_test(bento_tag, records, expected, hashlib.md5(model_bytes).hexdigest())
    return ready, len(records)
