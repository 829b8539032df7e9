"""The CLI run in-process (Typer's CliRunner): no interpreter start per command."""

from __future__ import annotations

from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from mlgate.cli import app

STAGES = ("ingest", "validate", "split", "train", "evaluate")
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def run_stages(*stages: str) -> None:
    for stage in stages:
        code, _, err = run(stage)
        assert code == 0, f"{stage} failed: {err}"
        if stage == "train":
            record_model_hash(Path.cwd())


def record_model_hash(folder: Path) -> None:
    """What `dvc repro` does after train: dvc.lock records the model's md5 (loaders check it)."""
    import hashlib

    import yaml

    md5 = hashlib.md5((folder / "models/model.skops").read_bytes()).hexdigest()
    lock = {
        "schema": "2.0",
        "stages": {"train": {"outs": [{"path": "models/model.skops", "md5": md5}]}},
    }
    (folder / "dvc.lock").write_text(yaml.safe_dump(lock))


def assert_clean_failure(code: int, err: str, message: str) -> None:
    assert code == 1
    assert message in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ")
    assert "Traceback" not in err


def mlgate(*args: str) -> Result:
    """`mlgate args…` in-process; the whole Result (exit code, stdout, stderr)."""
    return CliRunner().invoke(app, list(args))
