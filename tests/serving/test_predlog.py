"""The prediction log samples requests and never lets a failure reach the caller."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlgate.serving.predlog import PredictionLog


def test_logged_lines_hold_inputs_outputs_and_version(tmp_path: Path) -> None:
    log = PredictionLog(tmp_path / "logs", 1.0)
    log.record([{"a": 1}, {"a": 2}], ["x", "y"], [{"x": 0.9, "y": 0.1}, {"x": 0.2, "y": 0.8}], "v1")
    (path,) = (tmp_path / "logs").iterdir()
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line["prediction"] for line in lines] == ["x", "y"]
    assert lines[1]["inputs"] == {"a": 2}
    assert lines[1]["probabilities"] == {"x": 0.2, "y": 0.8}
    assert {line["model_version"] for line in lines} == {"v1"}
    assert lines[0]["timestamp"].endswith("+00:00")


def test_sampling_keeps_about_the_configured_share_of_records(tmp_path: Path) -> None:
    log = PredictionLog(tmp_path, 0.25, seed=1)
    for _ in range(40):  # batches of 10: records are drawn one by one, not batch by batch
        log.record([{"a": i} for i in range(10)], ["x"] * 10, None, "v1")
    lines = [json.loads(line) for p in tmp_path.iterdir() for line in p.read_text().splitlines()]
    assert 70 <= len(lines) <= 130
    assert len({line["inputs"]["a"] for line in lines}) == 10


def test_a_broken_log_never_raises_and_warns_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    log = PredictionLog(blocker / "logs", 1.0)  # a folder inside a file: cannot exist
    log.record([{"a": 1}], ["x"], None, "v1")
    log.record([{"a": 1}], ["x"], None, "v1")
    assert capsys.readouterr().err.count("writing the prediction log failed") == 1


def test_disabled_without_a_directory() -> None:
    assert not PredictionLog(None, 1.0).enabled
