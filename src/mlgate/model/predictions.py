"""Per-row predictions on the test split (reports/predictions.parquet): what two models need to
be compared on the same rows, with an interval (the review's bootstrap).

One row per test row: its id (the row's index in the processed test split), the true target,
the prediction and, for a classification, one probability column per class. The task, the class
labels and the positive label travel in the Parquet file's metadata.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlgate.data.feature_schema import DataLabel, FeatureSchema
from mlgate.data.labels import plain_value
from mlgate.model.scores import TaskName

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from sklearn.base import BaseEstimator

METADATA_KEY = b"mlgate.predictions"
ROW_ID, TARGET, PREDICTION = "row_id", "target", "prediction"


def probability_column(label: DataLabel) -> str:
    return f"probability[{label}]"


@dataclass(frozen=True, eq=False)
class RowPredictions:
    """A model's predictions on the test rows; `proba` (rows × labels) only for a classifier."""

    task: TaskName
    row_ids: np.ndarray
    target: np.ndarray
    predicted: np.ndarray
    labels: tuple[DataLabel, ...] = ()
    positive_label: DataLabel | None = None
    proba: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.row_ids)

    def subset(self, mask: np.ndarray) -> RowPredictions:
        """The rows a boolean mask (or an index array) selects, in that order."""
        return RowPredictions(
            self.task,
            self.row_ids[mask],
            self.target[mask],
            self.predicted[mask],
            self.labels,
            self.positive_label,
            None if self.proba is None else self.proba[mask],
        )

    def same_rows(self, other: RowPredictions) -> bool:
        """Scored on the same test rows: the same ids, in the same order, with the same targets
        (then a paired comparison is valid)."""
        import numpy as np

        return (
            self.task == other.task
            and np.array_equal(self.row_ids, other.row_ids)
            and np.array_equal(self.target, other.target)
        )

    def metadata(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "labels": list(self.labels),
            "positive_label": self.positive_label,
        }

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        columns: dict[str, Any] = {
            ROW_ID: self.row_ids,
            TARGET: self.target,
            PREDICTION: self.predicted,
        }
        if self.proba is not None:
            for index, label in enumerate(self.labels):
                columns[probability_column(label)] = self.proba[:, index]
        return pd.DataFrame(columns)

    def to_parquet_bytes(self) -> bytes:
        """The Parquet file, the task and labels in its schema metadata."""
        import io

        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(self.to_frame(), preserve_index=False)
        metadata = dict(table.schema.metadata or {})
        metadata[METADATA_KEY] = json.dumps(self.metadata(), sort_keys=True).encode()
        buffer = io.BytesIO()
        pq.write_table(table.replace_schema_metadata(metadata), buffer, compression="snappy")
        return buffer.getvalue()

    @classmethod
    def from_parquet(cls, source: Any) -> RowPredictions:
        """Read a file written by `to_parquet_bytes` (a path or a binary stream); ValueError when
        it is not one."""
        import numpy as np
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(source)
        except pa.ArrowException as exc:
            raise ValueError(f"not Parquet ({exc})") from None
        raw = (table.schema.metadata or {}).get(METADATA_KEY)
        if raw is None:
            raise ValueError("no mlgate predictions metadata")
        meta = json.loads(raw)
        frame = table.to_pandas()
        missing = {ROW_ID, TARGET, PREDICTION} - set(frame.columns)
        labels = tuple(meta.get("labels", ()))
        task = meta.get("task")
        if task not in ("classification", "regression") or missing:
            raise ValueError(f"not a predictions file (task {task!r}, missing {sorted(missing)})")
        proba = None
        if task == "classification":
            names = [probability_column(label) for label in labels]
            if not labels or any(name not in frame.columns for name in names):
                raise ValueError("a classification's probability columns are missing")
            proba = frame[names].to_numpy(dtype=float)
        return cls(
            task,
            frame[ROW_ID].to_numpy(dtype=np.int64),
            frame[TARGET].to_numpy(),
            frame[PREDICTION].to_numpy(),
            labels,
            meta.get("positive_label"),
            proba,
        )


def predict_rows(
    model: BaseEstimator,
    test: pd.DataFrame,
    schema: FeatureSchema,
    positive_label: DataLabel | None = None,
) -> RowPredictions:
    """The model's predictions on the test split, each row named by its index there."""
    import numpy as np

    features = test.loc[:, list(schema.features)]
    row_ids = test.index.to_numpy(dtype=np.int64)
    target = test[schema.target].to_numpy()
    if schema.task == "regression":
        predicted = np.asarray(model.predict(features), dtype=float)
        return RowPredictions("regression", row_ids, target.astype(float), predicted)
    classes = tuple(plain_value(value) for value in model.classes_)
    proba = np.asarray(model.predict_proba(features), dtype=float)
    predicted = np.asarray(model.classes_)[proba.argmax(axis=1)]
    return RowPredictions(
        "classification", row_ids, target, predicted, classes, positive_label, proba
    )
