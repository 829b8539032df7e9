"""The drift report for people: Evidently's own HTML (drift per column and a data summary)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlgate.config import DriftConfig
from mlgate.data.feature_schema import FeatureSchema
from mlgate.monitor.drift_check import sample_rows

if TYPE_CHECKING:
    import pandas as pd


PREDICTION = "prediction"


def _per_column_thresholds(config: DriftConfig) -> dict[str, float]:
    """Thresholds for the columns with a method of their own, as the check uses them (Evidently
    would otherwise apply the type's threshold to them)."""
    import pandas as pd
    from evidently.legacy.calculations.stattests.registry import get_stattest
    from evidently.legacy.core import ColumnType

    one = pd.Series([0.0])
    thresholds = dict(config.per_column_threshold)
    for column, method in config.per_column_method.items():
        for column_type in (ColumnType.Numerical, ColumnType.Categorical):
            if column not in thresholds:
                try:
                    test = get_stattest(one, one, column_type, method)
                except Exception:  # not defined for this column type; check_drift names errors
                    continue
                thresholds[column] = float(test.default_threshold)
    return thresholds


def render_drift_html(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    schema: FeatureSchema,
    config: DriftConfig,
    *,
    labelled: bool = False,
    positive_label: str | None = None,
) -> str:
    """Evidently's data drift and data summary presets, on the same seeded samples as the check;
    with `labelled` (both frames hold the target and a `prediction` column) also its
    classification quality preset."""
    from evidently import (
        BinaryClassification,
        DataDefinition,
        Dataset,
        MulticlassClassification,
        Report,
    )
    from evidently.presets import ClassificationPreset, DataDriftPreset, DataSummaryPreset

    columns = list(schema.features)
    classification = []
    if labelled:
        columns += [schema.target, PREDICTION]
        if len(schema.labels) == 2 and positive_label is not None:
            classification = [
                BinaryClassification(
                    target=schema.target, prediction_labels=PREDICTION, pos_label=positive_label
                )
            ]
        else:
            classification = [
                MulticlassClassification(target=schema.target, prediction_labels=PREDICTION)
            ]
    definition = DataDefinition(
        numerical_columns=list(schema.numeric),
        categorical_columns=list(schema.categorical),
        classification=classification or None,
    )
    ref = sample_rows(reference, config.sampling.max_reference_rows, config.sampling.seed)
    cur = sample_rows(current, config.sampling.max_current_rows, config.sampling.seed)
    if labelled:  # labels as text, the same on both sides
        ref = ref.assign(**{c: ref[c].astype(str) for c in (schema.target, PREDICTION)})
        cur = cur.assign(**{c: cur[c].astype(str) for c in (schema.target, PREDICTION)})
    report = Report(
        [
            DataDriftPreset(
                num_method=config.num_method,
                cat_method=config.cat_method,
                per_column_method=dict(config.per_column_method) or None,
                num_threshold=config.num_threshold,
                cat_threshold=config.cat_threshold,
                per_column_threshold=_per_column_thresholds(config) or None,
                drift_share=config.drift_share,
            ),
            DataSummaryPreset(),
            *([ClassificationPreset()] if labelled else []),
        ]
    )
    snapshot = report.run(
        Dataset.from_pandas(cur.loc[:, columns], data_definition=definition),
        Dataset.from_pandas(ref.loc[:, columns], data_definition=definition),
    )
    return str(snapshot.get_html_str(as_iframe=False))
