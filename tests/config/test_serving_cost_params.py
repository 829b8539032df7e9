"""review.serving_cost: on by default, with positive counts."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from mlgate.config import ReviewConfig, ServingCostConfig


def test_serving_cost_is_on_by_default_with_the_documented_counts() -> None:
    settings = ReviewConfig().serving_cost
    assert settings == ServingCostConfig(enabled=True, rounds=5, single_calls=10, batch_rows=100)


@pytest.mark.parametrize("key", ["rounds", "single_calls", "batch_rows"])
def test_counts_must_be_positive(key: str) -> None:
    with pytest.raises(ValidationError, match=key):
        ServingCostConfig.model_validate({key: 0})


def test_an_unknown_key_is_refused() -> None:
    with pytest.raises(ValidationError, match="repeats"):
        ServingCostConfig.model_validate({"repeats": 3})
