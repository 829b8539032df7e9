"""Record one stand-in call in $REHEARSAL_DIR/calls/ as JSON: which tool, its arguments, inputs
and the token-bearing environment (only whether each token was set, never its value)."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

TOKENS = (
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "REPO_TOKEN",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
)
# Inputs that carry a secret: recorded only as "<set>".
SECRET_INPUTS = ("password", "token", "aws-access-key-id", "aws-secret-access-key")


def record(tool: str, **fields: object) -> Path:
    calls = Path(os.environ["REHEARSAL_DIR"]) / "calls"
    calls.mkdir(parents=True, exist_ok=True)
    entry = {
        "tool": tool,
        "job": os.environ.get("GITHUB_JOB"),
        "workflow": os.environ.get("GITHUB_WORKFLOW"),
        "event": os.environ.get("GITHUB_EVENT_NAME"),
        "cwd": os.getcwd(),
        "tokens": {name: bool(os.environ.get(name)) for name in TOKENS},
        **fields,
    }
    path = calls / f"{time.time_ns()}-{os.getpid()}-{tool}.json"
    path.write_text(json.dumps(entry, indent=2))
    return path


if __name__ == "__main__":
    # python record.py TOOL  (inputs as JSON in $INPUTS; secret-looking inputs only as "<set>")
    inputs = json.loads(os.environ.get("INPUTS") or "{}")
    for key in SECRET_INPUTS:
        if inputs.get(key):
            inputs[key] = "<set>"
    record(sys.argv[1], inputs=inputs)
    print(f"{sys.argv[1]} stand-in: recorded")
