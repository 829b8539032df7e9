"""The BentoML service: `bentoml serve mlgate.serving.service:MlgateModel`.

Each request is checked against the training contract as it is parsed (a bad request is a 400
of its own), then BentoML's adaptive batching merges concurrent requests into one
`predict_proba` (a classifier) or `predict` (a regressor) call, which is what makes a tree
ensemble fast under load. A request is a list of records, and that list is the batch dimension:
BentoML concatenates the lists of the requests it merges (splitting one beyond
serving.batching.max_batch_size records) and hands each request its own slice of the answer.
The model is declared on the class (not loaded ad hoc) so `bentoml build` packs it into the
bento and the image (BentoML issues #4702/#5319). Health, readiness, liveness and Prometheus
`/metrics` are BentoML's own endpoints. Three ASGI middlewares run
inside BentoML's own (metrics, timeout): 404 for a regressor's /predict_proba, 415 for a body
not declared as JSON, 413 for a body beyond the contract's max_body_bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import bentoml
from bentoml.validators import ContentType
from pydantic import BaseModel, ConfigDict, model_validator
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mlgate.serving.batching import packaged_batching
from mlgate.serving.contract import (
    DEFAULT_MAX_BODY_BYTES,
    MAX_NAMES_LISTED,
    RequestContract,
    check_records,
    show_name,
)
from mlgate.serving.package import MODEL_NAME
from mlgate.serving.predictor import NoProbabilities, Predictor, Probabilities
from mlgate.serving.predlog import DROP_REASONS, PredictionLog


class _Loaded:
    """The contract of the model this process serves (set when the service starts)."""

    contract: RequestContract | None = None
    log_counters: tuple[Callable[[str, int], None], Callable[[int], None]] | None = None

    @classmethod
    def max_body_bytes(cls) -> int:
        return DEFAULT_MAX_BODY_BYTES if cls.contract is None else cls.contract.max_body_bytes


class Records(BaseModel):
    """A request body: {"records": [{feature: value, ...}, ...]}."""

    model_config = ConfigDict(extra="forbid")

    records: list[dict[str, Any]]

    @model_validator(mode="before")
    @classmethod
    def _has_only_records(cls, body: Any) -> Any:
        """Name unknown keys ourselves: pydantic would echo each one whole, however long."""
        if isinstance(body, dict):
            extra = sorted(str(key) for key in body if key != "records")
            if extra:
                listed = ", ".join(map(show_name, extra[:MAX_NAMES_LISTED]))
                raise ValueError(f'unknown key(s) {listed}; the body is {{"records": [...]}}')
        return body

    @model_validator(mode="after")
    def _keeps_the_training_contract(self) -> Records:
        if _Loaded.contract is None:
            raise ValueError("the model is still loading")
        check_records(self.records, _Loaded.contract)  # RequestError names record and field
        return self


class RefuseProbabilities:
    """A regressor's /predict_proba: NoProbabilities' 404, before the body is read.

    The route exists for every model (the class is declared before the model is loaded); a
    regressor refuses it here, so the refusal never waits in, or fails, a batch.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        contract = _Loaded.contract
        if (
            scope["type"] == "http"
            and scope["path"].rstrip("/") == "/predict_proba"
            and contract is not None
            and contract.schema.task == "regression"
        ):
            refused = NoProbabilities()
            answer = JSONResponse({"error": str(refused)}, status_code=refused.status)
            await answer(scope, receive, send)
            return
        await self.app(scope, receive, send)


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


