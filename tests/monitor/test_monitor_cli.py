"""`mlgate simulate` then `mlgate monitor`: exit 0 without drift, 1 with drift, 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlgate.cli import app
from tests.conftest import params_with, write_params

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
