"""The model card as markdown: what the model is for, what made it, and how it does per slice.

Pure: facts in, text out. Nothing here depends on the time or the git commit, so the same data
and params give the same bytes (the card is a DVC output committed to git). Text from the data
(column names, categories, class labels) is escaped; the prose of `card:` in params.yaml is the
repository owners' own markdown and is written as is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlgate.config import CardConfig, DataConfig, ModelConfig
from mlgate.data.schema import DataLabel, FeatureSchema
from mlgate.layout import MODEL, RAW_DATA
from mlgate.markdown import code_block, code_span, table
from mlgate.model.card_slices import format_score, slices_section
from mlgate.model.card_target import target_rows
from mlgate.model.scores import SCORE_LABELS, TASK_SCORES
from mlgate.model.slice_plan import SlicePlan
from mlgate.model.slices import SliceReport

if TYPE_CHECKING:
    pass

TITLE = "Model card"


@dataclass(frozen=True)
class TrainingData:
    """The validated raw data the model was trained and tested on."""

    rows: int
    columns: int
    train_rows: int
    test_rows: int
    label_counts: Mapping[str, int]  # class (as text) → rows; {} for a regression
    md5: str  # of data/raw/data.parquet, as dvc.lock records it
    target_summary: Mapping[str, float] | None = None  # a regression's: min, median, mean, max


@dataclass(frozen=True)
class CardFacts:
    """Everything the card states."""

    card: CardConfig
    data_config: DataConfig
    model_config: ModelConfig
    schema: FeatureSchema
    data: TrainingData
    model_md5: str
    positive_label: DataLabel | None
    metrics: Mapping[str, Any]  # reports/metrics.json
    slices: SliceReport
    slice_plan: SlicePlan  # which numeric features were binned, and whether auto chose them
    lineage_params: Mapping[str, Any]  # the params sections that made the model

    @property
    def estimator(self) -> str:
        """The estimator's import path, as `model.estimator` resolves for the task."""
        return self.model_config.estimator_for(self.schema.task)


def _header(facts: CardFacts) -> str:
    estimator = facts.estimator.rpartition(".")[2]
    return "\n\n".join(
        [
            f"# {TITLE}: {code_span(estimator)} on {code_span(facts.data_config.source)}",
            "<sub>Written by the `card` stage (`mlgate card`) from params.yaml and the "
            "pipeline's outputs; `dvc repro` keeps it current. It names no git commit, so that "
            "the same data and params give the same file: `mlgate registry show` lists the "
            "commit of every registered model version, and the model hash below identifies "
            "this one.</sub>",
        ]
    )


def _intended_use(card: CardConfig) -> str:
    use = card.intended_use or "_Not stated: set `card.intended_use` in params.yaml._"
    owner = card.owner or "_not stated (set `card.owner` in params.yaml)_"
    return f"## Intended use\n\n{use.strip()}\n\n**Owner:** {owner.strip()}"


def _training_data(facts: CardFacts) -> str:
    data, schema, config = facts.data, facts.schema, facts.data_config
    how = "random" if schema.task == "regression" else "stratified"
    target, *balance = target_rows(
        facts.schema, facts.data.label_counts, facts.data.target_summary, facts.positive_label
    )
    rows = [
        ["source", code_span(config.source)],
        ["rows × columns", f"{data.rows:,} × {data.columns} (validated raw data)"],
        [
            "split",
            f"{data.train_rows:,} train / {data.test_rows:,} test rows ({how}, "
            f"test_size {config.test_size:g}, seed {config.seed})",
        ],
        target,
        ["features", f"{len(schema.numeric)} numeric, {len(schema.categorical)} categorical"],
        *balance,
        ["data hash", f"md5 `{data.md5}` of `{RAW_DATA}` (as in dvc.lock)"],
    ]
    return "## Training data\n\n" + table(["", "value"], [":--", ":--"], rows)


