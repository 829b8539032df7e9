"""The model card's markdown: its sections, the slice table and the worst slice, escaping, and
the same bytes for the same inputs."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import pytest

from mlgate.config import Params, parse_params
from mlgate.data.labels import resolve_positive_label
from mlgate.data.schema import validate_frame
from mlgate.data.sources import load_source
from mlgate.data.splitting import split_frame
from mlgate.model.card_markdown import CardFacts, TrainingData, render_model_card
from mlgate.model.evaluation import fit_baseline, score_predictions
from mlgate.model.fitting import train_model
from mlgate.model.slices import score_slices
from tests.support.datasets import make_custom_frame, params_with
from tests.support.markdown import row, table_with

SECTIONS = [
    "## Intended use",
    "## Training data",
    "## Model",
    "## Metrics",
    "## Metrics per slice",
    "## Known limitations",
    "## Lineage",
]
DEFAULT_CARD = {
    "owner": "Imaging ML team (imaging-ml@example.org)",
    "intended_use": "Teaching example; **not** for diagnosis.",
    "limitations": ["One clinical source.", "Small test split."],
    "slices": {"numeric_bins": {"mean radius": 4}, "min_rows": 10},
}


def card_for(frame: pd.DataFrame, config: Params) -> tuple[str, CardFacts]:
    """Validate, split, train and score as the pipeline does, then render the card."""
    report = validate_frame(frame, config.data)
    assert report.schema_ is not None, report.violations
    schema = report.schema_
    train, test = split_frame(frame, schema, test_size=config.data.test_size, seed=config.data.seed)
    model = train_model(train, schema, config.model)
    baseline = fit_baseline(train, schema, config.model.baseline, config.data.seed)
    positive = resolve_positive_label(schema.labels, config.data.positive_label)
    classes = [c.item() if hasattr(c, "item") else c for c in model.classes_]
    features = test.loc[:, list(schema.features)]
    y = test[schema.target]
    metrics = {
        "model": score_predictions(y, model.predict_proba(features), classes, positive),
        "baseline": score_predictions(y, baseline.predict_proba(features), classes, positive),
        "test_rows": len(test),
    }
    counts = frame[schema.target].value_counts()
    facts = CardFacts(
        card=config.card,
        data_config=config.data,
        model_config=config.model,
        schema=schema,
        data=TrainingData(
            rows=len(frame),
            columns=frame.shape[1],
            train_rows=len(train),
            test_rows=len(test),
            label_counts={str(c): int(counts.get(c, 0)) for c in classes},
            md5="0123456789abcdef0123456789abcdef",
        ),
        model_md5="fedcba9876543210fedcba9876543210",
        positive_label=positive,
        metrics=metrics,
        slices=score_slices(model, train, test, schema, config.card.slices, positive),
        lineage_params=config.model_dump(mode="json", include={"data": True, "model": True}),
    )
    return render_model_card(facts), facts


def default_params(**card: Any) -> Params:
    return parse_params(
        {
            "data": {"source": "sklearn:breast_cancer", "target": "target", "seed": 42},
            "model": {
                "estimator": "sklearn.ensemble.RandomForestClassifier",
                "params": {"n_estimators": 30, "max_depth": 6, "random_state": 0},
            },
            "card": DEFAULT_CARD | card,
        }
    )


@pytest.fixture(scope="module")
def default_card() -> tuple[str, CardFacts]:
    return card_for(load_source("sklearn:breast_cancer", None), default_params())


@pytest.fixture(scope="module")
def custom_card() -> tuple[str, CardFacts]:
    frame = make_custom_frame()
    frame.loc[frame["colour"] == "green", "colour"] = "[green](https://evil.example)"
    frame.loc[frame["region"] == "south", "region"] = "<b>south</b>|x"
    config = parse_params(params_with() | {"card": {"slices": {"numeric_bins": {"size": [8, 12]}}}})
    return card_for(frame, config)


def headings(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("## ")]


def test_card_has_every_section_in_order(default_card: tuple) -> None:  # type: ignore[type-arg]
    text, _ = default_card
    assert text.startswith("# Model card: `RandomForestClassifier` on `sklearn:breast_cancer`\n")
    assert headings(text) == SECTIONS
    assert "Teaching example; **not** for diagnosis." in text
    assert "**Owner:** Imaging ML team (imaging-ml@example.org)" in text


def test_training_data_states_source_rows_balance_and_hash(default_card: tuple) -> None:  # type: ignore[type-arg]
    text, facts = default_card
    table = table_with(text, "value")
    assert row(table, "", "source")["value"] == "`sklearn:breast_cancer`"
    assert row(table, "", "rows × columns")["value"].startswith("569 × 31")
    assert row(table, "", "split")["value"].startswith("455 train / 114 test rows")
    assert row(table, "", "label balance")["value"] == "`0`: 212 (37.3%) · `1`: 357 (62.7%)"
    assert facts.data.md5 in row(table, "", "data hash")["value"]


def test_estimator_params_and_metrics_with_the_baseline(default_card: tuple) -> None:  # type: ignore[type-arg]
    text, facts = default_card
    assert "`sklearn.ensemble.RandomForestClassifier` in a scikit-learn pipeline" in text
    params = table_with(text, "param")
    assert row(params, "param", "`max_depth`")["value"] == "`6`"
    metrics = table_with(text, "baseline")
    accuracy = row(metrics, "score", "accuracy")
    assert accuracy["model"] == f"{facts.metrics['model']['accuracy']:.4f}"
    assert accuracy["baseline"] == f"{facts.metrics['baseline']['accuracy']:.4f}"
    assert "positive class `1`" in text


def test_slice_table_lists_every_slice_and_highlights_the_worst(default_card: tuple) -> None:  # type: ignore[type-arg]
    text, facts = default_card
    slices = table_with(text, "label balance")
    assert len(slices) == len(facts.slices.slices) == 4
    assert {r["feature"] for r in slices} == {"`mean radius`"}
    worst = [r for r in slices if "⚠️ **worst**" in r["slice"]]
    assert len(worst) == 1
    assert facts.slices.worst is not None
    assert worst[0]["accuracy"] == f"**{facts.slices.worst.value:.4f}**"
    assert worst[0]["slice"] == f"`{facts.slices.worst.name}` ⚠️ **worst**"
    assert (
        f"**Worst slice by accuracy: `mean radius` `{facts.slices.worst.name}`, accuracy "
        f"{facts.slices.worst.value:.4f} on {facts.slices.worst.rows} rows**"
    ) in text
    for line in slices:  # n/a where a slice lacks a class
        if "`0`: 0" in line["label balance"] or "`1`: 0" in line["label balance"]:
            assert line["ROC AUC"] == line["log loss"] == "n/a"


def test_limitations_and_lineage(default_card: tuple) -> None:  # type: ignore[type-arg]
    text, facts = default_card
    limitations = text.split("## Known limitations")[1].split("## Lineage")[0]
    assert "- One clinical source.\n- Small test split.\n" in limitations
    assert "one held-out split of 114 rows" in limitations
    lineage = text.split("## Lineage")[1]
    assert f"md5 `{facts.model_md5}` of `models/model.skops`" in lineage
    assert f"md5 `{facts.data.md5}` of `data/raw/data.parquet`" in lineage
    assert "```yaml\ndata:\n  source: sklearn:breast_cancer\n" in lineage
    assert "mlgate registry show" in lineage


def test_the_card_names_no_commit_or_time(default_card: tuple) -> None:  # type: ignore[type-arg]
    text, facts = default_card
    assert not re.search(r"\b[0-9a-f]{40}\b", text)
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", text)
    assert render_model_card(facts) == text  # the same facts give the same bytes


def test_card_with_categoricals_escapes_data_text(custom_card: tuple) -> None:  # type: ignore[type-arg]
    text, facts = custom_card
    slices = table_with(text, "label balance")
    features = [r["feature"] for r in slices]
    assert features.count("`colour`") == 4  # blue, green, red and missing
    assert features.count("`size`") == 4  # ≤ 8, (8, 12], > 12 and missing
    names = [r["slice"].removesuffix(" ⚠️ **worst**") for r in slices]
    assert "`[green](https://evil.example)`" in names  # a code span: no link
    assert "`<b>south</b>\\|x`" in names  # no HTML, and the pipe does not split the table
    assert "_missing_" in names
    assert "](https://evil.example)" not in text.replace("`[green](https://evil.example)`", "")
    assert "<b>" not in text.replace("`<b>south</b>\\|x`", "")
    assert facts.slices.classes == ("high", "low", "mid")
    assert "macro averages" in text


def test_unset_card_fields_say_where_to_set_them() -> None:
    params = default_params()
    bare = params.model_copy(update={"card": type(params.card)()})
    text, facts = card_for(load_source("sklearn:breast_cancer", None), bare)
    assert "_Not stated: set `card.intended_use` in params.yaml._" in text
    assert "set `card.owner` in params.yaml" in text
    assert "list them in `card.limitations`" in text
    assert facts.slices.slices == ()  # no categorical feature and nothing binned
    assert "No slices: the data has no categorical feature" in text
    assert headings(text) == SECTIONS
