"""served_image with a stand-in container engine on PATH: the image is started on 127.0.0.1,
its /metadata read, the container removed; a container that never answers fails in bounded time."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import pytest

from mlgate.serving import served_image
from mlgate.serving.served_image import (
    ServedImageError,
    container_engine,
    read_metadata,
    served_metadata,
)
from mlgate.serving.smoke import free_port

IMAGE = "ghcr.io/owner/mlgate@sha256:" + "d" * 64
METADATA = {"model_version": "0123456789abcdef0123456789abcdef", "task": "classification"}

# A container engine: `run … --publish 127.0.0.1:PORT:3000 IMAGE` starts a server answering
# /readyz and /metadata (or nothing, with SERVE=no); every call is appended to $CALLS.
ENGINE = r"""#!{python}
import json, os, subprocess, sys
argv = sys.argv[1:]
with open(os.environ["CALLS"], "a") as calls:
    calls.write(" ".join(argv) + "\n")
if argv[0] == "image":  # image inspect: only a LOCAL image is there already
    sys.exit(0 if os.environ.get("LOCAL") == "yes" else "Error: no such image")
if argv[0] == "pull" and os.environ.get("PULL") == "no":
    sys.exit("Error: manifest unknown")
if argv[0] == "run" and os.environ.get("SERVE") != "no":
    port = argv[argv.index("--publish") + 1].split(":")[1]
    server = '''
import json, os, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
class H(BaseHTTPRequestHandler):
    def answer(self, body):
        data = json.dumps(body).encode()
        self.send_response(200); self.send_header("Content-Length", str(len(data)))
        self.end_headers(); self.wfile.write(data)
    def do_GET(self): self.answer({{}})
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0)); self.answer({metadata})
    def log_message(self, *a): pass
HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
'''
    child = subprocess.Popen(
        [sys.executable, "-c", server, port], start_new_session=True,
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    open(os.environ["CALLS"] + ".pid", "w").write(str(child.pid))
if argv[0] == "rm" and os.path.exists(os.environ["CALLS"] + ".pid"):
    os.kill(int(open(os.environ["CALLS"] + ".pid").read()), 15)
"""


@pytest.fixture
def engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The stand-in engine's path; the file its calls are appended to is `calls`."""
    path = tmp_path / "engine"
    path.write_text(ENGINE.format(python=sys.executable, metadata=json.dumps(METADATA)))
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("CALLS", str(tmp_path / "calls"))
    return path


def calls(engine: Path) -> list[str]:
    return (engine.parent / "calls").read_text().splitlines()


def test_the_image_is_pulled_started_on_localhost_read_and_removed(engine: Path) -> None:
    assert served_metadata(IMAGE, str(engine)) == METADATA
    inspect, pull, started, removed = calls(engine)
    assert inspect == f"image inspect {IMAGE}"
    assert pull == f"pull {IMAGE}"
    assert started.startswith("run --detach --name mlgate-verify-")
    assert " --publish 127.0.0.1:" in started
    assert started.endswith(f":3000 {IMAGE}")
    name = started.split("--name ")[1].split()[0]
    assert removed == f"rm --force {name}"


def test_a_container_that_never_answers_fails_in_bounded_time_and_is_removed(
    engine: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SERVE", "no")
    monkeypatch.setattr(served_image, "READY_WITHIN_S", 1)
    with pytest.raises(ServedImageError, match=r"not ready within 1 s"):
        served_metadata(IMAGE, str(engine))
    assert calls(engine)[-1].startswith("rm --force mlgate-verify-")


def test_an_image_that_cannot_be_pulled_names_the_engines_last_line(
    engine: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULL", "no")
    with pytest.raises(
        ServedImageError, match=r"^`.*engine pull` failed: Error: manifest unknown$"
    ):
        served_metadata(IMAGE, str(engine))
    assert len(calls(engine)) == 2  # inspected, not pulled, nothing started


def test_an_image_the_engine_has_is_not_pulled(
    engine: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOCAL", "yes")
    assert served_metadata(IMAGE, str(engine)) == METADATA
    assert [call.split()[0] for call in calls(engine)] == ["image", "run", "rm"]


def test_metadata_from_a_port_nothing_listens_on_is_an_error() -> None:
    with pytest.raises(ServedImageError, match=r"/metadata: no JSON answer"):
        read_metadata(f"http://127.0.0.1:{free_port()}")


def test_container_engine_honours_the_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONTAINER_ENGINE", "podman")
    assert container_engine() == "podman"


def test_no_engine_at_all_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONTAINER_ENGINE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ServedImageError, match="no container engine"):
        container_engine()
