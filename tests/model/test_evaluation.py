import numpy as np
import pandas as pd
import pytest

from mlgate.config import ModelConfig
from mlgate.data.feature_schema import FeatureSchema
from mlgate.data.labels import resolve_positive_label
from mlgate.data.splitting import split_frame
from mlgate.errors import ConfigError
from mlgate.model.evaluation import (
    evaluate_model,
    fit_baseline,
    render_importance_png,
    score_predictions,
)
from mlgate.model.fitting import train_model
from tests.support.datasets import make_custom_frame

METRIC_NAMES = {"accuracy", "precision", "recall", "f1", "roc_auc", "log_loss"}


def test_perfect_binary_scores() -> None:
    y = pd.Series(["no", "yes", "yes", "no"])
    proba = np.array([[0.9, 0.1], [0.2, 0.8], [0.1, 0.9], [0.7, 0.3]])
    scores = score_predictions(y, proba, ["no", "yes"], None)
    assert set(scores) == METRIC_NAMES
    assert scores["accuracy"] == scores["f1"] == scores["roc_auc"] == 1.0
    assert scores["log_loss"] == pytest.approx(0.197635, abs=1e-6)  # mean of -ln(.9, .8, .9, .7)


def test_positive_label_changes_precision_and_recall() -> None:
    y = pd.Series([0, 0, 0, 1])
    proba = np.array([[0.9, 0.1], [0.4, 0.6], [0.8, 0.2], [0.3, 0.7]])
    as_one = score_predictions(y, proba, [0, 1], None)
    as_zero = score_predictions(y, proba, [0, 1], 0)
    assert as_one["precision"] == 0.5
    assert as_one["recall"] == 1.0
    assert as_zero["precision"] == 1.0
    assert as_zero["recall"] == pytest.approx(0.666667)
    assert as_one["roc_auc"] == as_zero["roc_auc"]


def test_unknown_positive_label_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match=r"data\.positive_label: 'maybe' is not a class"):
        resolve_positive_label(("no", "yes"), "maybe")


def test_multiclass_uses_macro_averages() -> None:
    y = pd.Series(["a", "b", "c", "a"])
    proba = np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.6, 0.2, 0.2], [0.7, 0.2, 0.1]])
    scores = score_predictions(y, proba, ["a", "b", "c"], None)
    assert scores["accuracy"] == 0.75
    assert scores["recall"] == pytest.approx((1 + 1 + 0) / 3, abs=1e-6)


@pytest.fixture(scope="module")
def evaluation_inputs() -> tuple[object, object, pd.DataFrame, FeatureSchema]:
    schema = FeatureSchema(
        target="outcome",
        labels=("high", "low", "mid"),
        numeric=("size", "weight"),
        categorical=("colour", "region"),
    )
    train, test = split_frame(make_custom_frame(), schema, test_size=0.25, seed=0)
    config = ModelConfig.model_validate(
        {
            "estimator": "sklearn.ensemble.RandomForestClassifier",
            "params": {"n_estimators": 30, "random_state": 0},
        }
    )
    model = train_model(train, schema, config)
    baseline = fit_baseline(train, schema, "prior", 0)
    return model, baseline, test, schema


def test_model_beats_the_dummy_baseline(evaluation_inputs: tuple) -> None:  # type: ignore[type-arg]
    model, baseline, test, schema = evaluation_inputs
    result = evaluate_model(
        model, baseline, test, schema, positive_label=None, importance_repeats=2, seed=0
    )
    assert result.metrics["baseline"]["roc_auc"] == 0.5
    assert result.metrics["model"]["roc_auc"] > result.metrics["baseline"]["roc_auc"] + 0.2
    assert result.metrics["model"]["log_loss"] < result.metrics["baseline"]["log_loss"]
    assert result.metrics["test_rows"] == len(test) == len(result.confusion)


def test_curves_run_from_origin_to_one(evaluation_inputs: tuple) -> None:  # type: ignore[type-arg]
    model, baseline, test, schema = evaluation_inputs
    result = evaluate_model(
        model, baseline, test, schema, positive_label=None, importance_repeats=1, seed=0
    )
    assert result.roc[0] == {"fpr": 0.0, "tpr": 0.0}
    assert result.roc[-1] == {"fpr": 1.0, "tpr": 1.0}
    assert result.precision_recall[-1]["recall"] == 1.0


def test_importance_ranks_the_informative_features(evaluation_inputs: tuple) -> None:  # type: ignore[type-arg]
    model, baseline, test, schema = evaluation_inputs
    result = evaluate_model(
        model, baseline, test, schema, positive_label=None, importance_repeats=3, seed=0
    )
    ranked = sorted(result.importance, key=result.importance.__getitem__, reverse=True)
    assert set(ranked[:2]) == {"size", "colour"}  # the outcome is built from these two
    assert result.importance["region"] < result.importance["size"]


def test_importance_png_is_a_deterministic_png() -> None:
    importance = {"size": 0.3, "colour": 0.2, "region": -0.01}
    first = render_importance_png(importance)
    assert first.startswith(b"\x89PNG\r\n\x1a\n")
    assert render_importance_png(importance) == first


def test_importance_uses_a_seeded_sample_of_a_big_test_split(
    evaluation_inputs: tuple,  # type: ignore[type-arg]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sklearn.inspection

    model, _, test, schema = evaluation_inputs
    seen: list[pd.Index] = []
    real = sklearn.inspection.permutation_importance

    def spy(estimator, features, target, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(features.index)
        return real(estimator, features, target, **kwargs)

    monkeypatch.setattr(sklearn.inspection, "permutation_importance", spy)
    from mlgate.model.evaluation import permutation_importance_by_feature

    first = permutation_importance_by_feature(model, test, schema, 1, seed=3, max_rows=40)
    permutation_importance_by_feature(model, test, schema, 1, seed=3, max_rows=40)
    permutation_importance_by_feature(model, test, schema, 1, seed=3, max_rows=None)
    assert len(seen[0]) == 40 < len(test)
    assert list(seen[0]) == list(seen[1])  # seeded: the same rows every run
    assert len(seen[2]) == len(test)
    assert set(first) == set(schema.features)
