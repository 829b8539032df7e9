"""The `serving:` section: request limits and the prediction log budget."""

import pytest

from mlgate.config import parse_params
from mlgate.errors import ConfigError
from tests.support.datasets import BASE_PARAMS


@pytest.mark.parametrize(
    ("serving", "message"),
    [
        ({"max_body_bytes": 100}, r"serving\.max_body_bytes: .*greater than or equal to 1024"),
        ({"max_body_bytes": 2**40}, r"serving\.max_body_bytes: .*less than or equal to"),
        ({"max_body_bytes": "2MB"}, r"serving\.max_body_bytes: .*valid integer"),
        ({"max_string_chars": 0}, r"serving\.max_string_chars: .*greater than or equal to 1"),
        ({"prediction_log": {"max_files": 0}}, r"serving\.prediction_log\.max_files: .*1"),
        (
            {"prediction_log": {"max_file_bytes": 1000}},
            r"serving\.prediction_log\.max_file_bytes: .*greater than or equal to 65536",
        ),
        ({"prediction_log": {"sample_rate": 2}}, r"serving\.prediction_log\.sample_rate: .*1"),
        ({"prediction_log": {"fields": "some"}}, r"serving\.prediction_log\.fields"),
        (
            {"prediction_log": {"fields": ["a"], "hash_fields": ["b"]}},
            r"serving\.prediction_log: hash_fields: \['b'\] are not among `fields`",
        ),
        (
            {"prediction_log": {"fields": "none", "hash_fields": ["b"]}},
            r"serving\.prediction_log: hash_fields: nothing is logged with `fields: none`",
        ),
        ({"prediction_log": {"rotate": 3}}, r"serving\.prediction_log\.rotate: unknown key"),
    ],
)
def test_malformed_serving_limits_name_the_key(serving: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_params({**BASE_PARAMS, "serving": serving})


def test_serving_limits_and_log_budget_parse() -> None:
    serving = parse_params(
        {
            **BASE_PARAMS,
            "serving": {
                "max_body_bytes": 4096,
                "max_string_chars": 64,
                "prediction_log": {"fields": ["size", "colour"], "hash_fields": ["colour"]},
            },
        }
    ).serving
    assert (serving.max_body_bytes, serving.max_string_chars) == (4096, 64)
    assert serving.prediction_log.fields == ("size", "colour")
    assert serving.prediction_log.hash_fields == ("colour",)
    assert parse_params(BASE_PARAMS).serving.prediction_log.fields == "all"
