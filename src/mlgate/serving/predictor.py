"""The served model without the server: load a packaged model folder, answer requests.

`Packaged` (contract, metadata, log) answers and validates; `Predictor` adds the model. The
BentoML services are thin shells around these, so the behaviour is tested in-process. A
classifier's /predict answers labels and /predict_proba class probabilities; a regressor's
/predict answers numbers and /predict_proba is refused (`NoProbabilities`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.data.feature_schema import Task
from mlgate.serving.contract import RequestContract, check_records, records_to_frame
from mlgate.serving.numeric_input import NumericInput, numeric_input
from mlgate.serving.predlog import HASH_KEY_VARIABLE, PredictionLog

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from sklearn.pipeline import Pipeline
    from threadpoolctl import ThreadpoolController

MODEL_FILE = "model.skops"
CONTRACT_FILE = "contract.json"
METADATA_FILE = "metadata.json"
LOG_DIR_VARIABLE = "MLGATE_PREDICTION_LOG_DIR"
SAMPLE_RATE_VARIABLE = "MLGATE_PREDICTION_LOG_SAMPLE_RATE"
DIGITS = 6  # probabilities and predicted numbers are rounded to this many decimals
# OpenMP threads per prediction (HistGradientBoosting's predict uses all cores by default). One
# thread was faster for a single record and no slower for a 1000-record batch on 2 cores
# (docs/serving.md#speed); the model file cannot carry a thread count, so the server sets it.
OPENMP_THREADS = 1

Probabilities = dict[str, float]  # class label's text → probability


class NoProbabilities(Exception):
    """/predict_proba asked of a regression model: a 404, not a 400.

    The request is well formed (400 and 422 would send the client to fix its records) and the
    method is right (405); what it asks for, class probabilities, does not exist for this model.
    The route is declared only because the service class is fixed before the model is loaded.
    """

    status = 404

    def __init__(self) -> None:
        super().__init__("this model is a regression: /predict_proba has no classes; use /predict")


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

    @property
    def task(self) -> Task:
        """From the contract, so a model packaged before regression existed is a classifier."""
        return self.contract.schema.task

    def refuse_probabilities(self) -> None:
        """NoProbabilities unless the model has classes."""
        if self.task == "regression":
            raise NoProbabilities

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
        """A classifier's /predict answer (the most probable label per record), logged."""
        labels = self._best_labels(rows)
        self.log.record(records, labels, rows, self.version)
        return {"predictions": labels, "model_version": self.version}

    def estimates(
        self, records: Sequence[Mapping[str, Any]], values: Sequence[float]
    ) -> dict[str, Any]:
        """A regressor's /predict answer (one number per record), logged without probabilities."""
        self.log.record(records, values, None, self.version)
        return {"predictions": list(values), "model_version": self.version}

    def probabilities(
        self, records: Sequence[Mapping[str, Any]], rows: Sequence[Probabilities]
    ) -> dict[str, Any]:
        """A classifier's /predict_proba answer, logged."""
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
            "task": self.task,
            "classes": [str(label) for label in self.contract.schema.labels],  # none: regression
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
    """A packaged model, loaded: checks, scores and answers in one process.

    Records of an all-numeric model go to the estimator as a float matrix (`numeric_input`),
    others as the DataFrame training used; both give the same predictions.
    """

    packaged: Packaged
    model: Pipeline
    openmp_threads: int = OPENMP_THREADS
    numeric: NumericInput | None = field(init=False)
    classes: list[str] = field(init=False)
    threads: ThreadpoolController = field(init=False, repr=False)

    def __post_init__(self) -> None:
        from threadpoolctl import ThreadpoolController

        self.numeric = numeric_input(self.model, self.packaged.contract.schema)
        labels = getattr(self.model, "classes_", ())
        self.classes = [str(c.item() if hasattr(c, "item") else c) for c in labels]
        self.threads = ThreadpoolController()  # found once: each lookup scans the loaded libraries

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

    def model_output(
        self, records: Sequence[Mapping[str, Any]], method: str
    ) -> NDArray[np.float64]:
        """The model's `method` (predict_proba or predict) on checked records."""
        with self.threads.limit(limits=self.openmp_threads, user_api="openmp"):
            if self.numeric is not None:
                answer = getattr(self.numeric.estimator, method)(self.numeric.matrix(records))
            else:
                frame = records_to_frame(records, self.packaged.contract.schema)
                answer = getattr(self.model, method)(frame)
        return answer  # type: ignore[no-any-return]

    def score(self, records: Sequence[Mapping[str, Any]]) -> list[Probabilities]:
        """Class probabilities for records that already passed the contract (a classifier)."""
        classes = self.classes
        return [
            {label: round(float(p), DIGITS) for label, p in zip(classes, row, strict=True)}
            for row in self.model_output(records, "predict_proba")
        ]

    def estimate(self, records: Sequence[Mapping[str, Any]]) -> list[float]:
        """Predicted numbers for records that already passed the contract (a regressor)."""
        return [round(float(value), DIGITS) for value in self.model_output(records, "predict")]

    def predictions(self, records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        """The /predict answer for checked records, by task, logged."""
        if self.packaged.task == "regression":
            return self.packaged.estimates(records, self.estimate(records))
        return self.packaged.predictions(records, self.score(records))

    def probabilities(self, records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        """The /predict_proba answer for checked records, logged (a classifier only)."""
        self.packaged.refuse_probabilities()
        return self.packaged.probabilities(records, self.score(records))

    def predict(self, records: object) -> dict[str, Any]:
        return self.predictions(self.packaged.check(records))

    def predict_proba(self, records: object) -> dict[str, Any]:
        self.packaged.refuse_probabilities()  # before the records: fixing them would not help
        return self.probabilities(self.packaged.check(records))

    def metadata(self) -> dict[str, Any]:
        return self.packaged.metadata()
