"""Start a published image for a moment and read what it serves at `/metadata`.

The rollout's check asks the container itself which model it serves, so what is compared with
the registry is what the cluster would run, not what the build said it packed. docker when its
engine runs, else podman (as `make image` chooses; CONTAINER_ENGINE overrides); the container
listens on 127.0.0.1 only and is removed afterwards, whatever happened.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from mlgate.errors import MlgateError
from mlgate.serving.smoke import free_port

ENGINE_VARIABLE = "CONTAINER_ENGINE"
SERVICE_PORT = 3000  # BentoML's port inside the image
PULL_WITHIN_S = 600
READY_WITHIN_S = 120
ENGINE_CALL_S = 60


class ServedImageError(MlgateError):
    """The image cannot be pulled or started, or it does not answer `/metadata`."""


def container_engine() -> str:
    """docker when `docker info` works, else podman; CONTAINER_ENGINE overrides."""
    chosen = os.environ.get(ENGINE_VARIABLE)
    if chosen:
        return chosen
    if shutil.which("docker") and _succeeds(["docker", "info"]):
        return "docker"
    if shutil.which("podman"):
        return "podman"
    raise ServedImageError(
        "no container engine: `docker info` fails and podman is not installed "
        "(deploy/image/README.md)"
    )


def _succeeds(command: list[str]) -> bool:
    try:
        done = subprocess.run(command, capture_output=True, timeout=ENGINE_CALL_S, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _engine(engine: str, *args: str, timeout: float = ENGINE_CALL_S) -> str:
    """`ENGINE ARGS`; its stdout, or a ServedImageError naming the call and its last line."""
    named = f"{engine} {args[0]}"
    try:
        done = subprocess.run(
            [engine, *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError:
        raise ServedImageError(f"`{engine}` is not installed") from None
    except subprocess.TimeoutExpired:
        raise ServedImageError(f"`{named}` took longer than {timeout:g} s") from None
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        raise ServedImageError(f"`{named}` failed: {lines[-1] if lines else '?'}")
    return done.stdout.strip()


@contextmanager
def running(image: str, engine: str) -> Iterator[str]:
    """The image (pulled unless the engine has it) started on a free 127.0.0.1 port until the
    block ends; yields its URL."""
    if not _succeeds([engine, "image", "inspect", image]):
        _engine(engine, "pull", image, timeout=PULL_WITHIN_S)
    port = free_port()
    name = f"mlgate-verify-{uuid.uuid4().hex[:12]}"
    publish = f"127.0.0.1:{port}:{SERVICE_PORT}"
    _engine(engine, "run", "--detach", "--name", name, "--publish", publish, image)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_ready(url, engine, name)
        yield url
    finally:
        # the answer (or the error) matters more than the clean-up
        with suppress(ServedImageError):
            _engine(engine, "rm", "--force", name)


def _wait_until_ready(url: str, engine: str, name: str) -> None:
    deadline = time.monotonic() + READY_WITHIN_S
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    logs = _last_log_line(engine, name)
    raise ServedImageError(f"the container was not ready within {READY_WITHIN_S} s ({logs})")


def _last_log_line(engine: str, name: str) -> str:
    try:
        lines = _engine(engine, "logs", "--tail", "5", name).splitlines()
    except ServedImageError as error:
        return str(error)
    return f"last log line: {lines[-1]}" if lines else "no log output"


def read_metadata(url: str) -> dict[str, Any]:
    """POST `/metadata` (a BentoML API, so POST) and parse its JSON object."""
    call = urllib.request.Request(
        f"{url}/metadata", data=b"{}", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(call, timeout=30) as answer:
            body = json.loads(answer.read())
    except urllib.error.HTTPError as error:
        raise ServedImageError(f"{url}/metadata: HTTP {error.code}") from None
    except (OSError, ValueError) as error:
        raise ServedImageError(f"{url}/metadata: no JSON answer ({error})") from None
    if not isinstance(body, dict):
        raise ServedImageError(f"{url}/metadata: expected a JSON object")
    return body


def served_metadata(image: str, engine: str | None = None) -> dict[str, Any]:
    """Start `image`, read its `/metadata`, remove the container."""
    with running(image, engine or container_engine()) as url:
        return read_metadata(url)
