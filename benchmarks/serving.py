"""Benchmark serving: single-record requests/s and p50/p99 latency at concurrency 1, 8 and 64.

Two models, trained here on the pipeline's train split through mlgate's own pipeline builder
(`train_model` with an estimator override) and packaged as `mlgate bento` packages them: the
100-tree random forest (the default before issue 21) and the histogram gradient boosting. For
each, in one run on 127.0.0.1: in-process `Predictor.predict` (single-record p50 on the numeric
fast path and on the DataFrame path; OpenMP 1 vs 2 threads; batched rows/s), BentoML
(`bentoml serve`, adaptive batching as params.yaml's serving.batching) and a FastAPI + uvicorn
app serving the same Predictor. The baseline is the forest served by the serving code of
--baseline-ref (before the speed-up), in the same run. Also server start time and resident
memory. Medians; load loops bounded by request count and time. Needs the pipeline's outputs
(`make run`). Writes JSON to --out and a markdown table beside it.
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
MAX_SECONDS_PER_LEVEL = 30.0
WARMUP_REQUESTS = 50
BATCH_ROWS = 64  # in-process batches as large as BentoML's at c=64 (single-record requests)
BATCH_REPEATS = 50
# Clients sending BATCH_ROWS records per request: what adaptive batching serves in rows/s when
# the records come in batches (single-record requests are bound by HTTP's per-request cost).
BATCH_CLIENTS = 8
BATCH_REQUESTS = 400
MODELS: dict[str, tuple[str, dict[str, Any]]] = {
    "random_forest": (
        "sklearn.ensemble.RandomForestClassifier",
        {
            "n_estimators": 100,
            "max_depth": 8,
            "min_samples_leaf": 2,
            "random_state": 42,
            "n_jobs": 1,
        },
    ),
    "hist_gradient_boosting": (
        "sklearn.ensemble.HistGradientBoostingClassifier",
        {"learning_rate": 0.05, "max_iter": 100, "l2_regularization": 1.0, "random_state": 42},
    ),
}
BASELINE_MODEL = "random_forest"
# The serving code before issue 21's speed-up (DataFrame path, batching 512 records / 1000 ms).
BASELINE_REF = "89711f028885fbc96b90afb9c5b76aff55635835"
# Issue 21's targets, judged on this run's medians.
TARGET_SINGLE_P50_MS = 5.0
TARGET_C64_SPEEDUP = 3.0
TARGET_C64_P99_MS = 150.0
TARGET_BATCHING_SHARE = 0.5


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


def median_seconds(call: Any, repeats: int) -> float:
    for _ in range(min(repeats, WARMUP_REQUESTS)):
        call()
    samples = []
    for _ in range(repeats):
        began = time.perf_counter()
        call()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples)


def in_process(model_dir: Path, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Single-record p50 (fast path, DataFrame path, OpenMP 1 and 2 threads) and rows/s."""
    from mlgate.serving.predictor import Predictor

    os.environ["MLGATE_PREDICTION_LOG_SAMPLE_RATE"] = "0"
    predictor = Predictor.from_folder(model_dir)
    one, batch = [records[0]], records[:BATCH_ROWS]
    single = median_seconds(lambda: predictor.predict(one), REQUESTS_PER_LEVEL[1])
    batched = median_seconds(lambda: predictor.predict(batch), BATCH_REPEATS)
    threads = {}
    for count in (1, 2):
        predictor.openmp_threads = count
        threads[str(count)] = round(
            1000 * median_seconds(lambda: predictor.predict(one), REQUESTS_PER_LEVEL[1]), 3
        )
    predictor.openmp_threads, fast = 1, predictor.numeric
    predictor.numeric = None  # the DataFrame path (a model with categorical features takes it)
    frame_path = median_seconds(lambda: predictor.predict(one), REQUESTS_PER_LEVEL[1])
    predictor.numeric = fast
    return {
        "fast_path": fast is not None,
        "p50_ms": round(1000 * single, 3),
        "requests_per_s": round(1 / single, 1),
        "dataframe_path_p50_ms": round(1000 * frame_path, 3),
        "p50_ms_by_openmp_threads": threads,
        "batch_rows": len(batch),
        "batched_rows_per_s": round(len(batch) / batched, 1),
    }


