"""The container image serves: build with podman (or docker), run, /readyz, /predict, and the
/metadata the rollout's verification reads from the started image.

Runs whenever a container engine works (CI installs podman); the base image is built from
Debian packages (deploy/image/build-base.sh), so no image registry is needed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from mlgate.serving.served_image import served_metadata
from mlgate.serving.smoke import free_port
from tests.support.paths import REPO_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.container]

BASE = "localhost/mlgate-base:bookworm-py311"
IMAGE = "localhost/mlgate:test"


def engine() -> str | None:
    for name in ("docker", "podman"):
        if (
            shutil.which(name)
            and subprocess.run([name, "info"], capture_output=True).returncode == 0
        ):
            return name
    return None


def test_image_builds_and_serves(packaged: tuple[Path, dict[str, str]]) -> None:
    tool = engine()
    if tool is None:
        pytest.skip("no working container engine (docker or podman); CI installs podman")
    project, env = packaged
    env = env | {"MLGATE_BASE_IMAGE": BASE, "CONTAINER_ENGINE": tool}
    built = subprocess.run(
        ["mlgate", "bento"], cwd=project, env=env, capture_output=True, text=True
    )
    assert built.returncode == 0, built.stderr
    script = REPO_ROOT / "deploy" / "image" / "containerize.sh"
    image = subprocess.run(
        [str(script), "mlgate:latest", IMAGE], cwd=project, env=env, capture_output=True, text=True
    )
    assert image.returncode == 0, image.stderr[-3000:]
    assert image.stdout.strip() == IMAGE

    port = free_port()
    run = [tool, "run", "-d", "--rm", "-p", f"127.0.0.1:{port}:3000", IMAGE]
    container = subprocess.run(run, capture_output=True, text=True, check=True).stdout.strip()
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{url}/readyz", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            logs = subprocess.run([tool, "logs", container], capture_output=True, text=True)
            pytest.fail(
                f"container not ready within 60 s:\n{logs.stdout[-2000:]}{logs.stderr[-2000:]}"
            )
        test = pd.read_parquet(project / "data" / "processed" / "test.parquet")
        records = json.loads(test.drop(columns=["target"]).head(3).to_json(orient="records"))
        call = urllib.request.Request(
            f"{url}/predict",
            data=json.dumps({"records": records}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(call, timeout=30) as answer:
            assert answer.status == 200
            assert len(json.loads(answer.read())) == 3
    finally:
        subprocess.run([tool, "stop", "-t", "5", container], capture_output=True)

    # what the rollout's verification reads: the started image's /metadata names its model
    served = served_metadata(IMAGE, tool)
    model = hashlib.md5((project / "models" / "model.skops").read_bytes()).hexdigest()
    assert served["model_version"] == model
