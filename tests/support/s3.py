"""An S3-compatible server on 127.0.0.1 (moto) that checks credentials like AWS does."""

from __future__ import annotations

import json
import socket
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

REGION = "us-east-1"
# Bounds every call the fixtures make to the server themselves (DVC's calls are bounded by the
# tests' subprocess timeouts).
CALL_TIMEOUT_S = 10
ALLOW_ALL_S3 = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
}


@dataclass(frozen=True)
class S3Server:
    """Where the server listens, its bucket, and the one access key it accepts."""

    endpoint: str
    bucket: str
    access_key_id: str
    secret_access_key: str

    def credentials(self) -> dict[str, str]:
        """The environment of a process that may use the bucket."""
        return {
            "AWS_ACCESS_KEY_ID": self.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.secret_access_key,
        }


def _client(service: str, endpoint: str) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=CALL_TIMEOUT_S,
        read_timeout=CALL_TIMEOUT_S,
        retries={"max_attempts": 1},
    )
    # Authentication is off while the fixture sets the server up, so any key is accepted.
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="setup",
        aws_secret_access_key="setup",
        config=config,
    )


def _moto_api(endpoint: str, action: str, body: str) -> None:
    """POST to moto's own control API (reset, reset-auth)."""
    request = urllib.request.Request(
        f"{endpoint}/moto-api/{action}",
        data=body.encode(),
        method="POST",
        headers={"Content-Type": "text/plain"},
    )
    with urllib.request.urlopen(request, timeout=CALL_TIMEOUT_S) as answer:
        answer.read()


def _user_with_full_s3_access(endpoint: str, user: str) -> tuple[str, str]:
    iam = _client("iam", endpoint)
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="s3", PolicyDocument=json.dumps(ALLOW_ALL_S3))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    return str(key["AccessKeyId"]), str(key["SecretAccessKey"])


@contextmanager
def moto_s3(bucket: str) -> Iterator[S3Server]:
    """Moto's server on 127.0.0.1 (a free port) with one bucket and one IAM user's key.

    Once set up, every request must be signed with that key: an unknown key or a wrong secret is
    refused as AWS would refuse it. At exit the server forgets its state and stops.
    """
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    try:
        key_id, secret = _user_with_full_s3_access(endpoint, "mlgate-ci")
        _client("s3", endpoint).create_bucket(Bucket=bucket)
        _moto_api(endpoint, "reset-auth", "0")  # from now on, requests must be signed
        yield S3Server(endpoint, bucket, key_id, secret)
    finally:
        _moto_api(endpoint, "reset-auth", "inf")
        _moto_api(endpoint, "reset", "")
        server.stop()


@contextmanager
def closed_port() -> Iterator[int]:
    """A port on 127.0.0.1 that refuses connections: bound here (so no one else takes it), but
    not listening."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as held:
        held.bind(("127.0.0.1", 0))
        yield int(held.getsockname()[1])