def train_models(scratch: Path) -> dict[str, tuple[bytes, Any, dict[str, Any], Path]]:
    """Each model as `mlgate bento` packages it: bytes, contract, metadata, and a folder."""
    import hashlib

    from mlgate.config import load_params
    from mlgate.data.schema import ValidationReport
    from mlgate.files import read_json
    from mlgate.layout import VALIDATION_REPORT
    from mlgate.model.fitting import train_model
    from mlgate.model.persist import dump_model
    from mlgate.serving.package import (
        build_contract,
        params_digest,
        serving_metadata,
        write_model_folder,
    )
    from mlgate.stages.schema_input import validated_schema

    config = load_params(ROOT / "params.yaml")
    schema = validated_schema(ROOT / VALIDATION_REPORT)
    report = ValidationReport.from_json_dict(read_json(ROOT / VALIDATION_REPORT, "validate"))
    train = pd.read_parquet(ROOT / "data" / "processed" / "train.parquet")
    contract = build_contract(schema, train, report.null_fraction, config.serving)
    packaged = {}
    for name, (estimator, params) in MODELS.items():
        model_config = config.model.model_copy(update={"estimator": estimator, "params": params})
        model_bytes = dump_model(train_model(train, schema, model_config))
        info = serving_metadata(
            model_version=hashlib.md5(model_bytes).hexdigest(),
            estimator=estimator,
            git_sha="benchmark",
            git_branch="benchmark",
            metrics={},
            digest=params_digest({"estimator": estimator, "params": params}),
            config=config.serving,
        )
        folder = scratch / "models" / name
        folder.mkdir(parents=True)
        write_model_folder(folder, model_bytes, contract, info)
        packaged[name] = (model_bytes, contract, info, folder)
    return packaged


def serve_and_load(
    command: list[str], env: dict[str, str], body: bytes, batch_body: bytes | None = None
) -> dict[str, Any]:
    """Start a server, load it at each concurrency, stop it.

    With `batch_body` (a request of BATCH_ROWS records), also BATCH_CLIENTS clients sending it:
    the rows/s adaptive batching serves when requests carry many records."""
    port = free_port()
    process, start_s = start(
        [*command, "--port", str(port)], env, f"http://127.0.0.1:{port}/readyz"
    )
    try:
        levels = {
            str(c): asyncio.run(
                load(f"http://127.0.0.1:{port}/predict", body, c, REQUESTS_PER_LEVEL[c])
            )
            for c in CONCURRENCY
        }
        served: dict[str, Any] = {
            "start_s": round(start_s, 2),
            "rss_mb": rss_mb(process),
            "concurrency": levels,
        }
        if batch_body is not None:
            batched = asyncio.run(
                load(f"http://127.0.0.1:{port}/predict", batch_body, BATCH_CLIENTS, BATCH_REQUESTS)
            )
            batched["rows_per_request"] = BATCH_ROWS
            batched["rows_per_s"] = round(batched["requests_per_s"] * BATCH_ROWS, 1)
            served["batched_requests"] = batched
        return served
    finally:
        process.terminate()
        process.wait(timeout=30)


BENTOML = ["bentoml", "serve", "mlgate.serving.service:MlgateModel", "--host", "127.0.0.1"]
FASTAPI = ["uvicorn", "benchmarks.fastapi_app:app", "--host", "127.0.0.1", "--log-level", "warning"]


def baseline_source(scratch: Path, ref: str) -> Path:
    """The `src` folder of `ref` (the serving code before the speed-up), exported."""
    target = scratch / "baseline"
    target.mkdir()
    archive = subprocess.run(["git", "archive", ref, "src"], cwd=ROOT, capture_output=True)
    if archive.returncode != 0:
        raise SystemExit(
            f"--baseline-ref {ref}: not in this clone ({archive.stderr.decode().strip()}); "
            "fetch it (git fetch --unshallow) or name another commit"
        )
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target / "src"


