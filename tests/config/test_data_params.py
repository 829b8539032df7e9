"""The `data:` section refuses inconsistent column roles and impossible limits."""

import pytest

from mlgate.config import parse_params
from mlgate.errors import ConfigError
from tests.support.datasets import params_with


def test_test_size_must_be_a_fraction() -> None:
    with pytest.raises(ConfigError, match=r"data\.test_size: .*less than 1"):
        parse_params(params_with(data={"test_size": 1.5}))


def test_column_in_both_roles_is_rejected() -> None:
    raw = params_with(data={"numeric": ["size"], "categorical": ["size"]})
    with pytest.raises(ConfigError, match="both numeric and categorical: size"):
        parse_params(raw)


def test_target_cannot_be_dropped() -> None:
    with pytest.raises(ConfigError, match="target 'outcome' cannot also be a feature or dropped"):
        parse_params(params_with(data={"drop": ["outcome"]}))


def test_positive_label_must_be_one_of_the_labels() -> None:
    raw = params_with(data={"labels": ["a", "b"], "positive_label": "c"})
    with pytest.raises(ConfigError, match="positive_label 'c' is not one of labels"):
        parse_params(raw)


def test_max_bytes_must_be_positive() -> None:
    with pytest.raises(ConfigError, match=r"data\.max_bytes"):
        parse_params(params_with(data={"max_bytes": 0}))
