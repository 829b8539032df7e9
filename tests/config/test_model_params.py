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
