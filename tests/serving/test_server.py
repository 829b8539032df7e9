"""A real `bentoml serve` on 127.0.0.1: good and bad requests, metrics, and a bento that travels.

The model comes from a temporary copy of the project after `dvc repro` and `mlgate bento`.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from mlgate.serving.smoke import served
from tests.support.http import post, request
from tests.support.shell import sh

pytestmark = pytest.mark.slow

READY_WITHIN_S = 90


def serve(target: str, cwd: Path, env: dict[str, str]) -> Iterator[str]:
    with served(target, cwd=cwd, env=env) as url:
        yield url


@pytest.fixture(scope="module")
def test_records(packaged: tuple[Path, dict[str, str]]) -> list[dict[str, Any]]:
    frame = pd.read_parquet(packaged[0] / "data" / "processed" / "test.parquet")
    return json.loads(frame.drop(columns=["target"]).head(20).to_json(orient="records"))


def test_predicts_the_test_split_like_the_pipeline(
    server: str, test_records: list[dict[str, Any]]
) -> None:
    status, body = post(f"{server}/predict", {"records": test_records})
    assert status == 200, body
    labels = json.loads(body)
    assert len(labels) == 20
    assert set(labels) <= {0, 1}
    status, body = post(f"{server}/predict_proba", {"records": test_records[:3]})
    assert status == 200
    rows = json.loads(body)
    assert len(rows) == 3
    assert all(abs(sum(row.values()) - 1) < 1e-5 for row in rows)
    best = [int(max(row, key=row.__getitem__)) for row in rows]
    assert best == labels[:3]


def test_concurrent_requests_are_answered_each_with_its_own_records(
    server: str, test_records: list[dict[str, Any]]
) -> None:
    """Adaptive batching merges requests; every caller must still get exactly its answers."""
    from concurrent.futures import ThreadPoolExecutor

    expected = json.loads(post(f"{server}/predict", {"records": test_records})[1])
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(
            pool.map(lambda i: post(f"{server}/predict", {"records": [test_records[i]]}), range(20))
        )
    assert [status for status, _ in answers] == [200] * 20
    assert [json.loads(body)[0] for _, body in answers] == expected


def test_metadata_names_the_dvc_model_hash_and_its_registered_version(
    server: str, packaged: tuple[Path, dict[str, str]]
) -> None:
    import yaml

    lock = yaml.safe_load((packaged[0] / "dvc.lock").read_text())
    (out,) = lock["stages"]["train"]["outs"]
    status, body = post(f"{server}/metadata", {})
    assert status == 200
    info = json.loads(body)
    assert info["model_version"] == out["md5"]
    assert info["registry_version"] == "v0.1.0"
    assert (info["task"], info["classes"]) == ("classification", ["0", "1"])
    assert info["metrics"]["model"]["accuracy"] > 0.9
    assert info["git_sha"] == sh(packaged[0], "git", "rev-parse", "HEAD").strip()


def test_a_bad_request_merged_into_a_batch_fails_alone(
    server: str, test_records: list[dict[str, Any]]
) -> None:
    """A value that would overflow the model's float32 is refused before batching."""
    from concurrent.futures import ThreadPoolExecutor

    poisoned = {"records": [test_records[0] | {"mean radius": 1e300}]}
    payloads = [{"records": [test_records[i % 20]]} for i in range(30)]
    payloads.insert(15, poisoned)
    with ThreadPoolExecutor(max_workers=31) as pool:
        statuses = [
            status for status, _ in pool.map(lambda p: post(f"{server}/predict", p), payloads)
        ]
    assert statuses.count(400) == 1
    assert statuses.count(200) == 30


