"""A regressor behind a real `bentoml serve`: numbers from /predict, batched as for a
classifier, a one-line 404 from /predict_proba, the task in /metadata, numbers in the log.

The model is the regressor the in-process tests package, stored in a BentoML home of its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import mlgate
from mlgate.serving.predictor import Predictor
from mlgate.serving.smoke import disagreements, served
from tests.support.http import post, request
from tests.support.shell import BIN

pytestmark = pytest.mark.slow

Records = list[dict[str, Any]]
REFUSAL = "this model is a regression: /predict_proba has no classes; use /predict"
STORE = """
import json, sys
from pathlib import Path
from mlgate.serving.contract import RequestContract
from mlgate.serving.package import store_model
folder = Path(sys.argv[1])
contract = RequestContract.from_json_dict(json.loads((folder / "contract.json").read_text()))
info = json.loads((folder / "metadata.json").read_text())
print(store_model((folder / "model.skops").read_bytes(), contract, info))
"""


@pytest.fixture(scope="module")
def regressor_server(
    regressor_folder: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """The regressor in a private BentoML store, served; yields (URL, prediction log folder)."""
    here = tmp_path_factory.mktemp("regressor-server")
    source = Path(mlgate.__file__).parents[1]  # the tree under test, not an installed copy
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",  # this venv's bentoml
        "BENTOML_HOME": str(here / "bentoml"),
        "BENTOML_DO_NOT_TRACK": "True",
        "MLGATE_PREDICTION_LOG_DIR": str(here / "predictions"),
        "MLGATE_PREDICTION_LOG_SAMPLE_RATE": "1.0",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(source), os.environ.get("PYTHONPATH")])),
    }
    stored = subprocess.run(
        [sys.executable, "-c", STORE, str(regressor_folder)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert stored.returncode == 0, stored.stderr
    with served("mlgate.serving.service:MlgateModel", cwd=source, env=env) as url:
        yield url, here / "predictions"


def test_predict_answers_the_packaged_models_numbers(
    regressor_server: tuple[str, Path], regressor_folder: Path, price_records: Records
) -> None:
    status, body = post(f"{regressor_server[0]}/predict", {"records": price_records})
    assert status == 200, body
    numbers = json.loads(body)
    assert all(isinstance(value, float) for value in numbers)
    expected = Predictor.from_folder(regressor_folder).predict(price_records)["predictions"]
    assert disagreements(numbers, expected) == 0


def test_concurrent_requests_are_batched_and_answered_each_with_its_own_number(
    regressor_server: tuple[str, Path], price_records: Records
) -> None:
    url = regressor_server[0]
    expected = json.loads(post(f"{url}/predict", {"records": price_records})[1])
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(lambda r: post(f"{url}/predict", {"records": [r]}), price_records))
    assert [status for status, _ in answers] == [200] * len(price_records)
    assert disagreements([json.loads(body)[0] for _, body in answers], expected) == 0


@pytest.mark.parametrize("kind", ["application/json", "text/plain"])
def test_predict_proba_is_a_404_in_one_line_naming_predict(
    regressor_server: tuple[str, Path], price_records: Records, kind: str
) -> None:
    url = regressor_server[0]
    body = json.dumps({"records": price_records[:2]}).encode()
    status, text = request(f"{url}/predict_proba", body, kind=kind)
    assert (status, json.loads(text)) == (404, {"error": REFUSAL})
    assert request(f"{url}/readyz")[0] == 200


def test_metadata_states_the_task(regressor_server: tuple[str, Path]) -> None:
    info = json.loads(post(f"{regressor_server[0]}/metadata", {})[1])
    assert (info["task"], info["classes"]) == ("regression", [])
    assert info["estimator"] == "sklearn.ensemble.HistGradientBoostingRegressor"


def test_the_log_holds_each_served_number(
    regressor_server: tuple[str, Path], price_records: Records
) -> None:
    url, folder = regressor_server
    sent = [record | {"weight": 42.4242 + i} for i, record in enumerate(price_records[:2])]
    numbers = json.loads(post(f"{url}/predict", {"records": sent})[1])
    logged = [json.loads(x) for p in folder.glob("*.jsonl") for x in p.read_text().splitlines()]
    mine = {
        json.dumps(line["inputs"]): line["prediction"] for line in logged if line["inputs"] in sent
    }
    assert [mine[json.dumps(record)] for record in sent] == numbers
    assert all("probabilities" not in line for line in logged)
