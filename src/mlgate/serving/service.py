"""The BentoML service: `bentoml serve mlgate.serving.service:MlgateModel`.

Each request is checked against the training contract as it is parsed (a bad request is a 400
of its own), then BentoML's adaptive batching merges concurrent requests into one
`predict_proba` call, which is what makes a tree ensemble fast under load. The model is
declared on the class (not loaded ad hoc) so `bentoml build` packs it into the bento and the
image (BentoML issues #4702/#5319). Health, readiness, liveness and Prometheus `/metrics` are
BentoML's own endpoints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import bentoml
from pydantic import BaseModel, ConfigDict, model_validator
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from mlgate.serving.contract import RequestContract, check_records
from mlgate.serving.package import MODEL_NAME
from mlgate.serving.predictor import Predictor, Probabilities

MAX_BATCH_RECORDS = 512
MAX_BATCH_WAIT_MS = 1000  # BentoML adapts the real wait to the observed latency


class _Loaded:
    """The contract of the model this process serves (set when the service starts)."""

    contract: RequestContract | None = None


class Records(BaseModel):
    """A request body: {"records": [{feature: value, ...}, ...]}."""

    model_config = ConfigDict(extra="forbid")

    records: list[dict[str, Any]]

    @model_validator(mode="after")
    def _keeps_the_training_contract(self) -> Records:
        if _Loaded.contract is None:
            raise ValueError("the model is still loading")
        check_records(self.records, _Loaded.contract)  # RequestError names record and field
        return self


class RequireJson:
    """415 for a prediction request whose body is not declared as JSON."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            headers = dict(scope.get("headers", []))
            kind = headers.get(b"content-type", b"").decode("latin-1")
            if kind.split(";")[0].strip().lower() != "application/json":
                message = f"Content-Type must be application/json, got {kind or 'none'}"
                await JSONResponse({"error": message}, status_code=415)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _batched_api(route: str) -> Any:
    """A prediction endpoint: the contract checked per request, then adaptive batching."""
    return bentoml.api(
        route=route,
        input_spec=Records,
        batchable=True,
        max_batch_size=MAX_BATCH_RECORDS,
        max_latency_ms=MAX_BATCH_WAIT_MS,
    )


@bentoml.service(traffic={"timeout": 30})
class MlgateModel:
    """Labels and class probabilities for records that keep the training contract."""

    stored = bentoml.models.BentoModel(f"{MODEL_NAME}:latest")

    def __init__(self) -> None:
        self.predictor = Predictor.from_folder(Path(self.stored.path))
        _Loaded.contract = self.predictor.packaged.contract

    @_batched_api("/predict")
    def predict(self, records: list[dict[str, Any]]) -> list[Any]:
        """The most probable label for each record."""
        rows = self.predictor.score(records)
        return list(self.predictor.packaged.predictions(records, rows)["predictions"])

    @_batched_api("/predict_proba")
    def predict_proba(self, records: list[dict[str, Any]]) -> list[Probabilities]:
        """Class probabilities for each record, keyed by class label."""
        rows = self.predictor.score(records)
        return list(self.predictor.packaged.probabilities(records, rows)["probabilities"])

    @bentoml.api(route="/metadata")
    def metadata(self) -> dict[str, Any]:
        """Model version (its DVC hash), git commit and branch, metrics, params digest."""
        return self.predictor.metadata()


MlgateModel.add_asgi_middleware(RequireJson)  # type: ignore[attr-defined]
