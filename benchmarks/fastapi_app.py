"""The FastAPI + uvicorn baseline the serving benchmark compares BentoML with.

Same model folder, same request contract and the same Predictor, so only the server differs.
Run: MLGATE_MODEL_DIR=<folder> uvicorn benchmarks.fastapi_app:app
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException

from mlgate.serving.contract import RequestError
from mlgate.serving.predictor import Predictor

app = FastAPI()
predictor = Predictor.from_folder(Path(os.environ["MLGATE_MODEL_DIR"]))


@app.get("/readyz")
def ready() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/predict")
def predict(body: dict[str, Any]) -> dict[str, Any]:
    try:
        return predictor.predict(body.get("records"))
    except RequestError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