BAD_REQUESTS: list[tuple[str, Any, str, int]] = [
    (
        "missing field",
        lambda r: {"records": [{k: v for k, v in r.items() if k != "mean radius"}]},
        "missing field 'mean radius'",
        400,
    ),
    (
        "extra field",
        lambda r: {"records": [r | {"colour": "red"}]},
        "unknown field(s) 'colour'",
        400,
    ),
    (
        "wrong type",
        lambda r: {"records": [r | {"mean radius": "big"}]},
        "'mean radius' must be a number",
        400,
    ),
    (
        "NaN",
        lambda r: b'{"records": [' + json.dumps(r | {"mean radius": float("nan")}).encode() + b"]}",
        "'mean radius' must be a finite number",
        400,
    ),
    (
        "null where training had none",
        lambda r: {"records": [r | {"mean radius": None}]},
        "'mean radius' may not be null",
        400,
    ),
    (
        "huge number",
        lambda r: (
            json.dumps({"records": [r]}).replace(str(r["mean radius"]), "1" + "0" * 400, 1).encode()
        ),
        "'mean radius'",
        400,
    ),
    ("empty list", lambda r: {"records": []}, "'records' is empty", 400),
    ("oversized batch", lambda r: {"records": [r] * 1001}, "at most 1000 per request", 400),
    ("records not a list", lambda r: {"records": "all of them"}, "records", 400),
    ("no records key", lambda r: {"rows": [r]}, "records", 400),
    ("records with an unknown key beside", lambda r: {"records": [r], "limit": 3}, "limit", 400),
    ("non-JSON body", lambda r: b"records=1", "Invalid JSON", 400),
    ("record not an object", lambda r: {"records": [[1, 2, 3]]}, "records", 400),
]


@pytest.mark.parametrize(
    ("case", "make", "message", "status"), BAD_REQUESTS, ids=[c[0] for c in BAD_REQUESTS]
)
def test_bad_request_is_a_4xx_naming_the_problem(
    server: str, test_records: list[dict[str, Any]], case: str, make: Any, message: str, status: int
) -> None:
    payload = make(test_records[0])
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    got, text = request(f"{server}/predict", body)
    assert got == status, text
    assert message in text
    assert request(f"{server}/readyz")[0] == 200  # still serving


def test_wrong_content_type_is_415(server: str, test_records: list[dict[str, Any]]) -> None:
    body = json.dumps({"records": test_records[:1]}).encode()
    status, text = request(f"{server}/predict", body, kind="text/plain")
    assert status == 415
    assert "Content-Type must be application/json" in text


def test_metrics_count_the_requests(server: str, test_records: list[dict[str, Any]]) -> None:
    def served() -> float:
        text = request(f"{server}/metrics")[1]
        return sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith("bentoml_service_request_total{")
            and 'endpoint="/predict"' in line
            and 'http_response_code="200"' in line
        )

    before = served()
    for _ in range(3):
        assert post(f"{server}/predict", {"records": test_records[:1]})[0] == 200
    assert served() == before + 3


def test_predictions_are_logged(
    server: str, packaged: tuple[Path, dict[str, str]], test_records: list[dict[str, Any]]
) -> None:
    folder = packaged[0].parent / "predictions"

    def lines() -> list[dict[str, Any]]:
        return [json.loads(x) for p in folder.glob("*.jsonl") for x in p.read_text().splitlines()]

    def count(record: dict[str, Any], logged: list[dict[str, Any]]) -> int:
        return sum(line["inputs"] == record for line in logged)

    before = lines()
    assert post(f"{server}/predict", {"records": test_records[5:7]})[0] == 200
    after = lines()  # several servers (processes) may log here: one file each
    assert len(after) == len(before) + 2  # sample_rate 1.0: both records of this request
    for record in test_records[5:7]:
        assert count(record, after) == count(record, before) + 1
    assert all(
        set(line) >= {"timestamp", "model_version", "inputs", "prediction"} for line in after
    )


