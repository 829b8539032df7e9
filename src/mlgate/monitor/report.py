"""The drift report for people: Evidently's own HTML (drift per column and a data summary)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlgate.config import DriftConfig
from mlgate.data.schema import FeatureSchema
from mlgate.monitor.drift import sample_rows

if TYPE_CHECKING:
    import pandas as pd


def render_drift_html(
    reference: pd.DataFrame, current: pd.DataFrame, schema: FeatureSchema, config: DriftConfig
) -> str:
    """Evidently's data drift and data summary presets, on the same seeded samples as the check."""
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset, DataSummaryPreset

    definition = DataDefinition(
        numerical_columns=list(schema.numeric), categorical_columns=list(schema.categorical)
    )
    ref = sample_rows(reference, config.sampling.max_reference_rows, config.sampling.seed)
    cur = sample_rows(current, config.sampling.max_current_rows, config.sampling.seed)
    report = Report(
        [
            DataDriftPreset(
                num_method=config.num_method,
                cat_method=config.cat_method,
                per_column_method=dict(config.per_column_method) or None,
                threshold=config.threshold,
                drift_share=config.drift_share,
            ),
            DataSummaryPreset(),
        ]
    )
    snapshot = report.run(
        Dataset.from_pandas(cur.loc[:, list(schema.features)], data_definition=definition),
        Dataset.from_pandas(ref.loc[:, list(schema.features)], data_definition=definition),
    )
    return str(snapshot.get_html_str(as_iframe=False))
