"""Package the DVC-produced model for BentoML: the model store entry, then the bento.

The store entry holds the skops file, the request contract and the metadata `/metadata`
serves; `bentoml build` packs it because the service declares it on its class. The bento's
packages are exactly uv.lock's resolution of what the service imports, with hashes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.config import PredictionLogConfig, ServingConfig
from mlgate.data.feature_schema import FeatureSchema
from mlgate.errors import ConfigError, MlgateError
from mlgate.serving.contract import RequestContract
from mlgate.serving.predictor import CONTRACT_FILE, METADATA_FILE, MODEL_FILE

if TYPE_CHECKING:
    import pandas as pd

MODEL_NAME = "mlgate-model"
BENTO_NAME = "mlgate"
SERVICE = "mlgate.serving.service:MlgateModel"
# What the service imports at run time; the image gets these and their dependencies, at the
# versions (and hashes) uv.lock resolved, which are the versions that trained the model.
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


def distribution_name(name: str) -> str:
    """A distribution's normalized name (PEP 503): `PyYAML`, `ruamel_yaml` → `pyyaml`, ..."""
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_closure(lock: Mapping[str, Any], roots: Iterable[str]) -> set[str]:
    """The names of `roots` and everything they need in uv.lock (extras followed, any marker)."""
    packages: dict[str, list[Mapping[str, Any]]] = {}
    for package in lock["package"]:
        packages.setdefault(distribution_name(package["name"]), []).append(package)
    seen: set[tuple[str, tuple[str, ...]]] = set()
    todo: list[tuple[str, tuple[str, ...]]] = [(distribution_name(root), ()) for root in roots]
    while todo:
        name, extras = todo.pop()
        if (name, extras) in seen:
            continue
        if name not in packages:
            raise MlgateError(f"uv.lock has no package {name!r}: run `uv lock`")
        seen.add((name, extras))
        for package in packages[name]:
            needs = list(package.get("dependencies", []))
            for extra in extras:
                needs += package.get("optional-dependencies", {}).get(extra, [])
            todo += [
                (distribution_name(d["name"]), tuple(sorted(d.get("extra", [])))) for d in needs
            ]
    return {name for name, _ in seen}


def _requirement_blocks(text: str) -> list[str]:
    """A requirements file's requirements, each with its continuation lines joined."""
    joined = re.sub(r"\s*\\\n\s*", " ", text)
    return [line.strip() for line in joined.splitlines() if line.strip() and line[0] != "#"]


def _wheel_requirement(package: Mapping[str, Any]) -> str:
    """`name @ <wheel url> --hash=...` for a pure-Python package (one wheel for all platforms)."""
    universal = [w for w in package.get("wheels", []) if w["url"].endswith("-none-any.whl")]
    if len(universal) != 1:
        raise MlgateError(f"uv.lock: {package['name']} has no single pure-Python wheel")
    return f"{package['name']} @ {universal[0]['url']} --hash={universal[0]['hash']}"


def locked_requirements(lock_file: Path, uv: str) -> str:
    """A requirements file of uv.lock's resolution of RUNTIME_DISTRIBUTIONS, with hashes.

    `uv export` of the project less (`--prune`) its direct dependencies the service does not
    import (DVC, GTO, matplotlib, uv, ...). `--require-hashes` makes the image's installer refuse
    anything unhashed. BentoML appends an unhashed `bentoml==<version>` unless the file names
    bentoml by URL, so bentoml is given as its wheel's URL and hash, both from uv.lock.
    """
    try:
        lock = tomllib.loads(lock_file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise MlgateError(f"{lock_file}: cannot read the lock file ({exc})") from None
    needed = runtime_closure(lock, RUNTIME_DISTRIBUTIONS)
    (project,) = [p for p in lock["package"] if p.get("source", {}).get("editable") == "."]
    direct = {distribution_name(d["name"]) for d in project.get("dependencies", [])} | {
        distribution_name(d["name"])
        for needs in project.get("optional-dependencies", {}).values()
        for d in needs
    }
    pruned = [arg for name in sorted(direct - needed) for arg in ("--prune", name)]
    command = [uv, "export", "--frozen", "--no-dev", "--extra", "serving", "--no-emit-project"]
    command += ["--no-header", "--no-annotate", "--format", "requirements-txt", *pruned]
    done = subprocess.run(
        command, cwd=lock_file.parent, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise MlgateError(f"`uv export` of {lock_file} failed: {last}")
    blocks = _requirement_blocks(done.stdout)
    exported = {distribution_name(re.split(r"[=;@\s\[]", block, maxsplit=1)[0]) for block in blocks}
    if exported != needed:
        raise MlgateError(
            f"`uv export` disagrees with {lock_file} on the runtime packages: "
            f"{sorted(exported ^ needed)}"
        )
    (bentoml,) = [p for p in lock["package"] if distribution_name(p["name"]) == "bentoml"]
    lines = [
        _wheel_requirement(bentoml) if block.startswith(f"bentoml=={bentoml['version']}") else block
        for block in blocks
    ]
    return "--require-hashes\n" + "\n".join(lines) + "\n"


def locate_uv() -> str:
    """The uv that exports uv.lock's resolution for the bento, put first on PATH.

    BentoML also looks uv up on PATH; when none is there it tries to pip-install it into this
    interpreter, which fails in a uv-made venv (no pip).
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
