"""The `serving:` section: request limits and the prediction log budget."""

from pathlib import Path

import pytest

from mlgate.config import load_params, parse_params
from mlgate.config.serving_params import BATCH_LATENCY_DEFAULT_MS, BATCH_SIZE_DEFAULT
from mlgate.errors import ConfigError
from tests.support.datasets import BASE_PARAMS

ROOT = Path(__file__).resolve().parents[2]


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


@pytest.mark.parametrize(
    ("batching", "message"),
    [
        ({"max_batch_size": 1}, r"serving\.batching\.max_batch_size: .*greater than or equal to 2"),
        ({"max_latency_ms": 0}, r"serving\.batching\.max_latency_ms: .*greater than or equal"),
        ({"max_wait": 5}, r"serving\.batching\.max_wait: unknown key"),
    ],
)
def test_malformed_batching_names_the_key(batching: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_params({**BASE_PARAMS, "serving": {"batching": batching}})


def test_batching_parses_and_params_yaml_states_the_measured_defaults() -> None:
    serving = parse_params(
        {**BASE_PARAMS, "serving": {"batching": {"max_batch_size": 64, "max_latency_ms": 250}}}
    ).serving
    assert (serving.batching.max_batch_size, serving.batching.max_latency_ms) == (64, 250)
    stated = load_params(ROOT / "params.yaml").serving.batching
    assert (stated.max_batch_size, stated.max_latency_ms) == (
        BATCH_SIZE_DEFAULT,
        BATCH_LATENCY_DEFAULT_MS,
    )
