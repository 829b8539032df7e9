import pandas as pd
import pytest

from mlgate.config import DataConfig, ValidationSettings
from mlgate.data.conform import conform_frame
from mlgate.data.feature_schema import FeatureSchema, ValidationReport
from mlgate.data.labels import resolve_positive_label
from mlgate.data.schema import resolve_schema, validate_frame
from mlgate.data.violations import build_schema, find_violations
from mlgate.errors import ConfigError


def config(**overrides: object) -> DataConfig:
    values: dict[str, object] = {
        "source": "x.csv",
        "target": "outcome",
        "drop": ("row_id",),
        "validation": {"min_rows": 50, "max_null_fraction": 0.3},
    }
    values.update(overrides)
    return DataConfig.model_validate(values)


def test_roles_are_inferred_from_dtypes(custom_frame: pd.DataFrame) -> None:
    schema = resolve_schema(config(), custom_frame)
    assert schema.numeric == ("size", "weight")
    assert schema.categorical == ("colour", "region")
    assert schema.labels == ("high", "low", "mid")
    assert "row_id" not in schema.features


def test_explicit_roles_override_inference(custom_frame: pd.DataFrame) -> None:
    schema = resolve_schema(config(drop=(), categorical=("row_id",)), custom_frame)
    assert "row_id" in schema.categorical
    assert "row_id" not in schema.numeric


def test_integer_labels_are_plain_ints() -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [0, 1, 0, 1]})
    schema = resolve_schema(config(target="y", drop=()), frame)
    assert schema.labels == (0, 1)
    assert all(type(label) is int for label in schema.labels)


def test_numeric_looking_text_column_is_numeric_and_flagged(custom_frame: pd.DataFrame) -> None:
    frame = custom_frame.astype({"size": "str"})
    frame.loc[3, "size"] = "twelve"
    report = validate_frame(frame, config())
    assert report.schema_ is not None
    assert "size" in report.schema_.numeric
    assert not report.valid
    assert "column 'size': 1 value(s) are not numbers (e.g. 'twelve')" in report.violations


def test_unknown_target_names_the_column_and_alternatives(custom_frame: pd.DataFrame) -> None:
    with pytest.raises(
        ConfigError, match=r"data\.target: column\(s\) 'label' not in the data .*outcome"
    ):
        resolve_schema(config(target="label"), custom_frame)


def test_dropped_column_must_exist(custom_frame: pd.DataFrame) -> None:
    with pytest.raises(ConfigError, match=r"data\.drop: column\(s\) 'ghost'"):
        resolve_schema(config(drop=("ghost",)), custom_frame)


def test_clean_data_has_no_violations(custom_frame: pd.DataFrame) -> None:
    report = validate_frame(custom_frame, config())
    assert report.valid
    assert report.violations == ()
    assert report.rows == len(custom_frame)
    assert 0 < report.null_fraction["colour"] < 0.3


