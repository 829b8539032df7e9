"""Quality of the default estimator against the former default (a 100-tree random forest), on
the bundled data and on generated sets, through mlgate's own validate → split → train path.

The bundled sets are small (569 and 442 rows), so one test split is noise: they are scored by
5-fold cross-validation repeated 3 times on the whole data (the same folds for both models).
The generated sets are large enough for one seeded 80/20 split: breast cancer resampled with
5% noise (as benchmarks/scaling.py generates it) and a house-price regression with
categoricals and missing values (tests/support/datasets.py). The target is judged per set on
the task's ranking score (ROC AUC, RMSE): the default at least the forest's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FOREST = (
    "sklearn.ensemble.RandomForestClassifier",
    "sklearn.ensemble.RandomForestRegressor",
    {"n_estimators": 100, "max_depth": 8, "min_samples_leaf": 2, "random_state": 42, "n_jobs": 1},
)
CV_FOLDS, CV_REPEATS = 5, 3
GENERATED_ROWS = 100_000


def datasets() -> dict[str, tuple[pd.DataFrame, str, list[str], str]]:
    """name → (frame, target, columns to drop, how it is scored)."""
    from sklearn import datasets as bundled
    from tests.support.datasets import make_regression_frame

    from benchmarks.scaling import synthetic

    cancer = bundled.load_breast_cancer(as_frame=True).frame
    diabetes = bundled.load_diabetes(as_frame=True, scaled=False).frame
    numeric = [c for c in cancer.columns if c != "target"]
    return {
        "breast_cancer": (cancer, "target", [], "cv"),
        "diabetes": (diabetes, "target", [], "cv"),
        f"breast_cancer_resampled_{GENERATED_ROWS}": (
            synthetic(cancer, numeric, GENERATED_ROWS, seed=0),
            "target",
            [],
            "split",
        ),
        f"house_prices_{GENERATED_ROWS}": (
            make_regression_frame(rows=GENERATED_ROWS, seed=0),
            "sale price",
            ["listing id"],
            "split",
        ),
    }


def folds(frame: pd.DataFrame, target: str, task: str) -> list[tuple[np.ndarray, np.ndarray]]:
    from sklearn.model_selection import RepeatedKFold, RepeatedStratifiedKFold

    kind = RepeatedStratifiedKFold if task == "classification" else RepeatedKFold
    splitter = kind(n_splits=CV_FOLDS, n_repeats=CV_REPEATS, random_state=0)
    return list(splitter.split(frame, frame[target]))


def score(
    train: pd.DataFrame, test: pd.DataFrame, schema: Any, model: Any
) -> tuple[dict[str, float], float]:
    """The task's scores of one fit on `train`, measured on `test`, and the fit's seconds."""
    from mlgate.model.fitting import train_model
    from mlgate.model.regression_scores import score_regression

    started = time.perf_counter()
    pipeline = train_model(train, schema, model)
    seconds = time.perf_counter() - started
    features = test.loc[:, list(schema.features)]
    truth = test[schema.target]
    if schema.task == "regression":
        scores = score_regression(truth.to_numpy(), pipeline.predict(features))
        return {k: float(scores[k]) for k in ("rmse", "r2")}, seconds
    from sklearn.metrics import accuracy_score, log_loss, roc_auc_score

    probabilities = pipeline.predict_proba(features)
    positive = probabilities[:, list(pipeline.classes_).index(pipeline.classes_[-1])]
    return {
        "accuracy": float(accuracy_score(truth, pipeline.predict(features))),
        "roc_auc": float(roc_auc_score(truth, positive)),
        "log_loss": float(log_loss(truth, probabilities, labels=pipeline.classes_)),
    }, seconds


def evaluate(name: str, frame: pd.DataFrame, target: str, drop: list[str], how: str) -> dict:
    from mlgate.config import load_params
    from mlgate.data.schema import validate_frame
    from mlgate.data.splitting import split_frame

    params = load_params(ROOT / "params.yaml")
    data = params.data.model_copy(update={"target": target, "drop": drop, "source": name})
    schema = validate_frame(frame, data).schema_
    default = params.model
    classifier, regressor, forest_params = FOREST
    forest = default.model_copy(
        update={
            "estimator": classifier if schema.task == "classification" else regressor,
            "params": forest_params,
        }
    )
    if how == "cv":
        from mlgate.data.conform import conform_frame

        conformed = conform_frame(frame, schema)
        parts = [
            (conformed.iloc[a], conformed.iloc[b]) for a, b in folds(conformed, target, schema.task)
        ]
    else:
        parts = [split_frame(frame, schema, test_size=0.2, seed=42)]
    result: dict[str, Any] = {"task": schema.task, "rows": len(frame), "scored_by": how}
    for label, model in (("forest", forest), ("default", default)):
        runs = [score(train, test, schema, model) for train, test in parts]
        result[label] = {
            "estimator": model.estimator_for(schema.task),
            **{k: round(float(np.mean([r[0][k] for r in runs])), 4) for k in runs[0][0]},
            "fit_s_median": round(float(np.median([r[1] for r in runs])), 3),
        }
    key, higher = ("roc_auc", True) if schema.task == "classification" else ("rmse", False)
    new, old = result["default"][key], result["forest"][key]
    result["target"] = {
        f"default_{key}_at_least_the_forests": new >= old if higher else new <= old,
    }
    print(f"{name}: {json.dumps(result)}", flush=True)
    return result


def markdown(results: dict[str, Any]) -> str:
    lines = [
        "# Default estimator vs the former default (a 100-tree forest)",
        "",
        "Written by `benchmarks/quality.py` (`make bench`). Bundled sets: means over "
        f"{CV_FOLDS}-fold cross-validation repeated {CV_REPEATS} times; generated sets: one "
        "seeded 80/20 split. Fit times are medians, on "
        f"{results['machine']['cpus']} cores.",
        "",
        "| data | rows | score | forest | default | fit s (forest / default) | target |",
        "|---|---:|---|---:|---:|---:|---|",
    ]
    for name, result in results["sets"].items():
        forest, default = result["forest"], result["default"]
        (target, met), *_ = result["target"].items()
        shown = [k for k in forest if k not in ("estimator", "fit_s_median")]
        for index, key in enumerate(shown):
            lines.append(
                f"| {name if index == 0 else ''} | {result['rows'] if index == 0 else ''} "
                f"| {key} | {forest[key]} | {default[key]} | "
                + (
                    f"{forest['fit_s_median']} / {default['fit_s_median']} "
                    f"| {target}: {'met' if met else 'MISSED'} |"
                    if index == 0
                    else "| |"
                )
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    sets = {name: evaluate(name, *spec) for name, spec in datasets().items()}
    results = {
        "sets": sets,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    args.out.with_suffix(".md").write_text(markdown(results))
    print(markdown(results))


if __name__ == "__main__":
    main()
