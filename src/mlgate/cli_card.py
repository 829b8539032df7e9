"""`mlgate card`, the card stage: per-slice scores (reports/slices.json) and the model card
(reports/model_card.md). The command body lives here; cli.py registers it in one function.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import TYPE_CHECKING

from mlgate.errors import ArtifactError

if TYPE_CHECKING:
    from mlgate.config import GatesConfig
    from mlgate.model.slices import SliceReport

SLICES = Path("reports/slices.json")
MODEL_CARD = Path("reports/model_card.md")


def run_card(params: Path) -> None:
    """Read the pipeline's outputs, score every slice, write both files (nothing on an error)."""
    from rich.markup import escape

    from mlgate.cli import (
        METRICS,
        MODEL,
        RAW_DATA,
        TEST_SPLIT,
        TRAIN_SPLIT,
        VALIDATION_REPORT,
        _done,
        _params,
        _trained_model,
        _validated_schema,
        _working,
    )
    from mlgate.data.schema import resolve_positive_label
    from mlgate.files import read_bytes, read_json, read_parquet, write_bytes_atomic, write_json
    from mlgate.model.card import CardFacts, TrainingData, render_model_card, slice_label
    from mlgate.model.scores import SCORE_LABELS
    from mlgate.model.slices import check_bins_columns, score_slices

    started = time.perf_counter()
    config = _params(params)
    schema = _validated_schema(VALIDATION_REPORT)
    check_bins_columns(config.card.slices, schema)
    raw = read_parquet(RAW_DATA, "ingest")
    data_md5 = hashlib.md5(read_bytes(RAW_DATA, "ingest")).hexdigest()  # what dvc.lock records
    train = read_parquet(TRAIN_SPLIT, "split")
    test = read_parquet(TEST_SPLIT, "split")
    model_bytes = read_bytes(MODEL, "train")
    model = _trained_model(config, model_bytes)
    metrics = read_json(METRICS, "evaluate")
    positive = resolve_positive_label(schema.labels, config.data.positive_label)
    with _working(f"scoring slices of {len(test)} test rows"):
        report = score_slices(model, train, test, schema, config.card.slices, positive)
    counts = (
        train[schema.target].value_counts().add(test[schema.target].value_counts(), fill_value=0)
    )
    classes = [c.item() if hasattr(c, "item") else c for c in model.classes_]
    facts = CardFacts(
        card=config.card,
        data_config=config.data,
        model_config=config.model,
        schema=schema,
        data=TrainingData(
            rows=len(raw),
            columns=raw.shape[1],
            train_rows=len(train),
            test_rows=len(test),
            label_counts={str(label): int(counts.get(label, 0)) for label in classes},
            md5=data_md5,
        ),
        model_md5=hashlib.md5(model_bytes).hexdigest(),
        positive_label=positive,
        metrics=metrics,
        slices=report,
        lineage_params=config.model_dump(
            mode="json",
            include={
                "data": True,
                "model": {
                    "estimator": True,
                    "params": True,
                    "preprocessing": True,
                    "baseline": True,
                },
            },
        ),
    )
    markdown = render_model_card(facts)
    write_json(SLICES, report.to_json_dict())
    write_bytes_atomic(MODEL_CARD, markdown.encode())
    worst = report.worst
    if worst is None:
        summary = f"{len(report.slices)} slices, none ranked"
    else:
        where = slice_label(worst.feature, worst.name, worst.missing).replace("`", "")
        score = SCORE_LABELS[worst.metric]
        summary = f"{len(report.slices)} slices, worst {where}: {score} {worst.value:.4f}"
    _done("card", started, f"{escape(summary)} → {MODEL_CARD}, {SLICES}")


def workspace_slices() -> SliceReport | None:
    """reports/slices.json of this workspace; None when the card stage has not written it."""
    from pydantic import ValidationError

    from mlgate.files import read_json
    from mlgate.model.slices import SliceReport

    if not SLICES.is_file():
        return None
    try:
        return SliceReport.model_validate(read_json(SLICES, "card"))
    except ValidationError:
        raise ArtifactError(f"{SLICES}: not a slice report; re-run `dvc repro card`") from None


def slices_for_gates(*gates: GatesConfig | None) -> SliceReport | None:
    """The workspace's slice report when a `worst_slice` gate needs it (an error if missing)."""
    if not any(config is not None and config.worst_slice is not None for config in gates):
        return None
    report = workspace_slices()
    if report is None:
        raise ArtifactError(
            f"{SLICES}: not found, and gates.worst_slice needs the card stage's slice scores; "
            "run `dvc repro card` (or set gates.worst_slice to null)"
        )
    return report