class LimitBody:
    """413 for a request body beyond the served contract's max_body_bytes, before it is parsed.

    A declared Content-Length is checked first; a chunked or slow body is counted as it arrives
    and refused the moment it crosses the limit. Below the limit the body (which BentoML reads
    whole anyway) is handed on as one message.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    @staticmethod
    async def _refuse(limit: int, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"request body too large: at most {limit} bytes (serving.max_body_bytes)"
        await JSONResponse({"error": message}, status_code=413)(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = _Loaded.max_body_bytes()
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                problem = {"error": "Content-Length must be a number of bytes"}
                await JSONResponse(problem, status_code=400)(scope, receive, send)
                return
            if int(declared) > limit:
                await self._refuse(limit, scope, receive, send)
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = bytes(message.get("body", b""))
            size += len(chunk)
            if size > limit:
                await self._refuse(limit, scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        whole: Message | None = {"type": "http.request", "body": b"".join(chunks)}
        del chunks

        async def replay() -> Message:
            nonlocal whole
            if whole is not None:
                message, whole = whole, None
                return message
            return await receive()  # after the body: wait for a disconnect, as Starlette does

        await self.app(scope, replay, send)


def _count_in_prometheus(log: PredictionLog) -> None:
    """The log's drops and removals as Prometheus counters on BentoML's /metrics.

    Created once per process, after BentoML has set up its multiprocess collection (which is
    why prometheus_client is imported here and not at the top).
    """
    if _Loaded.log_counters is None:
        from prometheus_client import Counter

        dropped = Counter(
            "mlgate_prediction_log_dropped",
            "Sampled prediction log entries not written, by reason",
            ["reason"],
        )
        for reason in DROP_REASONS:
            dropped.labels(reason=reason)  # exported at 0 from the start
        removed = Counter(
            "mlgate_prediction_log_files_removed",
            "Old prediction log files deleted to keep the log within its budget",
        )
        _Loaded.log_counters = (
            lambda reason, count: dropped.labels(reason=reason).inc(count),
            removed.inc,
        )
    log.on_drop, log.on_remove = _Loaded.log_counters


# Answers declared as JSON: BentoML otherwise derives the response's media type from the
# output's JSON schema, generated anew for every response (~14% of a worker's CPU at c=64).
JSON = ContentType("application/json")


BATCHING = packaged_batching()


def _batched_api(route: str) -> Any:
    """A prediction endpoint: the contract checked per request, then adaptive batching."""
    return bentoml.api(
        route=route,
        input_spec=Records,
        batchable=True,
        max_batch_size=BATCHING.max_batch_size,
        max_latency_ms=BATCHING.max_latency_ms,
    )


@bentoml.service(traffic={"timeout": 30})
class MlgateModel:
    """Predictions for records that keep the training contract: labels and class
    probabilities from a classifier, numbers from a regressor."""

    stored = bentoml.models.BentoModel(f"{MODEL_NAME}:latest")

    def __init__(self) -> None:
        self.predictor = Predictor.from_folder(Path(self.stored.path))
        _Loaded.contract = self.predictor.packaged.contract
        _count_in_prometheus(self.predictor.packaged.log)

    @_batched_api("/predict")
    def predict(self, records: list[dict[str, Any]]) -> Annotated[list[Any], JSON]:
        """For each record, the most probable label (a classifier) or the predicted number
        (a regressor, to 6 decimals)."""
        return list(self.predictor.predictions(records)["predictions"])

    @_batched_api("/predict_proba")
    def predict_proba(self, records: list[dict[str, Any]]) -> Annotated[list[Probabilities], JSON]:
        """Class probabilities for each record, keyed by class label; a regressor answers 404."""
        return list(self.predictor.probabilities(records)["probabilities"])

    @bentoml.api(route="/metadata")
    def metadata(self) -> dict[str, Any]:
        """Model version (its DVC hash), task, classes, git commit and branch, metrics, params
        digest."""
        return self.predictor.metadata()


# The first added runs first: a regressor's /predict_proba is refused whatever its body.
MlgateModel.add_asgi_middleware(RefuseProbabilities)  # type: ignore[attr-defined]
MlgateModel.add_asgi_middleware(RequireJson)  # type: ignore[attr-defined]
MlgateModel.add_asgi_middleware(LimitBody)  # type: ignore[attr-defined]
