"""Serve a built bento for a moment and check it answers exactly like the pipeline's model.

Run before an image is built (deploy.yml), so a model that cannot be served, or a bento that
carries another model, never becomes an image.
"""

from __future__ import annotations

import json
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import IO, Any

from mlgate.errors import MlgateError

READY_WITHIN_S = 120


class SmokeError(MlgateError):
    """The bento does not start, or answers differently from the pipeline's model."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _post(url: str, payload: object) -> Any:
    call = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(call, timeout=60) as answer:
            return json.loads(answer.read())
    except urllib.error.HTTPError as error:
        raise SmokeError(f"{url}: HTTP {error.code}: {error.read()[:300]!r}") from None


def _wait_until_ready(url: str, process: subprocess.Popen[str], log: IO[str]) -> None:
    deadline = time.monotonic() + READY_WITHIN_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            output = log.read()
            raise SmokeError(f"`bentoml serve` exited with {process.returncode}:\n{output[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SmokeError(f"the bento was not ready within {READY_WITHIN_S} s")


def smoke_test(
    bento: str,
    records: Sequence[dict[str, Any]],
    expected: Sequence[Any],
    model_version: str,
) -> float:
    """Serve `bento`, compare its predictions and model version; returns seconds to ready."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    # The server's log goes to a temporary file: an unread pipe would fill up and block it.
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            ["bentoml", "serve", bento, "--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            _wait_until_ready(url, process, log)
            ready = time.monotonic() - started
            served = _post(f"{url}/predict", {"records": list(records)})
            if list(served) != list(expected):
                differ = sum(a != b for a, b in zip(served, expected, strict=False))
                raise SmokeError(f"{bento} disagrees with the pipeline's model on {differ} records")
            version = _post(f"{url}/metadata", {}).get("model_version")
            if version != model_version:
                raise SmokeError(
                    f"{bento} serves model {version}, the pipeline made {model_version}"
                )
            return ready
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
