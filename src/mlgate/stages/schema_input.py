"""The schema the validate stage settled on, as every later stage reads it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mlgate.errors import ArtifactError

if TYPE_CHECKING:
    from mlgate.data.schema import FeatureSchema


def validated_schema(path: Path) -> FeatureSchema:
    """The schema in validate's report, refusing a report of data that failed validation."""
    from pydantic import ValidationError

    from mlgate.data.schema import ValidationReport
    from mlgate.files import read_json

    try:
        report = ValidationReport.from_json_dict(read_json(path, "validate"))
    except ValidationError:
        raise ArtifactError(
            f"{path}: not a validation report; re-run `dvc repro validate`"
        ) from None
    if not report.valid or report.schema_ is None:
        raise ArtifactError(
            f"{path}: the data failed validation; fix it, then re-run `dvc repro validate`"
        )
    return report.schema_
