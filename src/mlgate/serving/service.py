"""The BentoML service: `bentoml serve mlgate.serving.service:MlgateModel`.

The model is declared on the class (not loaded ad hoc in __init__) so `bentoml build` packs it
into the bento and the image (BentoML issues #4702/#5319). Health, readiness, liveness and
Prometheus `/metrics` are BentoML's own endpoints. The behaviour lives in `Predictor`.
"""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path
from typing import Any

import bentoml
from bentoml.exceptions import BadInput, BentoMLException

from mlgate.serving.contract import RequestError
from mlgate.serving.package import MODEL_NAME
from mlgate.serving.predictor import Predictor


def _require_json(context: bentoml.Context) -> None:
    kind = context.request.headers.get("content-type", "")
    if kind.split(";")[0].strip().lower() != "application/json":
        raise BentoMLException(
            f"Content-Type must be application/json, got {kind or 'none'}",
            error_code=HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
        )


@bentoml.service(traffic={"timeout": 30})
class MlgateModel:
    """Predicts labels and class probabilities for records that keep the training contract."""

    stored = bentoml.models.BentoModel(f"{MODEL_NAME}:latest")

    def __init__(self) -> None:
        self.predictor = Predictor.from_folder(Path(self.stored.path))

    @bentoml.api(route="/predict")
    def predict(self, records: list[dict[str, Any]], context: bentoml.Context) -> dict[str, Any]:
        """Labels for a list of records."""
        _require_json(context)
        try:
            return self.predictor.predict(records)
        except RequestError as exc:
            raise BadInput(str(exc)) from None

    @bentoml.api(route="/predict_proba")
    def predict_proba(
        self, records: list[dict[str, Any]], context: bentoml.Context
    ) -> dict[str, Any]:
        """Class probabilities for a list of records, keyed by class label."""
        _require_json(context)
        try:
            return self.predictor.predict_proba(records)
        except RequestError as exc:
            raise BadInput(str(exc)) from None

    @bentoml.api(route="/metadata")
    def metadata(self) -> dict[str, Any]:
        """Model version (its DVC hash), git commit and branch, metrics, params digest."""
        return self.predictor.metadata()
