"""The serving tests' shared fixtures: a reproduced copy of the project, packaged for BentoML,
and one real server of it for the whole session (starting one costs seconds); a regressor's
packaged folder, trained in-process on a small price dataset."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from mlgate.serving.smoke import served
from tests.support.datasets import make_custom_frame, params_with
from tests.support.projects import copy_reproduced
from tests.support.shell import BIN, GIT_IDENTITY, sh

PRICE_PARAMS = params_with(
    data={"target": "price", "drop": ["row_id", "outcome"], "task": "regression"},
    model={"estimator": "auto"},
)


@pytest.fixture(scope="session")
def packaged(
    reproduced_project: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, dict[str, str]]:
    """A reproduced copy of the project whose model is in a private BentoML store."""
    # the session's reproduced project, copied: registering and packaging change it
    project = copy_reproduced(reproduced_project, tmp_path_factory.mktemp("serving") / "mlgate")
    env = {
        **os.environ,
        **GIT_IDENTITY,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "BENTOML_HOME": str(project.parent / "bentoml"),
        "BENTOML_DO_NOT_TRACK": "True",
        "DVC_NO_ANALYTICS": "1",
        "MLGATE_PREDICTION_LOG_DIR": str(project.parent / "predictions"),
        # Every request logged, whatever params.yaml's production-sized default: the tests count
        # the lines.
        "MLGATE_PREDICTION_LOG_SAMPLE_RATE": "1.0",
    }
    sh(project, "mlgate", "registry", "register")  # model@v0.1.0: /metadata names it
    built = subprocess.run(
        ["mlgate", "bento"], cwd=project, env=env, capture_output=True, text=True, check=False
    )
    assert built.returncode == 0, built.stdout + built.stderr
    return project, env


@pytest.fixture(scope="session")
def server(packaged: tuple[Path, dict[str, str]]) -> Iterator[str]:
    """`bentoml serve` of the packaged service on 127.0.0.1, shared by the serving tests.

    It has a BentoML home of its own (the model store linked in): every `bentoml serve` empties
    its home's Prometheus folder at start, which would reset this server's /metrics whenever
    another test serves (`mlgate smoke`).
    """
    project, env = packaged
    home = project.parent / "bentoml-server"
    home.mkdir(exist_ok=True)
    if not (home / "models").exists():
        (home / "models").symlink_to(Path(env["BENTOML_HOME"]) / "models")
    own = env | {"BENTOML_HOME": str(home)}
    with served("mlgate.serving.service:MlgateModel", cwd=project, env=own) as url:
        yield url


def _price_frame(rows: int, seed: int) -> pd.DataFrame:
    """The custom data with a numeric target: a price from size, colour and noise."""
    frame = make_custom_frame(rows=rows, seed=seed)
    rng = np.random.default_rng(seed + 1)
    colour = frame["colour"].map({"red": 5.0, "green": 0.0, "blue": -5.0}).fillna(0.0)
    frame["price"] = (frame["size"].fillna(10.0) * 3 + colour + rng.normal(0, 1, rows)).round(2)
    return frame


@pytest.fixture(scope="session")
def regressor_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What `mlgate bento` stores for a gradient boosting regressor (model.estimator: auto) on price data."""
    from mlgate.config import ServingConfig, parse_params
    from mlgate.data.conform import conform_frame
    from mlgate.data.schema import validate_frame
    from mlgate.model.fitting import train_model
    from mlgate.model.persist import dump_model
    from mlgate.serving.package import (
        build_contract,
        params_digest,
        serving_metadata,
        write_model_folder,
    )

    params = parse_params(PRICE_PARAMS)
    frame = _price_frame(rows=300, seed=0)
    report = validate_frame(frame, params.data)
    schema = report.schema_
    assert schema is not None
    assert schema.task == "regression"
    train = conform_frame(frame, schema)
    model_bytes = dump_model(train_model(train, schema, params.model))
    serving = ServingConfig()
    info = serving_metadata(
        model_version=hashlib.md5(model_bytes).hexdigest(),
        estimator=params.model.estimator_for("regression"),
        git_sha="f" * 40,
        git_branch="main",
        metrics={"model": {"rmse": 1.2}},
        digest=params_digest(PRICE_PARAMS),
        config=serving,
    )
    folder = tmp_path_factory.mktemp("regressor")
    contract = build_contract(schema, train, report.null_fraction, serving)
    write_model_folder(folder, model_bytes, contract, info)
    return folder


@pytest.fixture(scope="session")
def price_records() -> list[dict[str, Any]]:
    """Twenty requests' records for the regressor, as a client sends them (JSON, nulls)."""
    frame = _price_frame(rows=20, seed=5).drop(columns=["row_id", "outcome", "price"])
    return list(json.loads(frame.to_json(orient="records")))
