"""Attacks on a real server's request limits: each is a 4xx, and the server stays ready and small.

The server is the session's (tests/serving/conftest.py); its process is found by the listening
socket, and its resident memory (all processes holding that socket) must come back within 50 MB
of where it was before the attacks.
"""

from __future__ import annotations

import http.client
import json
import os
import select
import socket
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
import pytest

from mlgate.config import ServingConfig
from tests.support.http import post, request

pytestmark = pytest.mark.slow

MB = 1024 * 1024
DEFAULTS = ServingConfig()
RSS_SLACK_KIB = 50 * 1024
CHUNK = 64 * 1024


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        with open(table) as rows:
            next(rows)
            for row in rows:
                fields = row.split()
                local, state, inode = fields[1], fields[3], fields[9]
                if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                    inodes.add(f"socket:[{inode}]")
    return inodes


def server_rss_kib(url: str) -> int:
    """Resident memory of every process that holds the server's listening socket, in KiB."""
    sockets = _listening_inodes(int(urlsplit(url).port or 0))
    total, found = 0, 0
    for pid in (entry for entry in os.listdir("/proc") if entry.isdigit()):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
            if not any(os.readlink(f"/proc/{pid}/fd/{fd}") in sockets for fd in fds):
                continue
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:  # gone, or not ours to read
            continue
        found += 1
        total += next(int(line.split()[1]) for line in status.splitlines() if line[:6] == "VmRSS:")
    assert found, f"no process holds the listening socket of {url}"
    return total


def send_raw(
    url: str, path: str, chunks: Iterable[bytes], *, chunked: bool, length: int | None = None
) -> tuple[int, str, int]:
    """POST a body piece by piece, stopping as soon as the server answers.

    Returns (status, response text, body bytes the client managed to send).
    """
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        head = [f"POST {path} HTTP/1.1", f"Host: {parts.netloc}", "Content-Type: application/json"]
        head.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {length}")
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        sent, finished = 0, True
        for chunk in chunks:
            if select.select([sock], [], [], 0.005)[0]:  # answered already: stop sending
                finished = False
                break
            try:
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" if chunked else chunk)
            except (BrokenPipeError, ConnectionResetError):
                finished = False
                break
            sent += len(chunk)
        if finished and chunked:
            sock.sendall(b"0\r\n\r\n")
        answer = http.client.HTTPResponse(sock)
        answer.begin()
        return answer.status, answer.read().decode(errors="replace"), sent


def pieces(body: bytes) -> Iterator[bytes]:
    for start in range(0, len(body), CHUNK):
        yield body[start : start + CHUNK]


@pytest.fixture(scope="module")
def record(packaged: tuple[Path, dict[str, str]]) -> dict[str, Any]:
    frame = pd.read_parquet(packaged[0] / "data" / "processed" / "test.parquet")
    return dict(json.loads(frame.drop(columns=["target"]).head(1).to_json(orient="records"))[0])


@pytest.fixture(scope="module")
def baseline_rss(server: str, record: dict[str, Any]) -> int:
    for _ in range(20):  # warm: the first requests allocate what every later one reuses
        assert post(f"{server}/predict", {"records": [record] * 50})[0] == 200
    return server_rss_kib(server)


def ten_megabytes(record: dict[str, Any]) -> bytes:
    one = json.dumps(record).encode()
    count = 10 * MB // (len(one) + 2)
    return b'{"records": [' + b", ".join([one] * count) + b"]}"


def test_a_10_mb_body_with_its_length_declared_is_413_before_it_is_read(
    server: str, record: dict[str, Any], baseline_rss: int
) -> None:
    body = ten_megabytes(record)
    status, text, sent = send_raw(server, "/predict", pieces(body), chunked=False, length=len(body))
    assert status == 413, text
    assert f"at most {DEFAULTS.max_body_bytes} bytes" in text
    assert sent < len(body) // 2  # answered from the Content-Length, not after reading it all
    assert request(f"{server}/readyz")[0] == 200
    assert server_rss_kib(server) - baseline_rss < RSS_SLACK_KIB


def test_a_slow_chunked_body_past_the_limit_is_413_once_it_crosses_it(
    server: str, record: dict[str, Any], baseline_rss: int
) -> None:
    """No Content-Length: the limit is enforced while the body streams in."""
    body = ten_megabytes(record)
    status, text, sent = send_raw(server, "/predict_proba", pieces(body), chunked=True)
    assert status == 413, text
    assert f"at most {DEFAULTS.max_body_bytes} bytes" in text
    # Loopback socket buffers may hold a few MB the server never read; not the whole body.
    assert sent < len(body) * 3 // 4
    assert request(f"{server}/readyz")[0] == 200
    assert server_rss_kib(server) - baseline_rss < RSS_SLACK_KIB


def test_a_1_mb_string_is_refused_naming_the_field_and_the_cap(
    server: str, record: dict[str, Any], baseline_rss: int
) -> None:
    status, text = post(f"{server}/predict", {"records": [record | {"mean radius": "x" * MB}]})
    assert status == 400, text[:300]
    assert (
        f"records[0]: 'mean radius' is a string of {MB} characters; "
        f"at most {DEFAULTS.max_string_chars}" in text
    )
    assert len(text) < 2000
    assert request(f"{server}/readyz")[0] == 200
    assert server_rss_kib(server) - baseline_rss < RSS_SLACK_KIB


@pytest.mark.parametrize("where", ["record", "body"])
def test_a_1_mb_key_is_refused_and_echoed_only_in_part(
    server: str, record: dict[str, Any], baseline_rss: int, where: str
) -> None:
    key = "k" * MB
    payload = (
        {"records": [record | {key: 1}]} if where == "record" else {"records": [record], key: 1}
    )
    status, text = post(f"{server}/predict", payload)
    assert status == 400, text[:300]
    assert len(text) < 2000
    assert "k" * 64 + "…" in text
    assert request(f"{server}/readyz")[0] == 200
    assert server_rss_kib(server) - baseline_rss < RSS_SLACK_KIB


def test_a_full_batch_of_records_is_within_the_body_limit(
    server: str, record: dict[str, Any]
) -> None:
    """The default body limit is sized for max_records records of this data."""
    status, text = post(f"{server}/predict", {"records": [record] * DEFAULTS.max_records})
    assert status == 200, text[:300]
