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
from mlgate.model.card_target import summarise_target
from mlgate.model.evaluation import fit_baseline, score_predictions
from mlgate.model.fitting import train_model
from mlgate.model.regression_scores import score_regression
from mlgate.model.slice_plan import plan_slices
from mlgate.model.slices import score_slices
from tests.support.datasets import make_custom_frame, make_regression_frame, params_with
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
    baseline = fit_baseline(train, schema, config.model.baseline_for(schema.task), config.data.seed)
    features = test.loc[:, list(schema.features)]
    y = test[schema.target]
    target = pd.concat([train[schema.target], test[schema.target]])
    if schema.task == "regression":
        positive = None
        metrics: dict[str, Any] = {
            "model": score_regression(y, model.predict(features)),
            "baseline": score_regression(y, baseline.predict(features)),
            "test_rows": len(test),
        }
        labels: dict[str, int] = {}
        summary = summarise_target(target)
    else:
        positive = resolve_positive_label(schema.labels, config.data.positive_label)
        classes = [c.item() if hasattr(c, "item") else c for c in model.classes_]
        metrics = {
            "model": score_predictions(y, model.predict_proba(features), classes, positive),
            "baseline": score_predictions(y, baseline.predict_proba(features), classes, positive),
            "test_rows": len(test),
        }
        counts = target.value_counts()
        labels = {str(c): int(counts.get(c, 0)) for c in classes}
        summary = None
    importance = tuple(reversed(schema.numeric))  # stands in for reports/plots/importance.json
    plan = plan_slices(config.card.slices, schema, train, importance)
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
            label_counts=labels,
            md5="0123456789abcdef0123456789abcdef",
            target_summary=summary,
        ),
        model_md5="fedcba9876543210fedcba9876543210",
        positive_label=positive,
        metrics=metrics,
        slices=score_slices(model, train, test, schema, plan, positive),
        slice_plan=plan,
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
    unset = type(params.card).model_validate({"slices": {"numeric_bins": {}}})
    bare = params.model_copy(update={"card": unset})
    text, facts = card_for(load_source("sklearn:breast_cancer", None), bare)
    assert "_Not stated: set `card.intended_use` in params.yaml._" in text
    assert "set `card.owner` in params.yaml" in text
    assert "list them in `card.limitations`" in text
    assert facts.slices.slices == ()  # no categorical feature and nothing binned
    assert "No slices: the data has no categorical feature" in text
    assert headings(text) == SECTIONS


def test_auto_bins_are_named_in_the_slice_section() -> None:
    params = default_params(slices={"min_rows": 10})  # numeric_bins: auto
    text, facts = card_for(load_source("sklearn:breast_cancer", None), params)
    assert facts.slice_plan.automatic
    binned = list(facts.slice_plan.numeric_bins)
    assert len(binned) == 3
    assert {s.feature for s in facts.slices.slices} == set(binned)
    section = text.split("## Metrics per slice")[1].split("## Known limitations")[0]
    assert "quartiles (of the training split) of the 3 numeric features" in section
    assert ", ".join(f"`{name}`" for name in binned) in section
    assert "`card.slices.numeric_bins: auto`" in section


# ------------------------------------------------------------------ regression


@pytest.fixture(scope="module")
def regression_card() -> tuple[str, CardFacts]:
    config = parse_params(
        {
            "data": {
                "source": "data/external/prices.csv",
                "target": "sale price",
                "drop": ["listing id"],
                "test_size": 0.25,
                "seed": 7,
            },
            "model": {"params": {"max_iter": 30, "max_depth": 6, "random_state": 0}},
            "card": {"slices": {"min_rows": 10}},
        }
    )
    return card_for(make_regression_frame(), config)


def test_regression_card_has_every_section_and_the_resolved_estimator(
    regression_card: tuple[str, CardFacts],
) -> None:
    text, facts = regression_card
    assert facts.schema.task == "regression"
    assert text.startswith(
        "# Model card: `HistGradientBoostingRegressor` on `data/external/prices.csv`\n"
    )
    assert headings(text) == SECTIONS
    assert "`sklearn.ensemble.HistGradientBoostingRegressor` in a scikit-learn pipeline" in text


def test_regression_card_summarises_the_target_instead_of_label_counts(
    regression_card: tuple[str, CardFacts],
) -> None:
    text, facts = regression_card
    table = table_with(text, "value")
    assert row(table, "", "target")["value"] == "`sale price`: a number (regression)"
    assert "label balance" not in [r[""] for r in table]
    summary = facts.data.target_summary
    assert summary is not None
    assert list(summary) == ["min", "median", "mean", "max"]
    assert summary["min"] <= summary["median"] <= summary["max"]
    distribution = row(table, "", "target distribution")["value"]
    assert distribution.startswith("min ")
    assert "median " in distribution
    assert distribution.endswith("(train + test)")
    assert "stratified" not in row(table, "", "split")["value"]


def test_regression_card_compares_rmse_mae_r2_and_mape_with_the_dummy(
    regression_card: tuple[str, CardFacts],
) -> None:
    text, facts = regression_card
    metrics = table_with(text, "baseline")
    assert [r["score"] for r in metrics] == ["RMSE", "MAE", "R²", "MAPE"]
    rmse = row(metrics, "score", "RMSE")
    assert rmse["model"] == f"{facts.metrics['model']['rmse']:.4f}"
    assert rmse["baseline"] == f"{facts.metrics['baseline']['rmse']:.4f}"
    assert "`DummyRegressor`, strategy `mean`" in text
    for wording in ("positive class", "macro average", "DummyClassifier", "accuracy", "label"):
        assert wording not in text.split("## Lineage")[0], wording


def test_regression_card_ranks_slices_by_rmse_with_the_mean_target(
    regression_card: tuple[str, CardFacts],
) -> None:
    text, facts = regression_card
    assert facts.slices.metric == "rmse"
    slices = table_with(text, "mean target")
    assert list(slices[0]) == [
        "feature",
        "slice",
        "rows",
        "mean target",
        "RMSE",
        "MAE",
        "R²",
        "MAPE",
    ]
    worst = [r for r in slices if "⚠️ **worst**" in r["slice"]]
    assert len(worst) == 1
    assert facts.slices.worst is not None
    assert worst[0]["RMSE"] == f"**{facts.slices.worst.value:.4f}**"
    assert "**Worst slice by RMSE: " in text
    assert "`district/zone`" in {r["feature"] for r in slices}
    assert len({r["feature"] for r in slices} - {"`district/zone`", "`country`"}) == 2