def judge(model: dict[str, Any], baseline_c64_rps: float) -> dict[str, Any]:
    """Issue 21's targets for one model, from this run's figures."""
    c64 = model["bentoml"]["concurrency"]["64"]
    speedup = c64["requests_per_s"] / baseline_c64_rps
    share = c64["requests_per_s"] / model["in_process"]["batched_rows_per_s"]
    batched = model["bentoml"]["batched_requests"]
    batched_share = batched["rows_per_s"] / model["in_process"]["batched_rows_per_s"]
    fast = model["fastapi_uvicorn"]["concurrency"]["64"]["requests_per_s"]
    model["ratios"] = {
        "bentoml_c64_vs_baseline_rps": round(speedup, 2),
        "bentoml_c64_vs_in_process_batched": round(share, 3),
        "bentoml_batched_requests_vs_in_process_batched": round(batched_share, 3),
        **{
            f"bentoml_vs_fastapi_rps_c{c}": round(
                model["bentoml"]["concurrency"][str(c)]["requests_per_s"]
                / model["fastapi_uvicorn"]["concurrency"][str(c)]["requests_per_s"],
                2,
            )
            for c in CONCURRENCY
        },
    }
    return {
        f"in_process_single_p50_ms_at_most_{TARGET_SINGLE_P50_MS:g}": model["in_process"]["p50_ms"]
        <= TARGET_SINGLE_P50_MS,
        f"bentoml_c64_rps_at_least_{TARGET_C64_SPEEDUP:g}x_baseline": speedup >= TARGET_C64_SPEEDUP,
        f"bentoml_c64_p99_ms_at_most_{TARGET_C64_P99_MS:g}": c64["p99_ms"] <= TARGET_C64_P99_MS,
        "bentoml_c64_no_errors": c64["errors"] == 0,
        f"batching_at_least_{TARGET_BATCHING_SHARE:g}_of_in_process_batched": batched_share
        >= TARGET_BATCHING_SHARE,
        f"single_record_batching_at_least_{TARGET_BATCHING_SHARE:g}_of_in_process_batched": share
        >= TARGET_BATCHING_SHARE,
        "throughput_at_least_fastapi_c64": c64["requests_per_s"] >= fast,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--baseline-ref", default=BASELINE_REF)
    args = parser.parse_args()
    test = ROOT / "data" / "processed" / "test.parquet"
    if not test.is_file():
        raise SystemExit("no pipeline outputs: run `make run` first")
    records = json.loads(
        pd.read_parquet(test).drop(columns=["target"]).head(BATCH_ROWS).to_json(orient="records")
    )
    body = json.dumps({"records": [records[0]]}).encode()
    batch_body = json.dumps({"records": records}).encode()
    load_before = os.getloadavg()

    with tempfile.TemporaryDirectory(prefix="mlgate-serving-bench-") as scratch:
        env = {
            **os.environ,
            "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
            "BENTOML_HOME": f"{scratch}/bentoml",
            "BENTOML_DO_NOT_TRACK": "True",
            "MLGATE_PREDICTION_LOG_SAMPLE_RATE": "0",  # measure serving, not the log
        }
        os.environ["BENTOML_HOME"] = env["BENTOML_HOME"]  # before bentoml is imported
        from mlgate.serving.package import store_model

        baseline_src = baseline_source(Path(scratch), args.baseline_ref)  # before any work
        packaged = train_models(Path(scratch))
        results: dict[str, Any] = {"models": {}}
        for name, (model_bytes, contract, info, folder) in packaged.items():
            print(f"{name}: in-process", flush=True)
            model = {"estimator": MODELS[name][0], "params": MODELS[name][1]}
            model["in_process"] = in_process(folder, records)
            store_model(model_bytes, contract, info)  # mlgate-model:latest: this one
            served = env | {"MLGATE_MODEL_DIR": str(folder)}
            if name == BASELINE_MODEL:
                print(f"{name}: baseline ({args.baseline_ref[:12]})", flush=True)
                old = served | {"PYTHONPATH": f"{baseline_src}{os.pathsep}{ROOT}"}
                results["baseline"] = {
                    "ref": args.baseline_ref,
                    "model": name,
                    "bentoml": serve_and_load(BENTOML, old, body),
                }
            for server, command in (("bentoml", BENTOML), ("fastapi_uvicorn", FASTAPI)):
                print(f"{name}: {server}", flush=True)
                model[server] = serve_and_load(
                    command, served, body, batch_body if server == "bentoml" else None
                )
            results["models"][name] = model

    baseline_rps = results["baseline"]["bentoml"]["concurrency"]["64"]["requests_per_s"]
    targets = {name: judge(model, baseline_rps) for name, model in results["models"].items()}
    from mlgate.config import load_params

    results["batching"] = load_params(ROOT / "params.yaml").serving.batching.model_dump()
    results["targets"] = targets
    results["machine"] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load_average_1m_before": round(load_before[0], 2),
        "load_average_1m_after": round(os.getloadavg()[0], 2),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    args.out.with_suffix(".md").write_text(markdown(results))
    print(json.dumps(results, indent=2))


def markdown(results: dict[str, Any]) -> str:
    """The run as tables: in-process, each server at each concurrency, the targets."""
    lines = [
        "# Serving benchmark",
        "",
        "Written by `benchmarks/serving.py` (`make bench`): one run on "
        f"{results['machine']['cpus']} cores (1-minute load average "
        f"{results['machine']['load_average_1m_before']} before, "
        f"{results['machine']['load_average_1m_after']} after). Single-record requests on "
        f"127.0.0.1; adaptive batching: max_batch_size "
        f"{results['batching']['max_batch_size']}, max_latency_ms "
        f"{results['batching']['max_latency_ms']}.",
        "",
        "In process (`Predictor.predict`, medians):",
        "",
        "| model | single p50 (ms) | DataFrame path p50 (ms) | OpenMP 1 / 2 threads p50 (ms) "
        f"| {BATCH_ROWS}-row batches (rows/s) |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, model in results["models"].items():
        inner = model["in_process"]
        threads = inner["p50_ms_by_openmp_threads"]
        lines.append(
            f"| {name} | {inner['p50_ms']:.2f} | {inner['dataframe_path_p50_ms']:.2f} "
            f"| {threads['1']:.2f} / {threads['2']:.2f} | {inner['batched_rows_per_s']:,.0f} |"
        )
    lines += [
        "",
        "Servers (requests/s, p50 and p99 latency in ms, errors):",
        "",
        "| model | server | c | req/s | p50 | p99 | errors |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    rows = [
        (
            f"{results['baseline']['model']} (baseline {results['baseline']['ref'][:8]})",
            "bentoml",
            results["baseline"]["bentoml"],
        ),
    ]
    for name, model in results["models"].items():
        rows += [(name, "bentoml", model["bentoml"]), (name, "fastapi", model["fastapi_uvicorn"])]
    for name, server, figures in rows:
        for c, level in figures["concurrency"].items():
            lines.append(
                f"| {name} | {server} | {c} | {level['requests_per_s']:,.0f} "
                f"| {level['p50_ms']:.1f} | {level['p99_ms']:.1f} | {level['errors']} |"
            )
    lines += [
        "",
        f"Adaptive batching with batched requests ({BATCH_CLIENTS} BentoML clients, "
        f"{BATCH_ROWS} records a request):",
        "",
        "| model | rows/s | in-process batched rows/s | share | p99 (ms) | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, model in results["models"].items():
        batched = model["bentoml"]["batched_requests"]
        inner = model["in_process"]["batched_rows_per_s"]
        lines.append(
            f"| {name} | {batched['rows_per_s']:,.0f} | {inner:,.0f} "
            f"| {batched['rows_per_s'] / inner:.2f} | {batched['p99_ms']:.1f} "
            f"| {batched['errors']} |"
        )
    lines += [
        "",
        "Targets (issue 21), judged on this run:",
        "",
        "| model | target | met |",
        "|---|---|---|",
    ]
    for name, targets in results["targets"].items():
        for target, met in targets.items():
            lines.append(f"| {name} | {target} | {'met' if met else 'missed'} |")
    lines += ["", "Ratios:", ""]
    for name, model in results["models"].items():
        shown = ", ".join(f"{key} {value}" for key, value in model["ratios"].items())
        lines.append(f"- {name}: {shown}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
