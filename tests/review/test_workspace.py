"""Which slice reports the gates get: the workspace's (an error when a slice gate needs it and it
is missing) and the base's (None, so the gate is skipped, when the base has none to read)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest

from mlgate.config import parse_gates
from mlgate.errors import ArtifactError
from mlgate.review import workspace
from mlgate.review.workspace import ReviewSubject, base_slices_for_gates, slices_for_gates
from tests.support.slice_reports import category, slice_report

SLICE_GATE = parse_gates({"slice_regression": {}}, "params.yaml")
NO_SLICE_GATE = parse_gates({}, "params.yaml")
SUBJECT = cast(ReviewSubject, object())  # never opened: json_at_base is replaced below


def test_a_missing_workspace_slice_report_is_an_error_naming_the_slice_regression_gate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert slices_for_gates(NO_SLICE_GATE) is None
    with pytest.raises(ArtifactError, match=r"gates\.slice_regression needs the card stage's"):
        slices_for_gates(NO_SLICE_GATE, SLICE_GATE)


def test_the_base_slices_are_read_only_for_the_gate_and_none_when_unreadable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bodies: list[dict[str, Any] | None] = []

    def at_base(subject: ReviewSubject, path: Path) -> dict[str, Any] | None:
        assert path.as_posix() == "reports/slices.json"
        return bodies.pop()

    monkeypatch.setattr(workspace, "json_at_base", at_base)
    assert base_slices_for_gates(SUBJECT, NO_SLICE_GATE, None) is None  # not read at all
    report = slice_report(category("red", 0.9))
    bodies[:] = [None, {"not": "a slice report"}, report.to_json_dict()]
    assert base_slices_for_gates(SUBJECT, None, SLICE_GATE) == report
    assert base_slices_for_gates(SUBJECT, SLICE_GATE) is None
    assert base_slices_for_gates(SUBJECT, SLICE_GATE) is None
