"""The CLI end to end on the custom dataset, and every kind of bad input it must survive.

Each bad-input test asserts the one-line message, the non-zero exit, and that no
half-written output is left behind.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from mlgate.cli import app
from tests.support.cli import STAGES, assert_clean_failure, record_model_hash, run, run_stages
from tests.support.datasets import make_custom_frame, params_with, write_params

runner = CliRunner()


def outputs(folder: Path) -> set[str]:
    """Every file the stages wrote (the inputs we placed are excluded)."""
    written = {
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.is_file() and "external" not in path.parts
    }
    return written - {"params.yaml", "dvc.lock"}


# ------------------------------------------------------------------ happy paths


def test_whole_pipeline_on_custom_csv_with_strings_and_missing_values(workdir: Path) -> None:
    run_stages(*STAGES)
    metrics = yaml.safe_load((workdir / "reports" / "metrics.json").read_text())
    assert set(metrics) == {"model", "baseline", "test_rows"}
    assert metrics["model"]["accuracy"] > metrics["baseline"]["accuracy"]
    assert (workdir / "models" / "model.skops").stat().st_size > 0
    assert (workdir / "reports" / "plots" / "feature_importance.png").read_bytes()[:4] == b"\x89PNG"
    assert not [p for p in workdir.rglob(".*.tmp")]


def test_each_stage_prints_one_summary_line(workdir: Path) -> None:
    code, out, _ = run("ingest")
    assert code == 0
    assert out.strip() == out.strip().splitlines()[0]
    assert "ingest: 300 rows x 6 columns → data/raw/data.parquet (" in out


def test_help_lists_the_stages() -> None:
    code, out, _ = run("--help")
    assert code == 0
    for stage in STAGES:
        assert stage in out


def test_console_script_exits_non_zero_on_bad_params(tmp_path: Path) -> None:
    (tmp_path / "params.yaml").write_text("data: [", encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, "-m", "mlgate", "ingest"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 1
    assert "malformed YAML" in completed.stderr
    assert "Traceback" not in completed.stderr


# ------------------------------------------------------------------ bad inputs


def test_bad_malformed_yaml(workdir: Path) -> None:
    (workdir / "params.yaml").write_text("data:\n  source: [oops\n", encoding="utf-8")
    code, _, err = run("ingest")
    assert_clean_failure(code, err, "params.yaml: malformed YAML at line")
    assert outputs(workdir) == set()


def test_bad_unknown_key(workdir: Path) -> None:
    write_params(workdir, params_with(model={"estimater": "x.Y"}))
    code, _, err = run("ingest")
    assert_clean_failure(code, err, "model.estimater: unknown key")
    assert outputs(workdir) == set()


def test_bad_wrong_type(workdir: Path) -> None:
    write_params(workdir, params_with(data={"seed": "forty-two"}))
    code, _, err = run("ingest")
    assert_clean_failure(code, err, "data.seed: Input should be a valid integer")
    assert outputs(workdir) == set()


def test_bad_missing_source_file(workdir: Path) -> None:
    write_params(workdir, params_with(data={"source": "data/external/absent.csv"}))
    code, _, err = run("ingest")
    assert_clean_failure(code, err, "data.source: file not found: data/external/absent.csv")
    assert outputs(workdir) == set()


def test_bad_unreadable_source_file(workdir: Path) -> None:
    (workdir / "data" / "external" / "garbled.parquet").write_bytes(b"\x00\x01 not parquet")
    write_params(workdir, params_with(data={"source": "data/external/garbled.parquet"}))
    code, _, err = run("ingest")
    assert_clean_failure(code, err, "data.source: cannot read data/external/garbled.parquet")
    assert outputs(workdir) == set()


def test_bad_empty_source_file(workdir: Path) -> None:
    (workdir / "data" / "external" / "empty.csv").write_text("")
    write_params(workdir, params_with(data={"source": "data/external/empty.csv"}))
    code, _, err = run("ingest")
    assert_clean_failure(code, err, "is empty")
    assert outputs(workdir) == set()


def test_bad_unknown_target(workdir: Path) -> None:
    write_params(workdir, params_with(data={"target": "label"}))
    run_stages("ingest")
    code, _, err = run("validate")
    assert_clean_failure(code, err, "data.target: column(s) 'label' not in the data")
    assert outputs(workdir) == {"data/raw/data.parquet"}


def test_bad_single_class_target(workdir: Path) -> None:
    make_custom_frame().assign(outcome="high").to_csv(
        workdir / "data/external/custom.csv", index=False
    )
    run_stages("ingest")
    code, _, err = run("validate")
    assert code == 1
    assert "data: expected at least two classes in the target" in err
    report = yaml.safe_load((workdir / "reports/data_validation.json").read_text())
    assert report["valid"] is False
    assert outputs(workdir) == {"data/raw/data.parquet", "reports/data_validation.json"}
    code, _, err = run("split")
    assert_clean_failure(code, err, "the data failed validation")
    assert not (workdir / "data" / "processed").exists()


def test_bad_empty_data_header_only(workdir: Path) -> None:
    (workdir / "data/external/custom.csv").write_text("row_id,size,weight,colour,region,outcome\n")
    run_stages("ingest")
    code, _, err = run("validate")
    assert code == 1
    assert "data: expected at least 50 rows" in err
    assert "Traceback" not in err


def test_bad_text_in_numeric_column(workdir: Path) -> None:
    frame = make_custom_frame().astype({"weight": "str"})
    frame.loc[5, "weight"] = "heavy"
    frame.to_csv(workdir / "data/external/custom.csv", index=False)
    write_params(workdir, params_with(data={"numeric": ["size", "weight"]}))
    run_stages("ingest")
    code, _, err = run("validate")
    assert code == 1
    assert "column 'weight': 1 value(s) are not numbers (e.g. 'heavy')" in err
    assert not (workdir / "data" / "processed").exists()


def test_bad_schema_violation_lists_every_violation(workdir: Path) -> None:
    frame = make_custom_frame()
    frame.loc[[0, 1], "outcome"] = "extreme"
    frame.loc[: len(frame) // 2, "size"] = None
    frame.to_csv(workdir / "data/external/custom.csv", index=False)
    write_params(workdir, params_with(data={"labels": ["low", "mid", "high"]}))
    run_stages("ingest")
    code, _, err = run("validate")
    assert code == 1
    assert "data validation failed with 2 violation(s):" in err
    assert (
        "  - column 'outcome': 2 value(s) outside the allowed labels ['low', 'mid', 'high'] (e.g. 'extreme')"
        in err
    )
    assert "  - column 'size': expected at most 30% missing values" in err


def test_bad_unknown_estimator_path(workdir: Path) -> None:
    write_params(workdir, params_with(model={"estimator": "sklearn.ensemble.GradientForest"}))
    run_stages("ingest", "validate", "split")
    code, _, err = run("train")
    assert_clean_failure(
        code, err, "model.estimator: 'sklearn.ensemble' has no class 'GradientForest'"
    )
    assert not (workdir / "models").exists()


def test_bad_invalid_hyperparameter(workdir: Path) -> None:
    params = params_with()
    params["model"]["params"]["max_depth"] = -1
    write_params(workdir, params)
    run_stages("ingest", "validate", "split")
    code, _, err = run("train")
    assert_clean_failure(
        code,
        err,
        "model.params.max_depth: The 'max_depth' parameter of HistGradientBoostingClassifier",
    )
    assert not (workdir / "models").exists()


def test_bad_unknown_hyperparameter(workdir: Path) -> None:
    params = params_with()
    params["model"]["params"]["n_trees"] = 10
    write_params(workdir, params)
    run_stages("ingest", "validate", "split")
    code, _, err = run("train")
    assert_clean_failure(
        code, err, "model.params.n_trees: HistGradientBoostingClassifier has no parameter 'n_trees'"
    )
    assert not (workdir / "models").exists()


def test_bad_test_size_too_small_for_the_classes(workdir: Path) -> None:
    write_params(workdir, params_with(data={"test_size": 0.005}))
    run_stages("ingest", "validate")
    code, _, err = run("split")
    assert_clean_failure(code, err, "data.test_size: 0.005 of 300 rows gives 2 test")
    assert not (workdir / "data" / "processed").exists()


def test_bad_stage_run_out_of_order(workdir: Path) -> None:
    code, _, err = run("train")
    assert_clean_failure(
        code, err, "reports/data_validation.json: not found; run `dvc repro validate`"
    )
    assert outputs(workdir) == set()


def test_bad_untrusted_model_file_is_not_loaded(workdir: Path) -> None:
    import skops.io as sio

    from tests.support.payloads import SneakyClassifier

    run_stages("ingest", "validate", "split", "train")
    (workdir / "models" / "model.skops").write_bytes(sio.dumps(SneakyClassifier()))
    record_model_hash(workdir)  # as if reviewed: the types are what refuses it
    code, _, err = run("evaluate")
    assert_clean_failure(
        code, err, "models/model.skops: refusing to load types outside the allow-list"
    )
    assert not (workdir / "reports" / "metrics.json").exists()


def test_bad_positive_label_not_in_the_data(workdir: Path) -> None:
    frame = make_custom_frame()
    frame["outcome"] = frame["outcome"].where(frame["outcome"] == "high", "other")
    frame.to_csv(workdir / "data/external/custom.csv", index=False)
    write_params(workdir, params_with(data={"positive_label": "HIGH"}))
    run_stages("ingest")
    code, _, err = run("validate")  # caught before any training time is spent
    assert_clean_failure(code, err, "data.positive_label: 'HIGH' is not a class of the target")
    assert outputs(workdir) == {"data/raw/data.parquet"}


def test_bad_failed_validation_removes_the_stale_report(workdir: Path) -> None:
    run_stages("ingest", "validate")
    write_params(workdir, params_with(data={"target": "label"}))
    code, _, err = run("validate")
    assert_clean_failure(code, err, "data.target: column(s) 'label' not in the data")
    code, _, err = run("split")
    assert_clean_failure(code, err, "reports/data_validation.json: not found")


def test_bad_estimator_without_probabilities_fails_before_training(workdir: Path) -> None:
    write_params(workdir, params_with(model={"estimator": "sklearn.svm.SVC", "params": {}}))
    run_stages("ingest", "validate", "split")
    code, _, err = run("train")
    assert_clean_failure(code, err, "SVC gives no predict_proba with these params")
    assert not (workdir / "models").exists()


def test_bad_unquoted_yes_no_labels_get_a_quoting_hint(workdir: Path) -> None:
    (workdir / "params.yaml").write_text(
        "data:\n  source: data/external/custom.csv\n  target: outcome\n  labels: [no, yes]\n"
        "model:\n  estimator: sklearn.linear_model.LogisticRegression\n",
        encoding="utf-8",
    )
    code, _, err = run("ingest")
    assert_clean_failure(
        code,
        err,
        "data.labels.0: YAML reads unquoted yes/no/true/false as a boolean; quote the label",
    )
    assert outputs(workdir) == set()


def test_bad_infinite_value_is_named_at_validation(workdir: Path) -> None:
    frame = make_custom_frame().astype({"weight": "str"})
    frame.loc[[4, 9], "weight"] = "inf"
    frame.to_csv(workdir / "data/external/custom.csv", index=False)
    run_stages("ingest")
    code, _, err = run("validate")
    assert code == 1
    assert "column 'weight': 2 infinite value(s) (e.g. inf)" in err


def test_bad_cli_argument_is_a_usage_error(workdir: Path) -> None:
    result = runner.invoke(app, ["ingest", "--no-such-flag"])
    assert result.exit_code == 2
    assert "No such option" in result.output


@pytest.mark.parametrize("stage", STAGES)
def test_bad_params_path_is_reported_by_every_stage(workdir: Path, stage: str) -> None:
    code, _, err = run(stage, "--params", "missing.yaml")
    assert_clean_failure(code, err, "missing.yaml: file not found")


def test_bad_corrupt_upstream_artifact_names_the_stage_to_rerun(workdir: Path) -> None:
    (workdir / "data" / "raw").mkdir(parents=True)
    (workdir / "data" / "raw" / "data.parquet").write_bytes(b"truncated")
    code, _, err = run("validate")
    assert_clean_failure(code, err, "data/raw/data.parquet: unreadable Parquet")
    assert "re-run `dvc repro ingest`" in err
    assert not (workdir / "reports").exists()


# ------------------------------------------------------------------ review and gate


@pytest.mark.parametrize("command", ["report", "gate"])
def test_bad_gates_section_is_reported_before_anything_runs(workdir: Path, command: str) -> None:
    write_params(workdir, params_with() | {"gates": {"thresholds": {"acuracy": 0.9}}})
    code, _, err = run(command, "--base", "main")
    assert_clean_failure(code, err, "gates.thresholds.acuracy: Input should be 'accuracy'")
    assert not (workdir / "reports").exists()


@pytest.mark.parametrize("command", ["report", "gate"])
def test_bad_review_outside_a_git_repository(workdir: Path, command: str) -> None:
    code, _, err = run(command, "--base", "main")
    assert_clean_failure(code, err, "not a git repository; the review compares git revisions")
    assert not (workdir / "reports").exists()


@pytest.mark.parametrize("command", ["report", "gate"])
def test_bad_base_that_does_not_exist_says_what_to_fetch(workdir: Path, command: str) -> None:
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "x"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=workdir, check=True
        )
    code, _, err = run(command, "--base", "release")
    assert_clean_failure(code, err, "--base release: no such commit in this clone; fetch it first")
    assert not (workdir / "reports").exists()


def test_bad_plots_mode_is_a_usage_error(workdir: Path) -> None:
    code, _, err = run("report", "--base", "main", "--plots", "svg")
    assert code == 2
    assert "Invalid value for '--plots'" in err


def test_bad_bento_outside_a_dvc_project(workdir: Path) -> None:
    code, _, err = run("bento")
    assert_clean_failure(code, err, "not a DVC repository (run from the project root)")
    assert not (workdir / ".bentoml").exists()


def test_error_lines_print_brackets_as_written(workdir: Path) -> None:
    """rich would read `[1]` or `[/x]` in a message as markup: dropped, or a crash."""
    write_params(workdir, params_with(data={"source": "data/runs[1]/[/x].csv"}))
    result = runner.invoke(app, ["ingest"])
    assert result.exit_code == 1
    assert "data/runs[1]/[/x].csv" in result.stderr
    assert "Traceback" not in result.stderr
