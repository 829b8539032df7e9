"""Package the DVC-produced model for BentoML: the model store entry, then the bento.

The store entry holds the skops file, the request contract and the metadata `/metadata`
serves; `bentoml build` packs it because the service declares it on its class.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Mapping
from importlib import metadata as distributions
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.config import PredictionLogConfig, ServingConfig
from mlgate.data.schema import FeatureSchema
from mlgate.errors import ConfigError, MlgateError
from mlgate.serving.contract import RequestContract
from mlgate.serving.predictor import CONTRACT_FILE, METADATA_FILE, MODEL_FILE

if TYPE_CHECKING:
    import pandas as pd

MODEL_NAME = "mlgate-model"
BENTO_NAME = "mlgate"
SERVICE = "mlgate.serving.service:MlgateModel"
# What the service imports at run time, pinned to the versions that trained the model.
RUNTIME_DISTRIBUTIONS = (
    "bentoml",
    "scikit-learn",
    "skops",
    "numpy",
    "scipy",
    "pandas",
    "pyarrow",
    "pydantic",
    "pyyaml",
)


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
        "git_sha": git_sha,
        "git_branch": git_branch,
        "metrics": dict(metrics),
        "params_digest": digest,
        "prediction_log": config.prediction_log.model_dump(mode="json"),
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


def runtime_requirements(extra: tuple[str, ...] = ()) -> list[str]:
    """`name==version` for every runtime distribution, as installed here."""
    names = dict.fromkeys((*RUNTIME_DISTRIBUTIONS, *extra))
    return [f"{name}=={distributions.version(name)}" for name in names]


def locate_uv() -> str:
    """The uv that `bentoml build` will use, put first on PATH so BentoML's lookup finds it.

    BentoML freezes the bento's requirements with uv; when uv is not on PATH it tries to
    pip-install it into this interpreter, which fails in a uv-made venv (no pip).
    """
    found = shutil.which("uv")
    if found is None:
        try:
            from uv import find_uv_bin  # the `uv` distribution of the serving extra

            found = find_uv_bin()
        except (ImportError, FileNotFoundError):
            raise MlgateError(
                "uv not found: building a bento needs uv on PATH or the `uv` package "
                "(the serving extra); run `make setup`"
            ) from None
        os.environ["PATH"] = os.pathsep.join((str(Path(found).parent), os.environ["PATH"]))
    return found


def build_bento(source_root: str, model_tag: str, docker: Mapping[str, Any]) -> str:
    """`bentoml build` of the service with its packages pinned; returns the bento tag."""
    import bentoml

    bento = bentoml.bentos.build(
        SERVICE,
        name=BENTO_NAME,
        labels={"model": model_tag.replace(":", "-")},
        build_ctx=source_root,
        include=["mlgate/**/*.py"],
        python={"packages": runtime_requirements()},
        docker=dict(docker),
    )
    return str(bento.tag)
