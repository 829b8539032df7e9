"""params.yaml as a whole: read once, frozen, and every problem named by its key path."""

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from mlgate.config import load_params, parse_params
from mlgate.errors import ConfigError
from tests.support.datasets import BASE_PARAMS, params_with, write_params
from tests.support.paths import REPO_ROOT


def test_committed_params_yaml_is_valid() -> None:
    params = load_params(REPO_ROOT / "params.yaml")  # whatever a fork has put there
    assert params.data.target
    assert params.model.estimator


def test_defaults_fill_optional_keys() -> None:
    params = parse_params(BASE_PARAMS)
    assert params.data.numeric is None
    assert params.model.preprocessing.numeric_imputer == "median"
    assert params.model.baseline == "auto"
    assert params.model.baseline_for("classification") == "prior"
    assert params.model.baseline_for("regression") == "mean"


def test_params_are_frozen() -> None:
    params = parse_params(BASE_PARAMS)
    with pytest.raises(ValidationError):
        params.data.seed = 3  # type: ignore[misc]


def test_unknown_key_is_named_with_its_section() -> None:
    raw = params_with(data={"sorce": "x.csv"})
    with pytest.raises(ConfigError, match=r"data\.sorce: unknown key"):
        parse_params(raw)


def test_unknown_top_level_section_is_rejected() -> None:
    with pytest.raises(ConfigError, match=r"gatez: unknown key"):
        parse_params({**BASE_PARAMS, "gatez": {}})


def test_wrong_type_names_key_and_value() -> None:
    with pytest.raises(ConfigError, match=r"data\.test_size: .*number.*'a lot'"):
        parse_params(params_with(data={"test_size": "a lot"}))


def test_missing_required_key() -> None:
    raw = params_with()
    del raw["data"]["target"]
    with pytest.raises(ConfigError, match=r"data\.target: required key is missing"):
        parse_params(raw)


def test_non_mapping_document_is_rejected() -> None:
    with pytest.raises(ConfigError, match="expected a mapping at the top level, got list"):
        parse_params([1, 2])


def test_malformed_yaml_reports_line(tmp_path: Path) -> None:
    path = tmp_path / "params.yaml"
    path.write_text("data:\n  source: [unclosed\nmodel: {}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"malformed YAML at line \d+, column \d+"):
        load_params(path)


def test_missing_params_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_params(tmp_path / "params.yaml")


def test_load_params_round_trips_a_written_file(tmp_path: Path) -> None:
    path = write_params(tmp_path, params_with(data={"labels": ["low", "mid", "high"]}))
    assert load_params(path).data.labels == ("low", "mid", "high")


def test_bring_your_own_data_example_in_the_docs_is_valid() -> None:
    section = (REPO_ROOT / "docs" / "bring-your-own-data.md").read_text(encoding="utf-8")
    example = yaml.safe_load(section.split("```yaml", 1)[1].split("```", 1)[0])
    committed = yaml.safe_load((REPO_ROOT / "params.yaml").read_text(encoding="utf-8"))
    committed["data"].update(example["data"])
    params = parse_params(committed)
    assert params.data.labels == ("yes", "no")
    assert params.data.positive_label == "yes"
