"""Plain HTTP calls to a served model (standard library only)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any


def request(url: str, body: bytes | None = None, kind: str = "application/json") -> tuple[int, str]:
    headers = {"Content-Type": kind} if body is not None else {}
    call = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(call, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def post(url: str, payload: Any) -> tuple[int, str]:
    return request(url, json.dumps(payload).encode())