def _estimator(config: ModelConfig, estimator: str) -> str:
    prep = config.preprocessing
    numeric = f"{prep.numeric_imputer} imputation" + (", scaled" if prep.scale_numeric else "")
    categorical = f"{prep.categorical_imputer} imputation, one-hot" + (
        f" (at most {prep.max_categories} categories)" if prep.max_categories else ""
    )
    lines = [
        "## Model",
        f"{code_span(estimator)} in a scikit-learn pipeline after preprocessing "
        f"(numeric features: {numeric}; categorical: {categorical}).",
    ]
    if config.params:
        rows = [[code_span(name), code_span(value)] for name, value in config.params.items()]
        lines.append(table(["param", "value"], [":--", ":--"], rows))
        lines.append("Parameters not listed take the estimator's defaults.")
    else:
        lines.append("All parameters take the estimator's defaults.")
    return "\n\n".join(lines)


def _score_notes(facts: CardFacts) -> str:
    if facts.schema.task == "regression":
        return "MAPE as a fraction (0.05 = 5%), n/a when a true value is 0"
    if facts.positive_label is not None:
        return (
            f"precision, recall and F1 are for the positive class {code_span(facts.positive_label)}"
        )
    return "precision, recall, F1 and ROC AUC are macro averages over the classes"


def _metrics(facts: CardFacts) -> str:
    model = facts.metrics.get("model", {})
    baseline = facts.metrics.get("baseline", {})
    task = facts.schema.task
    rows = []
    for score in TASK_SCORES[task]:
        value, reference = model.get(score), baseline.get(score)
        delta = (
            f"{value - reference:+.4f}".replace("-", "−")
            if isinstance(value, int | float) and isinstance(reference, int | float)
            else "—"
        )
        rows.append([SCORE_LABELS[score], format_score(value), format_score(reference), delta])
    dummy = "DummyRegressor" if task == "regression" else "DummyClassifier"
    strategy = facts.model_config.baseline_for(task)
    return "\n\n".join(
        [
            "## Metrics",
            f"On the test split ({facts.metrics.get('test_rows', facts.data.test_rows):,} rows), "
            f"against a dummy baseline (scikit-learn `{dummy}`, strategy "
            f"{code_span(strategy)}); {_score_notes(facts)}. From `reports/metrics.json`.",
            table(["score", "model", "baseline", "Δ"], [":--", "--:", "--:", "--:"], rows),
        ]
    )


def _limitations(facts: CardFacts) -> str:
    stated: Sequence[str] = facts.card.limitations
    items = [f"- {text.strip()}" for text in stated] or [
        "- _None stated: list them in `card.limitations` in params.yaml._"
    ]
    smallest = facts.slices.min_rows
    held_out = f"- Every score here comes from one held-out split of {facts.data.test_rows:,} rows"
    if facts.schema.task == "regression":
        label = SCORE_LABELS[facts.slices.metric]
        items.append(
            f"{held_out}; a slice of {smallest} rows holds {smallest} predictions, so one large "
            f"error moves its {label} far."
        )
    else:
        items.append(
            f"{held_out}; on a slice of {smallest} rows one prediction moves accuracy by "
            f"{1 / smallest:.2f}."
        )
    return "## Known limitations\n\n" + "\n".join(items)


def _lineage(facts: CardFacts) -> str:
    import yaml

    rows = [
        ["data", f"md5 `{facts.data.md5}` of `{RAW_DATA}`"],
        ["model", f"md5 `{facts.model_md5}` of `{MODEL}`"],
        ["params", "the `data` and `model` settings below (params.yaml)"],
        [
            "commit",
            "not written here (see the note at the top); `mlgate registry show` lists each "
            "version's commit",
        ],
    ]
    params = yaml.safe_dump(dict(facts.lineage_params), sort_keys=False, allow_unicode=True)
    return "\n\n".join(
        [
            "## Lineage",
            table(["", "identity"], [":--", ":--"], rows),
            "<details><summary>Params that made this model</summary>",
            code_block(params, "yaml"),
            "</details>",
        ]
    )


def render_model_card(facts: CardFacts) -> str:
    """reports/model_card.md."""
    sections = [
        _header(facts),
        _intended_use(facts.card),
        _training_data(facts),
        _estimator(facts.model_config, facts.estimator),
        _metrics(facts),
        slices_section(
            facts.slices,
            facts.slice_plan,
            facts.metrics.get("model", {}).get(facts.slices.metric),
        ),
        _limitations(facts),
        _lineage(facts),
    ]
    return "\n\n".join(sections) + "\n"
