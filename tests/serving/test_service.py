"""The service's ASGI middlewares in-process, around a stand-in app: a regressor's /predict_proba
is refused before anything is read, everything else passes through."""

from __future__ import annotations

import asyncio
import json

import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mlgate.config import BatchingConfig
from mlgate.data.feature_schema import FeatureSchema
from mlgate.serving import batching, service
from mlgate.serving.contract import RequestContract

REGRESSION = FeatureSchema(target="y", task="regression", labels=(), numeric=("x",), categorical=())
CLASSIFICATION = FeatureSchema(target="y", labels=("a", "b"), numeric=("x",), categorical=())


async def _model(scope: Scope, receive: Receive, send: Send) -> None:
    """The stand-in for BentoML's app: answers 200 to anything."""
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"reached the model"})


def post(app: ASGIApp, path: str, body: bytes, kind: str = "application/json") -> tuple[int, str]:
    """One POST through an ASGI app, in-process: (status, body)."""
    sent: list[Message] = []
    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "headers": [(b"content-type", kind.encode())],
    }

    async def receive() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    text = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, text.decode()


def refusing(schema: FeatureSchema | None, monkeypatch: pytest.MonkeyPatch) -> ASGIApp:
    """The stand-in behind RefuseProbabilities, serving a model of this schema (None: loading)."""
    contract = None if schema is None else RequestContract(schema=schema)
    monkeypatch.setattr(service._Loaded, "contract", contract)
    return service.RefuseProbabilities(_model)


RECORDS = json.dumps({"records": [{"x": 1}]}).encode()


def test_a_regressors_predict_proba_is_404_naming_predict(monkeypatch: pytest.MonkeyPatch) -> None:
    status, text = post(refusing(REGRESSION, monkeypatch), "/predict_proba", RECORDS)
    assert status == 404
    assert json.loads(text) == {
        "error": "this model is a regression: /predict_proba has no classes; use /predict"
    }


def test_the_refusal_does_not_depend_on_the_body(monkeypatch: pytest.MonkeyPatch) -> None:
    app = refusing(REGRESSION, monkeypatch)
    assert post(app, "/predict_proba", b"not json", kind="text/plain")[0] == 404


@pytest.mark.parametrize(
    ("schema", "path"),
    [(REGRESSION, "/predict"), (CLASSIFICATION, "/predict_proba"), (None, "/predict_proba")],
    ids=["regressor-predict", "classifier-predict_proba", "still-loading"],
)
def test_everything_else_reaches_the_model(
    schema: FeatureSchema | None, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert post(refusing(schema, monkeypatch), path, RECORDS) == (200, "reached the model")


class _Stored:
    """What bentoml.models.get answers, as far as packaged_batching reads it."""

    def __init__(self, metadata: dict[str, object]) -> None:
        self.info = type("Info", (), {"metadata": metadata})()


def test_batching_is_read_from_the_packaged_model(monkeypatch: pytest.MonkeyPatch) -> None:
    stored = _Stored({"batching": {"max_batch_size": 32, "max_latency_ms": 250}})
    monkeypatch.setattr(service.bentoml.models, "get", lambda tag: stored)
    packaged = batching.packaged_batching()
    assert (packaged.max_batch_size, packaged.max_latency_ms) == (32, 250)


def test_batching_defaults_without_a_packaged_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(tag: str) -> object:
        raise service.bentoml.exceptions.NotFound(tag)

    defaults = BatchingConfig()
    monkeypatch.setattr(service.bentoml.models, "get", lambda tag: _Stored({}))
    assert batching.packaged_batching() == defaults  # packaged before the setting existed
    monkeypatch.setattr(service.bentoml.models, "get", missing)
    assert batching.packaged_batching() == defaults


def test_the_batched_apis_use_the_packaged_batching_and_answer_json() -> None:
    for name in ("predict", "predict_proba"):
        api = service.MlgateModel.apis[name]
        assert api.batchable
        assert (api.max_batch_size, api.max_latency_ms) == (
            service.BATCHING.max_batch_size,
            service.BATCHING.max_latency_ms,
        )
        assert api.output_spec.media_type == "application/json"
