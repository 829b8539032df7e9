"""The served model without the server: load a packaged model folder, answer requests.

`Packaged` (contract, metadata, log) answers and validates; `Predictor` adds the model. The
BentoML services are thin shells around these, so the behaviour is tested in-process.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.serving.contract import RequestContract, check_records, records_to_frame
from mlgate.serving.predlog import HASH_KEY_VARIABLE, PredictionLog

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

MODEL_FILE = "model.skops"
CONTRACT_FILE = "contract.json"
METADATA_FILE = "metadata.json"
LOG_DIR_VARIABLE = "MLGATE_PREDICTION_LOG_DIR"
SAMPLE_RATE_VARIABLE = "MLGATE_PREDICTION_LOG_SAMPLE_RATE"

Probabilities = dict[str, float]  # class label's text → probability


@dataclass
class Packaged:
    """Everything about the served model except the model: contract, metadata, log."""

    contract: RequestContract
    info: dict[str, Any]
    log: PredictionLog

    @classmethod
    def from_folder(cls, folder: Path) -> Packaged:
        """Read what `mlgate bento` packaged; env vars may override the log settings."""
        info = json.loads((folder / METADATA_FILE).read_text(encoding="utf-8"))
        contract = RequestContract.from_json_dict(
            json.loads((folder / CONTRACT_FILE).read_text(encoding="utf-8"))
        )
        return cls(contract, info, _prediction_log(info.get("prediction_log", {})))

    @property
    def version(self) -> str:
        return str(self.info["model_version"])

    def check(self, records: object) -> Sequence[Mapping[str, Any]]:
        """The records if they keep the contract; RequestError naming the problem otherwise."""
        return check_records(records, self.contract)

    def _best_labels(self, rows: Sequence[Probabilities]) -> list[Any]:
        """The most probable class per row, as the data's own label (1, not "1")."""
        by_text = {str(label): label for label in self.contract.schema.labels}
        return [by_text.get(best, best) for best in (max(r, key=r.__getitem__) for r in rows)]

    def predictions(
        self, records: Sequence[Mapping[str, Any]], rows: Sequence[Probabilities]
    ) -> dict[str, Any]:
        """The /predict answer (the most probable label per record), logged."""
        labels = self._best_labels(rows)
        self.log.record(records, labels, rows, self.version)
        return {"predictions": labels, "model_version": self.version}

    def probabilities(
        self, records: Sequence[Mapping[str, Any]], rows: Sequence[Probabilities]
    ) -> dict[str, Any]:
        """The /predict_proba answer, logged."""
        self.log.record(records, self._best_labels(rows), rows, self.version)
        return {"probabilities": list(rows), "model_version": self.version}

    def metadata(self) -> dict[str, Any]:
        """What /metadata answers; the prediction log as it is in effect (env vars applied)."""
        log = self.log
        effective = {
            "dir": str(log.directory) if log.directory else None,
            "sample_rate": log.sample_rate,
            "max_file_bytes": log.max_file_bytes,
            "max_files": log.max_files,
            "fields": log.fields if isinstance(log.fields, str) else sorted(log.fields),
            "hash_fields": sorted(log.hash_fields),
        }
        return self.info | {
            "classes": [str(label) for label in self.contract.schema.labels],
            "prediction_log": effective,
        }


def _prediction_log(settings: Mapping[str, Any]) -> PredictionLog:
    """The log `mlgate bento` configured (metadata.json), with the env vars' overrides."""
    directory = os.environ.get(LOG_DIR_VARIABLE, settings.get("dir") or "")
    rate = float(os.environ.get(SAMPLE_RATE_VARIABLE, settings.get("sample_rate", 0.0)))
    key = os.environ.get(HASH_KEY_VARIABLE)
    optional = {
        name: settings[name]
        for name in ("max_file_bytes", "max_files", "fields", "hash_fields")
        if name in settings  # a model packaged before the log had a budget: the defaults
    }
    return PredictionLog(
        Path(directory) if directory else None,
        rate,
        hash_key=key.encode("utf-8") if key else None,
        **optional,
    )


@dataclass
class Predictor:
    """A packaged model, loaded: checks, scores and answers in one process."""

    packaged: Packaged
    model: Pipeline

    @classmethod
    def from_folder(cls, folder: Path) -> Predictor:
        from mlgate.model.persist import load_model

        packaged = Packaged.from_folder(folder)
        info = packaged.info
        model = load_model(
            (folder / MODEL_FILE).read_bytes(),
            origin=str(folder / MODEL_FILE),
            expected_md5=str(info["model_version"]),  # the md5 dvc.lock recorded when packaged
            recorded_in=str(folder / METADATA_FILE),
            estimator=str(info["estimator"]),
            trusted_types=tuple(str(name) for name in info.get("trusted_types", ())),
        )
        return cls(packaged, model)

    def score(self, records: Sequence[Mapping[str, Any]]) -> list[Probabilities]:
        """Class probabilities for records that already passed the contract."""
        frame = records_to_frame(records, self.packaged.contract.schema)
        classes = [str(c.item() if hasattr(c, "item") else c) for c in self.model.classes_]
        return [
            {label: round(float(p), 6) for label, p in zip(classes, row, strict=True)}
            for row in self.model.predict_proba(frame)
        ]

    def predict(self, records: object) -> dict[str, Any]:
        checked = self.packaged.check(records)
        return self.packaged.predictions(checked, self.score(checked))

    def predict_proba(self, records: object) -> dict[str, Any]:
        checked = self.packaged.check(records)
        return self.packaged.probabilities(checked, self.score(checked))

    def metadata(self) -> dict[str, Any]:
        return self.packaged.metadata()
