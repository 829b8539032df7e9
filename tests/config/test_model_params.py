"""The `model:` section: estimators and trusted types by exact import path."""

import pytest

from mlgate.config import parse_params
from mlgate.errors import ConfigError
from tests.support.datasets import params_with


def test_estimator_must_be_an_import_path() -> None:
    raw = params_with(model={"estimator": "RandomForest"})
    with pytest.raises(ConfigError, match=r"model\.estimator: expected an import path"):
        parse_params(raw)


@pytest.mark.parametrize("name", ["sklearn.*", "sklearn", "xgboost.core.Booster; rm", ""])
def test_trusted_types_must_be_exact_type_names(name: str) -> None:
    raw = params_with(model={"estimator": "x.Y", "trusted_types": [name]})
    with pytest.raises(ConfigError, match=r"model\.trusted_types: .*expected exact type names"):
        parse_params(raw)


def test_the_forest_params_yaml_offers_in_a_comment_is_a_valid_model() -> None:
    """params.yaml's commented forest, uncommented in place of estimator and params, builds."""
    import re

    import yaml

    from mlgate.model.build import resolve_estimator
    from tests.support.paths import REPO_ROOT

    text = (REPO_ROOT / "params.yaml").read_text()
    estimator, params = (
        re.search(rf"^  # ({key}: .*)$", text, re.MULTILINE) for key in ("estimator", "params")
    )
    assert estimator, "params.yaml lost its commented forest's estimator"
    assert params, "params.yaml lost its commented forest's params"
    raw = yaml.safe_load(text)
    raw["model"] |= yaml.safe_load(f"{estimator.group(1)}\n{params.group(1)}")
    model = parse_params(raw).model
    assert type(resolve_estimator(model, "classification")).__name__ == "RandomForestClassifier"
