"""`mlgate simulate` then `mlgate monitor`: exit 0 without drift, 1 with drift, 2 on bad input."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from mlgate.cli import app
from mlgate.monitor import drift_check
from tests.support.datasets import params_with, write_params

runner = CliRunner()
DRIFT = {
    "num_method": "wasserstein",
    "cat_method": "jensenshannon",
    "num_threshold": 0.3,
    "cat_threshold": 0.3,
}


@pytest.fixture
def split(workdir: Path) -> Path:
    write_params(workdir, params_with() | {"drift": DRIFT})
    for stage in ("ingest", "validate", "split"):
        result = runner.invoke(app, [stage])
        assert result.exit_code == 0, result.stderr
    return workdir


def monitor(current: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["monitor", "--current", current, "--out", "drift.json"])
    return result.exit_code, result.stdout, result.stderr


def test_unshifted_batch_does_not_drift(split: Path) -> None:
    assert (
        runner.invoke(
            app, ["simulate", "--rows", "3000", "--seed", "1", "-o", "b.parquet"]
        ).exit_code
        == 0
    )
    code, out, _ = monitor("b.parquet")
    assert code == 0, out
    assert out.startswith("no drift")
    assert json.loads((split / "drift.json").read_text())["drifted"] is False


def test_shifted_batch_drifts_and_names_the_columns(split: Path) -> None:
    result = runner.invoke(app, ["simulate", "--rows", "3000", "--drift", "1", "-o", "b.csv"])
    assert result.exit_code == 0
    code, out, _ = monitor("b.csv")
    assert code == 1
    assert "drift: 4/4 columns drifted" in out
    summary = json.loads((split / "drift.json").read_text())
    assert sorted(summary["drifted_columns"]) == ["colour", "region", "size", "weight"]
    assert summary["drifted"] is True


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "nope.csv: file not found"),
        ("size,weight\n1,2\n", "missing column(s): colour, region"),
    ],
)
def test_bad_batch_exits_2_with_one_line(split: Path, content: str | None, message: str) -> None:
    if content is not None:
        (split / "nope.csv").write_text(content)
    code, _, err = monitor("nope.csv")
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1


def _batch(split: Path, rows: int = 100) -> pd.DataFrame:
    """Training rows without the target: a batch that would not drift."""
    frame = pd.read_parquet(split / "data" / "processed" / "train.parquet")
    return frame.drop(columns=["outcome"]).head(rows)


def _write_no_sizes(split: Path) -> str:
    _batch(split).assign(size=float("nan")).to_parquet(split / "b.parquet")
    return "b.parquet"


def _write_dated_sizes(split: Path) -> str:
    batch = _batch(split)
    batch.assign(size=pd.date_range("2026-01-01", periods=len(batch))).to_parquet("b.parquet")
    return "b.parquet"


def _write_log_without_inputs(split: Path) -> str:
    (split / "p.jsonl").write_text('{"inputs": 5, "prediction": "low"}\n')
    return "p.jsonl"


def _write_small_batch(split: Path) -> str:
    _batch(split, rows=12).to_parquet(split / "b.parquet")
    return "b.parquet"


@pytest.mark.parametrize(
    ("write", "message"),
    [
        (_write_no_sizes, "error: b.parquet: column 'size' has no values"),
        (
            _write_dated_sizes,
            "error: b.parquet: column 'size' must be numeric (found datetime64[",
        ),
        (
            _write_log_without_inputs,
            'p.jsonl:1: expected "inputs" to be an object {...}, found a number',
        ),
        (_write_small_batch, "b.parquet: batch has 12 row(s); a drift test needs at least 30"),
    ],
)
def test_a_batch_a_drift_test_cannot_use_exits_2(
    split: Path, write: Callable[[Path], str], message: str
) -> None:
    code, _, err = monitor(write(split))
    assert code == 2
    assert message in err  # markup-like text such as "[us]" is printed as is
    assert len(err.strip().splitlines()) == 1


def test_a_glob_with_brackets_is_printed_as_given(split: Path) -> None:
    code, _, err = monitor("batch-[ab].csv")
    assert (code, err.strip()) == (2, "error: batch-[ab].csv: no file matches")


def test_a_crash_is_bad_input_not_drift(split: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*args: object) -> None:
        raise ValueError("Distribution can't be empty\nmore detail")

    monkeypatch.setattr(drift_check, "check_drift", crash)
    _batch(split).to_parquet(split / "b.parquet")
    code, out, err = monitor("b.parquet")
    assert code == 2  # 1 would read as "drift detected"
    assert err.strip() == "error: b.parquet: Distribution can't be empty (ValueError)"
    assert out == ""
