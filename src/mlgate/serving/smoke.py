"""Serve a built bento for a moment and check it answers exactly like the pipeline's model.

Run before an image is built (deploy.yml), so a model that cannot be served, or a bento that
carries another model, never becomes an image.
"""

from __future__ import annotations

import json
import math
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from mlgate.errors import MlgateError

READY_WITHIN_S = 120
# A served number is rounded to 6 decimals (predictor.DIGITS), the pipeline's is not; a huge one
# may also differ in its last bits (trees summed in another order).
ROUNDING_TOLERANCE = 1e-6
RELATIVE_TOLERANCE = 1e-9


class SmokeError(MlgateError):
    """The bento does not start, or answers differently from the pipeline's model."""


def free_port() -> int:
    """A port on 127.0.0.1 nothing listens on right now."""
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


def _last_line(log: IO[str]) -> str:
    log.seek(0)
    lines = [line.strip() for line in log.read().splitlines() if line.strip()]
    return lines[-1] if lines else "no output"


@contextmanager
def served(
    target: str, *, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> Iterator[str]:
    """`bentoml serve target` on a free 127.0.0.1 port until the block ends; yields its URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # The server's log goes to a temporary file: an unread pipe would fill up and block it.
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            ["bentoml", "serve", target, "--host", "127.0.0.1", "--port", str(port)],
            cwd=cwd,
            env=None if env is None else dict(env),
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + READY_WITHIN_S
            while True:
                if process.poll() is not None:
                    raise SmokeError(
                        f"`bentoml serve {target}` exited with {process.returncode}: "
                        f"{_last_line(log)}"
                    )
                try:
                    with urllib.request.urlopen(f"{url}/readyz", timeout=2) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise SmokeError(f"{target} was not ready within {READY_WITHIN_S} s")
                time.sleep(0.5)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _agree(served: object, expected: object) -> bool:
    """Labels agree exactly; a regressor's numbers within the served rounding."""
    if isinstance(expected, float) and isinstance(served, int | float):
        return math.isclose(
            served, expected, rel_tol=RELATIVE_TOLERANCE, abs_tol=ROUNDING_TOLERANCE
        )
    return served == expected


def disagreements(served: Sequence[Any], expected: Sequence[Any]) -> int:
    """Records on which the served answer and the pipeline's model differ (a missing one too)."""
    paired = sum(not _agree(a, b) for a, b in zip(served, expected, strict=False))
    return paired + abs(len(served) - len(expected))


def smoke_test(
    bento: str,
    records: Sequence[dict[str, Any]],
    expected: Sequence[Any],
    model_version: str,
) -> float:
    """Serve `bento`, compare its predictions and model version; returns seconds to ready."""
    started = time.monotonic()
    with served(bento) as url:
        ready = time.monotonic() - started
        answer = _post(f"{url}/predict", {"records": list(records)})
        differ = disagreements(list(answer), list(expected))
        if differ:
            raise SmokeError(f"{bento} disagrees with the pipeline's model on {differ} records")
        version = _post(f"{url}/metadata", {}).get("model_version")
        if version != model_version:
            raise SmokeError(f"{bento} serves model {version}, the pipeline made {model_version}")
        return ready
