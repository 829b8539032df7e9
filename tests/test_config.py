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
    assert params.model.baseline == "prior"


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


def test_test_size_must_be_a_fraction() -> None:
    with pytest.raises(ConfigError, match=r"data\.test_size: .*less than 1"):
        parse_params(params_with(data={"test_size": 1.5}))


def test_missing_required_key() -> None:
    raw = params_with()
    del raw["data"]["target"]
    with pytest.raises(ConfigError, match=r"data\.target: required key is missing"):
        parse_params(raw)


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


def test_estimator_must_be_an_import_path() -> None:
    raw = params_with(model={"estimator": "RandomForest"})
    with pytest.raises(ConfigError, match=r"model\.estimator: expected an import path"):
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


def test_readme_bring_your_own_data_example_is_valid() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Bring your own data", 1)[1]
    example = yaml.safe_load(section.split("```yaml", 1)[1].split("```", 1)[0])
    committed = yaml.safe_load((REPO_ROOT / "params.yaml").read_text(encoding="utf-8"))
    committed["data"].update(example["data"])
    params = parse_params(committed)
    assert params.data.labels == ("yes", "no")
    assert params.data.positive_label == "yes"


def test_gates_accept_absolute_and_percentage_tolerances() -> None:
    params = parse_params(
        {**BASE_PARAMS, "gates": {"max_regression": {"accuracy": 0.02, "roc_auc": "1.5%"}}}
    )
    tolerances = params.gates.max_regression
    assert (tolerances["accuracy"].amount, tolerances["accuracy"].relative) == (0.02, False)
    assert tolerances["roc_auc"].relative
    assert tolerances["roc_auc"].allowed(0.9) == pytest.approx(0.0135)


@pytest.mark.parametrize(
    ("gates", "message"),
    [
        ({"thresholds": {"aucc": 0.9}}, r"gates\.thresholds\.aucc: Input should be 'accuracy'"),
        (
            {"thresholds": {"accuracy": "high"}},
            r"gates\.thresholds\.accuracy: Input should be a valid number",
        ),
        (
            {"max_regression": {"f1": "two"}},
            r"gates\.max_regression\.f1: expected a number like 0\.01 or a percentage like '1%'",
        ),
        (
            {"max_regression": {"f1": -0.1}},
            r"gates\.max_regression\.f1\.amount: Input should be greater than or equal to 0",
        ),
        (
            {"baseline_margin": {"accuracy": -1}},
            r"gates\.baseline_margin: a margin cannot be negative: accuracy",
        ),
        ({"minimum": {"accuracy": 0.9}}, r"gates\.minimum: unknown key"),
        ([0.9], r"gates: Input should be a valid dictionary"),
    ],
)
def test_malformed_gates_name_the_key(gates: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_params({**BASE_PARAMS, "gates": gates})


def test_review_plots_must_be_a_known_mode() -> None:
    with pytest.raises(
        ConfigError, match=r"review\.plots: Input should be 'images', 'mermaid' or 'artifact'"
    ):
        parse_params({**BASE_PARAMS, "review": {"plots": "svg"}})


# ------------------------------------------------------------------ card: and gates.worst_slice


def test_card_section_is_optional_and_binned_columns_parse() -> None:
    assert parse_params(BASE_PARAMS).card.slices.numeric_bins == {}
    card = parse_params(
        {**BASE_PARAMS, "card": {"slices": {"numeric_bins": {"size": 4, "weight": [40, 60.5]}}}}
    ).card
    assert card.slices.numeric_bins["size"].quantiles == 4
    assert card.slices.numeric_bins["weight"].edges == (40.0, 60.5)
    assert (card.slices.min_rows, card.slices.metric) == (10, "accuracy")


def test_committed_params_bin_numeric_columns_for_the_card() -> None:
    params = load_params(REPO_ROOT / "params.yaml")
    assert params.card.slices.numeric_bins  # the default card has slice metrics
    assert params.gates.worst_slice is None  # the slice gate is off by default


@pytest.mark.parametrize(
    ("card", "message"),
    [
        ({"owner": ["a"]}, r"card\.owner: Input should be a valid string"),
        (
            {"slices": {"numeric_bins": {"size": True}}},
            r"card\.slices\.numeric_bins\.size: expected",
        ),
        ({"slices": {"numeric_bins": {"size": 21}}}, r"numeric_bins\.size: expected .*\(2 to 20\)"),
        ({"slices": {"numeric_bins": {"size": []}}}, r"numeric_bins\.size: expected"),
        ({"slices": {"numeric_bins": {"size": [1, ".5"]}}}, r"numeric_bins\.size: expected"),
        ({"slices": {"numeric_bins": {"size": [1, 1]}}}, r"size: cut points must increase"),
        ({"slices": {"numeric_bins": {"size": [1, float("inf")]}}}, r"size: expected"),
        ({"slices": {"numeric_bins": {"size": {"quantiles": 3}}}}, r"size: expected"),
        ({"slice": {}}, r"card\.slice: unknown key"),
    ],
)
def test_malformed_card_names_the_key(card: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_params({**BASE_PARAMS, "card": card})


@pytest.mark.parametrize(
    ("gate", "message"),
    [
        ({"metric": "accuracy"}, r"gates\.worst_slice: set `min`, the limit the worst slice's"),
        ({"metric": "log_loss", "min": 0.2}, r"log_loss is better lower: set `max`, not `min`"),
        ({"metric": "f1", "max": 0.9}, r"f1 is better higher: set `min`, not `max`"),
        ({"metric": "auc", "min": 0.9}, r"gates\.worst_slice\.metric: Input should be"),
        ({"min": 0.9, "floor": 1}, r"gates\.worst_slice\.floor: unknown key"),
        ({"min": "high"}, r"gates\.worst_slice\.min: Input should be a valid number"),
    ],
)
def test_malformed_worst_slice_gate_names_the_key(gate: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_params({**BASE_PARAMS, "gates": {"worst_slice": gate}})


def test_worst_slice_gate_limit_follows_the_metrics_direction() -> None:
    gates = parse_params({**BASE_PARAMS, "gates": {"worst_slice": {"min": 0.8}}}).gates
    assert gates.worst_slice is not None
    assert (gates.worst_slice.metric, gates.worst_slice.limit) == ("accuracy", 0.8)
    ceiling = parse_params(
        {**BASE_PARAMS, "gates": {"worst_slice": {"metric": "log_loss", "max": 0.4}}}
    ).gates.worst_slice
    assert ceiling is not None
    assert ceiling.limit == 0.4


@pytest.mark.parametrize("name", ["sklearn.*", "sklearn", "xgboost.core.Booster; rm", ""])
def test_trusted_types_must_be_exact_type_names(name: str) -> None:
    raw = params_with(model={"estimator": "x.Y", "trusted_types": [name]})
    with pytest.raises(ConfigError, match=r"model\.trusted_types: .*expected exact type names"):
        parse_params(raw)


def test_max_bytes_must_be_positive() -> None:
    with pytest.raises(ConfigError, match=r"data\.max_bytes"):
        parse_params(params_with(data={"max_bytes": 0}))


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
