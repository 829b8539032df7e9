"""The served model without the server: load a packaged model folder, answer requests.

The BentoML service is a thin shell around this, so the behaviour is tested in-process.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.serving.contract import RequestContract, check_records, records_to_frame
from mlgate.serving.predlog import PredictionLog

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

MODEL_FILE = "model.skops"
CONTRACT_FILE = "contract.json"
METADATA_FILE = "metadata.json"
LOG_DIR_VARIABLE = "MLGATE_PREDICTION_LOG_DIR"
SAMPLE_RATE_VARIABLE = "MLGATE_PREDICTION_LOG_SAMPLE_RATE"


@dataclass
class Predictor:
    """A loaded model, its request contract, its metadata and its prediction log."""

    model: Pipeline
    contract: RequestContract
    info: dict[str, Any]
    log: PredictionLog

    @classmethod
    def from_folder(cls, folder: Path) -> Predictor:
        """Load what `mlgate bento` packaged; the log settings may be overridden by env vars."""
        from mlgate.model.persist import load_model

        info = json.loads((folder / METADATA_FILE).read_text(encoding="utf-8"))
        contract = RequestContract.from_json_dict(
            json.loads((folder / CONTRACT_FILE).read_text(encoding="utf-8"))
        )
        model = load_model(
            (folder / MODEL_FILE).read_bytes(),
            origin=str(folder / MODEL_FILE),
            extra_trusted_roots=frozenset({str(info["estimator"]).split(".", 1)[0]}),
        )
        settings = info.get("prediction_log", {})
        directory = os.environ.get(LOG_DIR_VARIABLE, settings.get("dir") or "")
        rate = float(os.environ.get(SAMPLE_RATE_VARIABLE, settings.get("sample_rate", 0.0)))
        return cls(
            model, contract, info, PredictionLog(Path(directory) if directory else None, rate)
        )

    @property
    def classes(self) -> list[Any]:
        return [c.item() if hasattr(c, "item") else c for c in self.model.classes_]

    @property
    def version(self) -> str:
        return str(self.info["model_version"])

    def _probabilities(self, records: object) -> tuple[Sequence[Any], list[dict[str, float]]]:
        checked = check_records(records, self.contract)  # RequestError names the problem
        proba = self.model.predict_proba(records_to_frame(checked, self.contract.schema))
        classes = self.classes
        rows = [
            {str(label): round(float(p), 6) for label, p in zip(classes, row, strict=True)}
            for row in proba
        ]
        return checked, rows

    def predict(self, records: object) -> dict[str, Any]:
        """Labels (the most probable class) for each record."""
        checked, rows = self._probabilities(records)
        classes = self.classes
        by_text = {str(label): label for label in classes}
        labels = [by_text[max(row, key=row.__getitem__)] for row in rows]
        self.log.record(checked, labels, rows, self.version)
        return {"predictions": labels, "model_version": self.version}

    def predict_proba(self, records: object) -> dict[str, Any]:
        """Class probabilities for each record, keyed by the label's text."""
        checked, rows = self._probabilities(records)
        labels = [max(row, key=row.__getitem__) for row in rows]
        self.log.record(checked, labels, rows, self.version)
        return {"probabilities": rows, "model_version": self.version}

    def metadata(self) -> dict[str, Any]:
        return self.info | {"classes": [str(c) for c in self.classes]}
