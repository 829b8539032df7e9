"""The validate stage: the raw data against the schema params.yaml describes, every violation
reported (reports/data_validation.json, also read by the stages after it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlgate.errors import DataValidationError
from mlgate.layout import RAW_DATA, VALIDATION_REPORT
from mlgate.stages.progress import Progress, quietly

if TYPE_CHECKING:
    from mlgate.config import Params


def run(config: Params, progress: Progress = quietly) -> str:
    """Write the report, then fail with its violations if the data is not valid."""
    from mlgate.data.schema import validate_frame
    from mlgate.files import read_parquet, write_json

    VALIDATION_REPORT.unlink(missing_ok=True)  # a stale "valid" verdict must not outlive a failure
    frame = read_parquet(RAW_DATA, "ingest")
    with progress(f"validating {len(frame)} rows"):
        report = validate_frame(frame, config.data)
    write_json(VALIDATION_REPORT, report.to_json_dict())
    if not report.valid:
        raise DataValidationError(list(report.violations))
    schema = report.schema_
    assert schema is not None
    target = f"{len(schema.labels)} classes" if schema.labels else "a numeric target"
    return (
        f"{report.rows} rows, {len(schema.numeric)} numeric + {len(schema.categorical)} "
        f"categorical features, {schema.task} of {target} ({report.task_reason}) "
        f"→ {VALIDATION_REPORT}"
    )
