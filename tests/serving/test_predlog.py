"""The prediction log samples requests and never lets a failure reach the caller."""

from __future__ import annotations

import json
import os
import stat
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


def test_a_broken_log_never_raises_counts_the_drops_and_reports_once_a_minute(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    now = [1000.0]
    counted: list[tuple[str, int]] = []
    log = PredictionLog(  # a folder inside a file: cannot exist
        blocker / "logs", 1.0, clock=lambda: now[0], on_drop=lambda *drop: counted.append(drop)
    )
    log.record([{"a": 1}, {"a": 2}], ["x", "y"], None, "v1")
    log.record([{"a": 1}], ["x"], None, "v1")
    assert log.dropped == {"write_error": 3}
    assert counted == [("write_error", 2), ("write_error", 1)]
    assert capsys.readouterr().err.count("dropped prediction log entries: 2 (write_error)") == 1
    now[0] += 61  # a minute later the next drop is reported, with what was not reported yet
    log.record([{"a": 1}], ["x"], None, "v1")
    assert "dropped prediction log entries: 2 (write_error)" in capsys.readouterr().err


def test_disabled_without_a_directory() -> None:
    assert not PredictionLog(None, 1.0).enabled


ENTRY = {"size": 1.5, "weight": 2.25, "colour": "red", "note": "a free-text field"}


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("predictions-*.jsonl"))


def _lines(folder: Path) -> list[dict[str, object]]:
    return [json.loads(line) for path in _files(folder) for line in path.read_text().splitlines()]


def test_rotation_keeps_the_folder_within_its_budget_after_many_entries(tmp_path: Path) -> None:
    budget_file, budget_files = 64 * 1024, 4
    log = PredictionLog(tmp_path, 1.0, max_file_bytes=budget_file, max_files=budget_files)
    for batch in range(2000):  # 20,000 entries of ~206 bytes: ~4.1 MB written in all
        log.record([ENTRY | {"size": batch}] * 10, ["x"] * 10, [{"x": 1.0}] * 10, "v1")
    files = _files(tmp_path)
    assert len(files) == budget_files
    assert all(path.stat().st_size <= budget_file for path in files)
    assert sum(path.stat().st_size for path in files) <= budget_files * budget_file
    assert _lines(tmp_path)[-1]["inputs"] == ENTRY | {"size": 1999}  # the newest are kept
    assert log.removed_files > 50  # 61: every file but the last four
    assert not log.dropped


def test_other_processes_files_count_against_the_budget_oldest_first(tmp_path: Path) -> None:
    """A restarted server (new pid) must not leave the old files outside the budget."""
    for age in range(5):
        old = tmp_path / f"predictions-20200101T00000{age}-1-1.jsonl"
        old.write_text("{}\n")
        os.utime(old, (1_600_000_000 + age, 1_600_000_000 + age))
    log = PredictionLog(tmp_path, 1.0, max_files=3)
    log.record([ENTRY], ["x"], None, "v1")
    names = [path.name for path in _files(tmp_path)]
    assert len(names) == 3
    assert names[:2] == [
        "predictions-20200101T000003-1-1.jsonl",
        "predictions-20200101T000004-1-1.jsonl",
    ]


def test_a_file_removed_by_another_worker_is_written_anew(tmp_path: Path) -> None:
    log = PredictionLog(tmp_path, 1.0)
    log.record([ENTRY], ["x"], None, "v1")
    (path,) = _files(tmp_path)
    path.unlink()
    log.record([ENTRY], ["y"], None, "v1")
    assert [line["prediction"] for line in _lines(tmp_path)] == ["y"]


def test_log_files_are_private_to_the_server_user(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    PredictionLog(folder, 1.0).record([ENTRY], ["x"], None, "v1")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    (path,) = folder.iterdir()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_existing_folder_of_ours_is_made_private(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir(mode=0o755)
    PredictionLog(folder, 1.0).record([ENTRY], ["x"], None, "v1")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_only_the_listed_fields_are_logged_and_hashed_ones_never_in_clear(tmp_path: Path) -> None:
    log = PredictionLog(
        tmp_path, 1.0, fields=("size", "colour", "note"), hash_fields=("note",), hash_key=b"k"
    )
    log.record([ENTRY, ENTRY | {"note": None}], ["x", "x"], None, "v1")
    text = "".join(path.read_text() for path in _files(tmp_path))
    assert "free-text" not in text
    assert "2.25" not in text  # weight: not among the fields
    first, second = _lines(tmp_path)
    assert set(first["inputs"]) == {"size", "colour", "note"}  # type: ignore[arg-type]
    assert first["inputs"]["note"].startswith("hmac-sha256:")  # type: ignore[index]
    assert second["inputs"]["note"] is None  # type: ignore[index]
    again = PredictionLog(tmp_path / "b", 1.0, hash_fields=("note",), hash_key=b"k")
    again.record([ENTRY], ["x"], None, "v1")
    assert _lines(tmp_path / "b")[0]["inputs"]["note"] == first["inputs"]["note"]  # type: ignore[index]


def test_no_inputs_at_all_when_fields_is_none(tmp_path: Path) -> None:
    PredictionLog(tmp_path, 1.0, fields="none").record([ENTRY], ["x"], [{"x": 1.0}], "v1")
    (line,) = _lines(tmp_path)
    assert line["inputs"] == {}
    assert line["prediction"] == "x"


def test_hashing_without_a_key_uses_a_key_of_the_process_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one = PredictionLog(tmp_path / "a", 1.0, hash_fields=("note",))
    two = PredictionLog(tmp_path / "b", 1.0, hash_fields=("note",))
    assert "MLGATE_PREDICTION_LOG_HASH_KEY is not set" in capsys.readouterr().err
    one.record([ENTRY], ["x"], None, "v1")
    two.record([ENTRY], ["x"], None, "v1")
    hashed = [_lines(tmp_path / name)[0]["inputs"]["note"] for name in "ab"]  # type: ignore[index]
    assert hashed[0] != hashed[1]
    assert "free-text" not in json.dumps(hashed)


def test_a_request_larger_than_a_whole_file_is_dropped_and_counted(tmp_path: Path) -> None:
    counted: list[tuple[str, int]] = []
    log = PredictionLog(
        tmp_path, 1.0, max_file_bytes=1024, on_drop=lambda *drop: counted.append(drop)
    )
    log.record([ENTRY] * 20, ["x"] * 20, None, "v1")
    assert log.dropped == {"too_large": 20}
    assert counted == [("too_large", 20)]
    assert _files(tmp_path) == []
