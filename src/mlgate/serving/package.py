"""Package the DVC-produced model for BentoML: the model store entry, then the bento.

The store entry holds the skops file, the request contract and the metadata `/metadata`
serves; `bentoml build` packs it because the service declares it on its class. The bento's
packages are exactly uv.lock's resolution of what the service imports, with hashes
(`runtime_requirements`).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.config import PredictionLogConfig, ServingConfig
from mlgate.data.feature_schema import FeatureSchema
from mlgate.errors import ConfigError
from mlgate.serving.contract import RequestContract
from mlgate.serving.predictor import CONTRACT_FILE, METADATA_FILE, MODEL_FILE
from mlgate.serving.runtime_requirements import locate_uv, locked_requirements

if TYPE_CHECKING:
    import pandas as pd

# `mlgate bento` imports locate_uv from here, where it was defined first.
__all__ = [
    "BENTO_NAME",
    "MODEL_NAME",
    "SERVICE",
    "build_bento",
    "build_contract",
    "check_logged_fields",
    "locate_uv",
    "params_digest",
    "serving_metadata",
    "store_model",
    "write_model_folder",
]

MODEL_NAME = "mlgate-model"
BENTO_NAME = "mlgate"
SERVICE = "mlgate.serving.service:MlgateModel"


def build_contract(
    schema: FeatureSchema,
    train: pd.DataFrame,
    null_fraction: Mapping[str, float],
    config: ServingConfig,
) -> RequestContract:
    """The request contract: the training schema, its categories and which features may be null."""
    check_logged_fields(config.prediction_log, schema)
    categories = {
        name: frozenset(str(value) for value in train[name].dropna().unique())
        for name in schema.categorical
    }
    nullable = frozenset(name for name in schema.features if null_fraction.get(name, 0.0) > 0)
    ranges = {
        name: (float(train[name].min()), float(train[name].max()))
        for name in schema.numeric
        if train[name].notna().any()
    }
    return RequestContract(
        schema=schema,
        categories=categories,
        nullable=nullable,
        unknown_category=config.unknown_category,
        max_records=config.max_records,
        ranges=ranges,
        max_body_bytes=config.max_body_bytes,
        max_string_chars=config.max_string_chars,
    )


def check_logged_fields(log: PredictionLogConfig, schema: FeatureSchema) -> None:
    """The prediction log's `fields` and `hash_fields` must name the model's features."""
    listed = (log.fields if isinstance(log.fields, tuple) else ()) + log.hash_fields
    unknown = sorted(set(listed) - set(schema.features))
    if unknown:
        shown = ", ".join(schema.features[:10]) + (", …" if len(schema.features) > 10 else "")
        raise ConfigError(
            f"serving.prediction_log: {', '.join(map(repr, unknown))} not among the model's "
            f"features ({shown})"
        )


def params_digest(params: Mapping[str, Any]) -> str:
    """A short, stable fingerprint of the params that made the model."""
    canonical = json.dumps(params, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def serving_metadata(
    *,
    model_version: str,
    estimator: str,
    trusted_types: tuple[str, ...] = (),
    git_sha: str,
    git_branch: str,
    metrics: Mapping[str, Any],
    digest: str,
    config: ServingConfig,
    registry_version: str | None = None,
) -> dict[str, Any]:
    """What `/metadata` answers, fixed when the model is packaged.

    `registry_version` is the model's registered version (`model@vX.Y.Z`), None when unregistered.
    """
    return {
        "model_version": model_version,
        "registry_version": registry_version,
        "estimator": estimator,
        "trusted_types": list(trusted_types),
        "git_sha": git_sha,
        "git_branch": git_branch,
        "metrics": dict(metrics),
        "params_digest": digest,
        "prediction_log": config.prediction_log.model_dump(mode="json"),
        "batching": config.batching.model_dump(mode="json"),
    }


def store_model(model_bytes: bytes, contract: RequestContract, info: Mapping[str, Any]) -> str:
    """Add the model to BentoML's model store; returns its tag."""
    import bentoml

    labels = {"model_version": str(info["model_version"]), "git_sha": str(info["git_sha"])[:12]}
    # BentoML's metadata takes no nulls (an unregistered model's registry_version); the
    # folder's metadata.json, which /metadata serves, keeps them.
    metadata = {key: value for key, value in info.items() if value is not None}
    with bentoml.models.create(MODEL_NAME, labels=labels, metadata=metadata) as model:
        write_model_folder(Path(model.path), model_bytes, contract, info)
    return str(model.tag)


def write_model_folder(
    folder: Path, model_bytes: bytes, contract: RequestContract, info: Mapping[str, Any]
) -> None:
    """The files `Predictor.from_folder` loads."""
    (folder / MODEL_FILE).write_bytes(model_bytes)
    contract_text = json.dumps(contract.to_json_dict(), indent=2, sort_keys=True)
    (folder / CONTRACT_FILE).write_text(contract_text, encoding="utf-8")
    (folder / METADATA_FILE).write_text(json.dumps(dict(info), indent=2, sort_keys=True))


def build_bento(
    source_root: str,
    model_tag: str,
    docker: Mapping[str, Any],
    lock_file: Path = Path("uv.lock"),
) -> str:
    """`bentoml build` of the service with uv.lock's packages and hashes; returns the bento tag.

    `lock_packages=False`: BentoML would otherwise re-resolve the file with `uv pip compile`,
    without hashes.
    """
    import bentoml

    requirements = locked_requirements(lock_file, locate_uv())
    # BentoML reads the file only from inside the build context, by a relative path.
    with tempfile.TemporaryDirectory(prefix="mlgate-bento-", dir=source_root) as folder:
        path = Path(folder) / "requirements.txt"
        path.write_text(requirements, encoding="utf-8")
        bento = bentoml.bentos.build(
            SERVICE,
            name=BENTO_NAME,
            labels={"model": model_tag.replace(":", "-")},
            build_ctx=source_root,
            include=["mlgate/**/*.py"],
            python={
                "requirements_txt": str(path.relative_to(source_root)),
                "lock_packages": False,
            },
            docker=dict(docker),
        )
    return str(bento.tag)
