"""The allow-list is measured, not guessed: each family's pipeline, fitted and dumped, names only
types in its table, and every type in the table is still written by some fit."""

from __future__ import annotations

import importlib
import io
import json
import zipfile

import numpy as np
import pandas as pd
import pytest

from mlgate.config import ModelConfig
from mlgate.data.feature_schema import FeatureSchema
from mlgate.model.build import build_pipeline
from mlgate.model.persist import _named_types, dump_model
from mlgate.model.trusted_types import (
    FAMILIES,
    OBJECT_LOADERS,
    PIPELINE_TYPES,
    allowed,
    family_types,
    object_types,
)

SMALL = {"n_estimators": 3}  # ensembles: a few trees are enough to write every type


def _frame(labels: tuple[object, ...] | None, rows: int = 240) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(0)
    features = pd.DataFrame(
        {
            "a": rng.normal(size=rows),
            "b": rng.normal(size=rows),
            "c": rng.choice(np.array(["x", "y", "z", None], dtype=object), size=rows),
        }
    )
    features.loc[rng.random(rows) < 0.05, "a"] = np.nan
    if labels is None:
        return features, pd.Series(features["b"] * 3 + rng.normal(size=rows))
    return features, pd.Series(np.array(labels)[np.arange(rows) % len(labels)])


def _estimator(path: str, **extra: object) -> object:
    module, _, name = path.rpartition(".")
    cls = getattr(importlib.import_module(module), name)
    params = {key: value for key, value in {**SMALL, **extra}.items() if key in cls().get_params()}
    if "HistGradient" in path:
        params["max_iter"] = 5
    if "random_state" in cls().get_params():
        params["random_state"] = 0
    return cls(**params)


def _variants(path: str) -> list[tuple[tuple[object, ...] | None, dict[str, object]]]:
    if "Regressor" in path or path.endswith(("LinearRegression", "Ridge")):
        extra = [{"early_stopping": True}] if "HistGradient" in path else []
        return [(None, {}), *((None, e) for e in extra)]
    extra = [{"early_stopping": True}] if "HistGradient" in path else []
    return [((1, 0), {}), (("yes", "no"), {}), (("a", "b", "c"), {}), *(((1, 0), e) for e in extra)]


def _named(path: str) -> set[tuple[str, str]]:
    seen: set[tuple[str, str]] = set()
    for labels, extra in _variants(path):
        features, target = _frame(labels)
        for max_categories in (None, 2):
            schema = FeatureSchema(
                target="t", labels=labels or (0, 1), numeric=("a", "b"), categorical=("c",)
            )
            config = ModelConfig.model_validate(
                {
                    "estimator": "sklearn.linear_model.LogisticRegression",
                    "preprocessing": {"max_categories": max_categories},
                }
            )
            pipeline = build_pipeline(config, schema)
            pipeline.steps[-1] = ("estimator", _estimator(path, **extra))
            pipeline.fit(features, target)
            with zipfile.ZipFile(io.BytesIO(dump_model(pipeline))) as archive:
                seen |= _named_types(json.loads(archive.read("schema.json")))
    return seen


@pytest.fixture(scope="module")
def measured() -> dict[str, set[tuple[str, str]]]:
    return {path: _named(path) for path in FAMILIES}


@pytest.mark.parametrize("path", sorted(FAMILIES))
def test_each_family_names_only_types_in_its_table(
    path: str, measured: dict[str, set[tuple[str, str]]]
) -> None:
    objects = object_types(path)
    refused = {
        (loader, name) for loader, name in measured[path] if not allowed(loader, name, objects)
    }
    assert not refused, f"{path} writes types its table lacks (add them after review): {refused}"


@pytest.mark.parametrize("path", sorted(FAMILIES))
def test_each_family_table_lists_no_type_it_no_longer_writes(
    path: str, measured: dict[str, set[tuple[str, str]]]
) -> None:
    written = {name for loader, name in measured[path] if loader in OBJECT_LOADERS}
    stale = (family_types(path) | PIPELINE_TYPES) - written
    assert not stale, f"{path}'s table lists types no fit writes any more: {stale}"


def test_a_family_is_found_by_its_class_module_path_too() -> None:
    assert (
        family_types("sklearn.ensemble._forest.RandomForestClassifier")
        == FAMILIES["sklearn.ensemble.RandomForestClassifier"]
    )
    assert family_types("xgboost.XGBClassifier") == frozenset()


def test_no_family_allows_a_loader_that_calls_functions() -> None:
    objects = frozenset().union(*FAMILIES.values()) | PIPELINE_TYPES
    for loader in ("FunctionNode", "ConstructorFromReduceNode", "MethodNode", "PartialNode"):
        assert not any(allowed(loader, name, objects) for name in objects)
