"""Benchmark serving: single-record requests/s and p50/p99 latency at concurrency 1, 8 and 64.

BentoML (`bentoml serve`) against a FastAPI + uvicorn app serving the same Predictor, and
in-process `Predictor.predict`, measured in the same run on 127.0.0.1. Also server start time
and resident memory. Needs the pipeline's outputs (`make run`). Writes JSON to --out.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import pandas as pd
import psutil

from mlgate.serving.smoke import free_port

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CONCURRENCY = (1, 8, 64)
REQUESTS_PER_LEVEL = {1: 300, 8: 1200, 64: 3000}
MAX_SECONDS_PER_LEVEL = 40.0
WARMUP_REQUESTS = 50


def start(
    command: list[str], env: dict[str, str], ready_url: str
) -> tuple[subprocess.Popen[bytes], float]:
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    import urllib.request

    while time.perf_counter() - started < 120:
        if process.poll() is not None:
            raise SystemExit(f"{command[0]} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(ready_url, timeout=2) as answer:
                if answer.status == 200:
                    return process, time.perf_counter() - started
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{command[0]} not ready within 120 s")


def rss_mb(process: subprocess.Popen[bytes]) -> float:
    root = psutil.Process(process.pid)
    members = [root, *root.children(recursive=True)]
    return round(sum(p.memory_info().rss for p in members if p.is_running()) / 2**20, 1)


async def load(url: str, body: bytes, concurrency: int, total: int) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + MAX_SECONDS_PER_LEVEL
    sent = 0
    headers = {"Content-Type": "application/json"}

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal sent, errors
        while sent < total and time.perf_counter() < deadline:
            sent += 1
            began = time.perf_counter()
            async with session.post(url, data=body, headers=headers) as answer:
                await answer.read()
                if answer.status != 200:
                    errors += 1
            latencies.append(time.perf_counter() - began)

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        for _ in range(WARMUP_REQUESTS):
            async with session.post(url, data=body, headers=headers) as answer:
                await answer.read()
        began = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "errors": errors,
        "requests_per_s": round(len(ordered) / elapsed, 1),
        "p50_ms": round(1000 * ordered[len(ordered) // 2], 2),
        "p99_ms": round(1000 * ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
    }


def in_process(model_dir: Path, record: dict[str, Any]) -> dict[str, Any]:
    from mlgate.serving.predictor import Predictor

    os.environ["MLGATE_PREDICTION_LOG_SAMPLE_RATE"] = "0"
    predictor = Predictor.from_folder(model_dir)
    for _ in range(WARMUP_REQUESTS):
        predictor.predict([record])
    samples = []
    for _ in range(REQUESTS_PER_LEVEL[1]):
        began = time.perf_counter()
        predictor.predict([record])
        samples.append(time.perf_counter() - began)
    return {
        "requests_per_s": round(len(samples) / sum(samples), 1),
        "p50_ms": round(1000 * statistics.median(samples), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    test = ROOT / "data" / "processed" / "test.parquet"
    if not test.is_file():
        raise SystemExit("no pipeline outputs: run `make run` first")
    record = json.loads(
        pd.read_parquet(test).drop(columns=["target"]).head(1).to_json(orient="records")
    )[0]
    body = json.dumps({"records": [record]}).encode()

    with tempfile.TemporaryDirectory(prefix="mlgate-serving-bench-") as scratch:
        env = {
            **os.environ,
            "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
            "BENTOML_HOME": f"{scratch}/bentoml",
            "BENTOML_DO_NOT_TRACK": "True",
            "MLGATE_PREDICTION_LOG_SAMPLE_RATE": "0",  # measure serving, not the log
        }
        subprocess.run(
            ["mlgate", "bento", "--no-build"], cwd=ROOT, env=env, check=True, capture_output=True
        )
        (model_dir,) = Path(scratch, "bentoml", "models", "mlgate-model").glob("*/")
        results: dict[str, Any] = {"in_process": in_process(model_dir, record)}
        servers = {
            "bentoml": lambda port: [
                "bentoml",
                "serve",
                "mlgate.serving.service:MlgateModel",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            "fastapi_uvicorn": lambda port: [
                "uvicorn",
                "benchmarks.fastapi_app:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
        }
        for name, command in servers.items():
            port = free_port()
            process, start_s = start(
                command(port),
                env | {"MLGATE_MODEL_DIR": str(model_dir)},
                f"http://127.0.0.1:{port}/readyz",
            )
            try:
                levels = {
                    str(c): asyncio.run(
                        load(f"http://127.0.0.1:{port}/predict", body, c, REQUESTS_PER_LEVEL[c])
                    )
                    for c in CONCURRENCY
                }
                results[name] = {
                    "start_s": round(start_s, 2),
                    "rss_mb": rss_mb(process),
                    "concurrency": levels,
                }
            finally:
                process.terminate()
                process.wait(timeout=30)

    bento, fast = results["bentoml"]["concurrency"], results["fastapi_uvicorn"]["concurrency"]
    results["ratios"] = {
        f"bentoml_vs_fastapi_rps_c{c}": round(
            bento[str(c)]["requests_per_s"] / fast[str(c)]["requests_per_s"], 2
        )
        for c in CONCURRENCY
    }
    results["targets"] = {
        "throughput_at_least_fastapi_c64": bento["64"]["requests_per_s"]
        >= fast["64"]["requests_per_s"],
        "p99_ms_at_c64_at_most_50": bento["64"]["p99_ms"] <= 50,
    }
    results["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version()}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