def test_smoke_serves_the_built_bento_like_the_pipeline(
    packaged: tuple[Path, dict[str, str]],
) -> None:
    project, env = packaged
    done = subprocess.run(["mlgate", "smoke"], cwd=project, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "agrees with models/model.skops on 50 test records" in done.stdout


def test_smoke_of_a_missing_bento_is_one_clear_line(packaged: tuple[Path, dict[str, str]]) -> None:
    project, env = packaged
    done = subprocess.run(
        ["mlgate", "smoke", "--bento", "nosuch:latest"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("error: `bentoml serve nosuch:latest` exited with 1: ")
    assert len(done.stderr.strip().splitlines()) == 1


def test_bento_refuses_a_stale_pipeline(
    packaged: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    project, env = packaged
    params = project / "params.yaml"
    original = params.read_text()
    params.write_text(original.replace("max_iter: 100", "max_iter: 90"))
    try:
        done = subprocess.run(
            ["mlgate", "bento"], cwd=project, env=env, capture_output=True, text=True
        )
    finally:
        params.write_text(original)
    assert done.returncode == 1
    assert "the pipeline is out of date (stages: card, train)" in done.stderr


def test_exported_bento_serves_from_an_empty_store(
    packaged: tuple[Path, dict[str, str]], tmp_path: Path, test_records: list[dict[str, Any]]
) -> None:
    """The model travels inside the bento (it is declared on the service class)."""
    project, env = packaged
    archive = tmp_path / "mlgate.bento"
    sh(
        project,
        "bash",
        "-c",
        f"BENTOML_HOME={env['BENTOML_HOME']} bentoml export mlgate:latest {archive}",
    )
    fresh = env | {"BENTOML_HOME": str(tmp_path / "empty-home")}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    imported = subprocess.run(
        ["bentoml", "import", str(archive)],
        cwd=elsewhere,
        env=fresh,
        capture_output=True,
        text=True,
        check=False,
    )
    assert imported.returncode == 0, imported.stderr
    for url in serve("mlgate:latest", elsewhere, fresh):
        status, body = post(f"{url}/predict", {"records": test_records[:2]})
        assert status == 200, body
        assert len(json.loads(body)) == 2


def test_the_prediction_log_is_private_and_its_drops_are_metrics(
    server: str, packaged: tuple[Path, dict[str, str]], test_records: list[dict[str, Any]]
) -> None:
    import stat

    assert post(f"{server}/predict", {"records": test_records[:1]})[0] == 200
    folder = packaged[0].parent / "predictions"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(path.stat().st_mode) for path in folder.glob("*.jsonl")} == {0o600}
    metrics = request(f"{server}/metrics")[1]
    for reason in ("write_error", "too_large"):
        assert f'mlgate_prediction_log_dropped_total{{reason="{reason}"}} 0.0' in metrics
    assert "mlgate_prediction_log_files_removed_total 0.0" in metrics
    log = json.loads(post(f"{server}/metadata", {})[1])["prediction_log"]
    assert log["sample_rate"] == 1.0  # the fixture's MLGATE_PREDICTION_LOG_SAMPLE_RATE
    assert (log["max_file_bytes"], log["max_files"], log["fields"]) == (64 * 1024**2, 8, "all")


def test_the_server_refuses_to_start_on_a_crafted_model_in_its_store(
    packaged: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    """A model store whose model file (and metadata) an attacker rewrote: the service's start-up
    refuses the file before skops builds anything, and the payload never runs. (BentoML keeps
    restarting the failed worker, so the test reads the log rather than wait for an exit.)"""
    import hashlib
    import shutil
    import time

    from mlgate.serving.smoke import free_port
    from tests.support.payloads import payloads, rewrite

    project, env = packaged
    home = tmp_path / "bentoml"
    shutil.copytree(Path(env["BENTOML_HOME"]) / "models", home / "models", symlinks=True)
    models = home / "models" / "mlgate-model"  # the newest: test_container stores another
    model_file = models / (models / "latest").read_text().strip() / "model.skops"
    marker = tmp_path / "ran"
    crafted = rewrite(model_file.read_bytes(), payloads(marker, tmp_path / "v")["reexported-popen"])
    model_file.write_bytes(crafted)
    metadata = model_file.with_name("metadata.json")
    info = json.loads(metadata.read_text()) | {"model_version": hashlib.md5(crafted).hexdigest()}
    metadata.write_text(json.dumps(info))
    log = tmp_path / "serve.log"
    command = ["bentoml", "serve", "mlgate.serving.service:MlgateModel", "--host", "127.0.0.1"]
    with log.open("w") as output:
        process = subprocess.Popen(
            [*command, "--port", str(free_port())],
            cwd=project,
            env=env | {"BENTOML_HOME": str(home)},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + READY_WITHIN_S
            while "refusing to load types" not in log.read_text() and time.monotonic() < deadline:
                time.sleep(0.5)
        finally:
            process.terminate()
            process.wait(timeout=30)
    assert "model.skops: refusing to load types outside the allow-list" in log.read_text()
    assert "numpy.distutils.fcompiler.gnu.Popen" in log.read_text()
    assert not marker.exists(), "the payload ran in the server"