def test_every_violation_is_listed_not_just_the_first(custom_frame: pd.DataFrame) -> None:
    frame = custom_frame.head(40).copy()
    frame.loc[0, "outcome"] = "unheard-of"
    frame.loc[1, "outcome"] = None
    frame.loc[: len(frame) // 2, "weight"] = None
    report = validate_frame(frame, config(labels=("low", "mid", "high"), missing_target="error"))
    joined = "\n".join(report.violations)
    assert "data: expected at least 50 rows" in joined
    assert "column 'outcome': 1 value(s) outside the allowed labels" in joined
    assert "'unheard-of'" in joined
    assert "column 'outcome': 1 missing value(s), none allowed" in joined
    assert "column 'weight': expected at most 30% missing values" in joined
    assert len(report.violations) >= 4


def test_rows_without_a_target_are_dropped_and_counted_by_default(
    custom_frame: pd.DataFrame,
) -> None:
    frame = custom_frame.copy()
    frame.loc[[0, 5], "outcome"] = None
    report = validate_frame(frame, config())
    assert report.valid, report.violations
    assert report.missing_target_rows == 2
    assert report.rows == len(frame) - 2


def test_single_class_target_is_a_violation(custom_frame: pd.DataFrame) -> None:
    frame = custom_frame.assign(outcome="high")
    report = validate_frame(frame, config())
    assert "data: expected at least two classes in the target" in report.violations


def test_empty_frame_fails_min_rows(custom_frame: pd.DataFrame) -> None:
    report = validate_frame(custom_frame.head(0), config())
    assert not report.valid
    assert "data: expected at least 50 rows" in report.violations


def test_serving_contract_ignores_the_target(custom_frame: pd.DataFrame) -> None:
    schema = resolve_schema(config(), custom_frame)
    contract = build_schema(schema, ValidationSettings(), with_target=False)
    request = custom_frame.drop(columns=["outcome"]).head(3)
    contract.validate(request)
    assert "outcome" not in contract.columns


def test_find_violations_names_missing_feature_column(custom_frame: pd.DataFrame) -> None:
    schema = resolve_schema(config(), custom_frame)
    violations = find_violations(
        custom_frame.drop(columns=["region"]), schema, ValidationSettings()
    )
    assert "column 'region': required column is missing" in violations


def test_report_round_trips_through_json(custom_frame: pd.DataFrame) -> None:
    report = validate_frame(custom_frame, config())
    assert ValidationReport.from_json_dict(report.to_json_dict()) == report
    assert "schema" in report.to_json_dict()


def test_conform_gives_floats_and_strings_and_keeps_missing(custom_frame: pd.DataFrame) -> None:
    schema = FeatureSchema(
        target="outcome",
        labels=("high", "low", "mid"),
        numeric=("size",),
        categorical=("colour", "region"),
    )
    conformed = conform_frame(custom_frame, schema)
    assert list(conformed.columns) == ["size", "colour", "region", "outcome"]
    assert conformed["size"].dtype == "float64"
    assert conformed["colour"].isna().sum() == custom_frame["colour"].isna().sum()
    assert conformed["colour"].dropna().map(type).eq(str).all()


def test_params_labels_match_the_data_by_their_text() -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": ["1", "2", "1", "2"]})
    schema = resolve_schema(config(target="y", drop=(), labels=(1, 2), positive_label=2), frame)
    assert schema.labels == ("1", "2")
    assert resolve_positive_label(schema.labels, 2) == "2"
    assert find_violations(frame, schema, ValidationSettings(min_rows=2)) == []


def test_params_integer_labels_match_a_csv_of_float_text() -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": ["0.0", "1.0", "0.0", "1.0"]})
    schema = resolve_schema(config(target="y", drop=(), labels=(0, 1)), frame)
    assert schema.labels == ("0.0", "1.0")
    assert find_violations(frame, schema, ValidationSettings(min_rows=2)) == []


def test_positive_label_defaults_to_the_last_class_of_a_binary_target() -> None:
    assert resolve_positive_label(("no", "yes"), None) == "yes"
    assert resolve_positive_label(("a", "b", "c"), None) is None


def test_unknown_positive_label_fails_at_validation(custom_frame: pd.DataFrame) -> None:
    with pytest.raises(ConfigError, match=r"data\.positive_label: 'HIGH' is not a class"):
        resolve_schema(config(positive_label="HIGH"), custom_frame)


def test_boolean_and_fractional_targets_keep_their_types() -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [True, False, True, False]})
    assert resolve_schema(config(target="y", drop=()), frame).labels == (False, True)
    halves = frame.assign(y=[0.5, 1.0, 0.5, 1.0])  # auto would call these a quantity
    schema = resolve_schema(config(target="y", drop=(), task="classification"), halves)
    assert set(schema.labels) == {0.5, 1}
    assert find_violations(halves, schema, ValidationSettings(min_rows=2)) == []


def test_integer_codes_with_gaps_stay_clean_categories() -> None:
    frame = pd.DataFrame({"code": [1.0, None, 3.0, 2.0], "y": ["a", "b", "a", "b"]})
    schema = FeatureSchema(target="y", labels=("a", "b"), numeric=(), categorical=("code",))
    codes = conform_frame(frame, schema)["code"]
    assert codes.isna().tolist() == [False, True, False, False]
    assert codes.dropna().tolist() == ["1", "3", "2"]
