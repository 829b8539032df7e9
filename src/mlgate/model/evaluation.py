"""Score the model and a dummy baseline on the test split; produce DVC plot data.

Numbers are rounded so that the same data and params give byte-identical metrics.json.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlgate.data.feature_schema import DataLabel, FeatureSchema
from mlgate.data.labels import resolve_positive_label
from mlgate.model.scores import ScoreName

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from sklearn.base import ClassifierMixin

DIGITS = 6
TOP_FEATURES_PLOTTED = 20


@dataclass(frozen=True)
class Evaluation:
    """Everything the evaluate stage writes for a classifier."""

    metrics: dict[str, Any]
    confusion: list[dict[str, str]]
    roc: list[dict[str, float]]
    precision_recall: list[dict[str, float]]
    importance: dict[str, float]

    def plots(self) -> dict[str, list[dict[str, Any]]]:
        """The DVC plots' data, by file name in reports/plots/."""
        return {
            "confusion.json": self.confusion,
            "roc.json": self.roc,
            "precision_recall.json": self.precision_recall,
        }


def _round(value: float) -> float:
    return round(float(value), DIGITS)


def _averaging(classes: list[DataLabel], positive_label: DataLabel | None) -> dict[str, Any]:
    if len(classes) != 2:
        return {"average": "macro", "labels": classes}
    positive = resolve_positive_label(tuple(classes), positive_label)
    return {"average": "binary", "pos_label": positive}


def label_scores(
    y_true: pd.Series,
    predicted: list[DataLabel],
    classes: list[DataLabel],
    positive_label: DataLabel | None,
    *,
    zero_division: float = 0.0,
) -> dict[ScoreName, float]:
    """Accuracy, precision, recall and F1 of predicted labels; macro averages for multiclass.

    `zero_division` is what an undefined precision or recall counts as (NaN: not defined).
    """
    from sklearn import metrics

    averaging = _averaging(classes, positive_label) | {"zero_division": zero_division}
    return {
        "accuracy": metrics.accuracy_score(y_true, predicted),
        "precision": metrics.precision_score(y_true, predicted, **averaging),
        "recall": metrics.recall_score(y_true, predicted, **averaging),
        "f1": metrics.f1_score(y_true, predicted, **averaging),
    }


def probability_scores(
    y_true: pd.Series, proba: np.ndarray, classes: list[DataLabel], positive_label: DataLabel | None
) -> dict[ScoreName, float]:
    """ROC AUC and log loss; defined only when every class occurs in `y_true`."""
    from sklearn import metrics

    if len(classes) == 2:
        positive = _averaging(classes, positive_label)["pos_label"]
        auc = metrics.roc_auc_score(y_true == positive, proba[:, classes.index(positive)])
    else:
        auc = metrics.roc_auc_score(
            y_true, proba, multi_class="ovr", average="macro", labels=classes
        )
    return {"roc_auc": auc, "log_loss": metrics.log_loss(y_true, proba, labels=classes)}


def score_predictions(
    y_true: pd.Series, proba: np.ndarray, classes: list[DataLabel], positive_label: DataLabel | None
) -> dict[ScoreName, float]:
    """Accuracy, precision, recall, F1, ROC AUC and log loss; macro averages for multiclass."""
    predicted = [classes[i] for i in proba.argmax(axis=1)]
    scores = label_scores(y_true, predicted, classes, positive_label) | probability_scores(
        y_true, proba, classes, positive_label
    )
    return {name: _round(value) for name, value in scores.items()}


def _curves(
    y_true: pd.Series, proba: np.ndarray, classes: list[DataLabel], positive: DataLabel | None
) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """ROC and precision-recall points: the positive class if binary, else micro-averaged."""
    from sklearn import metrics
    from sklearn.preprocessing import label_binarize

    if len(classes) == 2:
        assert positive is not None  # a binary target always has one
        truth = (y_true == positive).to_numpy()
        score = proba[:, classes.index(positive)]
    else:
        truth = label_binarize(y_true, classes=classes).ravel()
        score = proba.ravel()
    fpr, tpr, _ = metrics.roc_curve(truth, score)
    precision, recall, _ = metrics.precision_recall_curve(truth, score)
    roc = [{"fpr": _round(f), "tpr": _round(t)} for f, t in zip(fpr, tpr, strict=True)]
    pr = [
        {"recall": _round(r), "precision": _round(p)}
        for r, p in zip(recall[::-1], precision[::-1], strict=True)
    ]
    return roc, pr


