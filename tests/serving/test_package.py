"""Packaging: BentoML must find a uv even where none is on PATH (a fresh machine)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from mlgate.errors import MlgateError
from mlgate.serving.package import locate_uv


def test_locate_uv_puts_the_uv_package_first_on_path_when_path_has_none(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing there
    found = locate_uv()
    assert Path(found).name == "uv"
    assert Path(found).is_file()
    assert os.environ["PATH"].split(os.pathsep)[0] == str(Path(found).parent)


def test_locate_uv_prefers_the_uv_on_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    own = tmp_path / "uv"
    own.write_text("#!/bin/sh\n")
    own.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert locate_uv() == str(own)
    assert os.environ["PATH"] == str(tmp_path)


def test_locate_uv_names_the_fix_when_no_uv_exists(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setitem(sys.modules, "uv", None)  # the package is not installed
    with pytest.raises(MlgateError, match=r"^uv not found: .*run `make setup`$"):
        locate_uv()
