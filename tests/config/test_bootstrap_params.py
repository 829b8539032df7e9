"""`review.bootstrap` and `gates.significance`: defaults, and wrong values named by key."""

import pytest

from mlgate.config import parse_params
from mlgate.errors import ConfigError
from tests.support.datasets import BASE_PARAMS


def test_defaults_are_1000_resamples_at_95_percent_and_plain_tolerances() -> None:
    params = parse_params(BASE_PARAMS)
    bootstrap = params.review.bootstrap
    assert (bootstrap.resamples, bootstrap.level, bootstrap.seed) == (1000, 0.95, 0)
    assert params.gates.significance is False


def test_the_bootstrap_and_significance_are_set_in_params() -> None:
    params = parse_params(
        {
            **BASE_PARAMS,
            "review": {"bootstrap": {"resamples": 2000, "level": 0.9, "seed": 7}},
            "gates": {"significance": True},
        }
    )
    assert params.review.bootstrap.resamples == 2000
    assert params.review.bootstrap.level == 0.9
    assert params.gates.significance is True


@pytest.mark.parametrize(
    ("bootstrap", "message"),
    [
        ({"resamples": 10}, r"review\.bootstrap\.resamples: Input should be greater than or equal"),
        ({"level": 95}, r"review\.bootstrap\.level: Input should be less than 1"),
        ({"seeds": 1}, r"review\.bootstrap\.seeds: unknown key"),
    ],
)
def test_a_malformed_bootstrap_names_the_key(bootstrap: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_params({**BASE_PARAMS, "review": {"bootstrap": bootstrap}})