# What permutation importance measures the damage with, and how the chart says it.
IMPORTANCE_SCORING = {
    "classification": ("neg_log_loss", "mean increase in log loss when shuffled"),
    "regression": ("neg_root_mean_squared_error", "mean increase in RMSE when shuffled"),
}


def permutation_importance_by_feature(
    model: ClassifierMixin,
    test: pd.DataFrame,
    schema: FeatureSchema,
    repeats: int,
    seed: int,
    max_rows: int | None = None,
) -> dict[str, float]:
    """Mean rise in log loss (RMSE for a regressor) when one raw feature is shuffled
    (model-agnostic).

    It costs features x repeats predictions over the rows, so a big test split is sampled
    (seeded) down to `max_rows`: a mean over 20k rows is already stable to a few 1e-4.
    """
    from sklearn.inspection import permutation_importance

    if max_rows is not None and len(test) > max_rows:
        test = test.sample(n=max_rows, random_state=seed)
    result = permutation_importance(
        model,
        test.loc[:, list(schema.features)],
        test[schema.target],
        scoring=IMPORTANCE_SCORING[schema.task][0],
        n_repeats=repeats,
        random_state=seed,
        n_jobs=1,
    )
    means = result["importances_mean"]
    return {name: _round(value) for name, value in zip(schema.features, means, strict=True)}


def evaluate_model(
    model: ClassifierMixin,
    baseline: ClassifierMixin,
    test: pd.DataFrame,
    schema: FeatureSchema,
    *,
    positive_label: DataLabel | None,
    importance_repeats: int,
    seed: int,
    importance_max_rows: int | None = None,
) -> Evaluation:
    """The evaluate stage: metrics for model and baseline, curves, confusion and importance."""
    features = test.loc[:, list(schema.features)]
    y_true = test[schema.target]
    classes: list[DataLabel] = [c.item() if hasattr(c, "item") else c for c in model.classes_]
    positive = resolve_positive_label(tuple(classes), positive_label)
    proba = model.predict_proba(features)
    baseline_proba = baseline.predict_proba(features)
    roc, pr = _curves(y_true, proba, classes, positive)
    predicted = [classes[i] for i in proba.argmax(axis=1)]
    confusion = [
        {"actual": str(a), "predicted": str(p)} for a, p in zip(y_true, predicted, strict=True)
    ]
    metrics = {
        "model": score_predictions(y_true, proba, classes, positive_label),
        "baseline": score_predictions(y_true, baseline_proba, classes, positive_label),
        "test_rows": len(test),
    }
    importance = permutation_importance_by_feature(
        model, test, schema, importance_repeats, seed, importance_max_rows
    )
    return Evaluation(metrics, confusion, roc, pr, importance)


def fit_baseline(
    train: pd.DataFrame, schema: FeatureSchema, strategy: str, seed: int
) -> ClassifierMixin:
    """The dummy every model must beat (the gates compare against it): a DummyClassifier, or a
    DummyRegressor for a regression (`strategy` is then mean or median). A dummy predicts from
    the target alone, so it is fitted on no feature: `train` needs only the target column."""
    from sklearn.dummy import DummyClassifier, DummyRegressor

    baseline = (
        DummyRegressor(strategy=strategy)
        if schema.task == "regression"
        else DummyClassifier(strategy=strategy, random_state=seed)
    )
    baseline.fit(train.loc[:, []], train[schema.target])
    return baseline


def importance_rows(importance: dict[str, float]) -> list[dict[str, Any]]:
    """reports/plots/importance.json: strongest first, ties by name (the card reads it)."""
    ranked = sorted(importance.items(), key=lambda item: (-item[1], item[0]))
    return [{"feature": name, "importance": value} for name, value in ranked]


def render_importance_png(
    importance: dict[str, float], xlabel: str = IMPORTANCE_SCORING["classification"][1]
) -> bytes:
    """A horizontal bar chart of the strongest features, as deterministic PNG bytes."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ranked = sorted(importance.items(), key=lambda item: (-item[1], item[0]))[:TOP_FEATURES_PLOTTED]
    names = [name for name, _ in reversed(ranked)]
    values = [value for _, value in reversed(ranked)]
    figure, axes = plt.subplots(figsize=(7, 0.3 * len(names) + 1.2), dpi=100)
    axes.barh(names, values, color="#3b7dd8")
    axes.set_xlabel(xlabel)
    axes.set_title("Permutation feature importance (test split)")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()
