"""Packaging: BentoML must find a uv even where none is on PATH (a fresh machine)."""

from __future__ import annotations

import os
import re
import sys
import tomllib
from pathlib import Path

import pytest

from mlgate.errors import MlgateError
from mlgate.serving.runtime_requirements import RUNTIME_DISTRIBUTIONS, locate_uv
from tests.support.paths import REPO_ROOT


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


def _lock_versions() -> dict[str, dict[str, set[str]]]:
    """uv.lock, read here on its own: name → version → the hashes of its files."""
    lock = tomllib.loads((REPO_ROOT / "uv.lock").read_text())
    found: dict[str, dict[str, set[str]]] = {}
    for package in lock["package"]:
        files = [package.get("sdist", {}), *package.get("wheels", [])]
        hashes = {entry["hash"] for entry in files if "hash" in entry}
        found.setdefault(_name(package["name"]), {})[str(package["version"])] = hashes
    return found


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def _lock_dependencies() -> dict[tuple[str, str], set[str]]:
    lock = tomllib.loads((REPO_ROOT / "uv.lock").read_text())
    return {
        (_name(p["name"]), str(p["version"])): {_name(d["name"]) for d in p.get("dependencies", [])}
        for p in lock["package"]
    }


@pytest.mark.slow
def test_the_bento_installs_exactly_uv_locks_resolution_with_hashes(
    packaged: tuple[Path, dict[str, str]],
) -> None:
    """The image's `uv pip install -r env/python/requirements.txt` gets only locked, hashed files."""
    bentos = Path(packaged[1]["BENTOML_HOME"]) / "bentos" / "mlgate"
    # the newest build: test_container builds another bento in the same store
    requirements = bentos / (bentos / "latest").read_text().strip() / "env/python/requirements.txt"
    assert not list(requirements.parent.glob("requirements.lock.txt"))  # no re-resolution
    text = requirements.read_text()
    assert text.splitlines()[0] == "--require-hashes"
    joined = re.sub(r"\s*\\\n\s*", " ", text)
    entries = [line for line in joined.splitlines()[1:] if line.strip() and line[0] != "#"]
    locked, pinned = _lock_versions(), {}
    for entry in entries:
        hashes = set(re.findall(r"--hash=(sha256:[0-9a-f]{64})", entry))
        by_url = re.match(
            r"([\w.-]+) ?@ ?https://\S+/[\w.]+?-([\w.+!]+?)-py\w*-none-any\.whl ", entry
        )
        name, version = (
            by_url.groups() if by_url else re.match(r"([\w.-]+)==([\w.+!]+)", entry).groups()
        )  # type: ignore[union-attr]
        name = _name(name)
        assert hashes, f"no hash: {entry[:80]}"
        assert version in locked.get(name, {}), f"{name}=={version} is not uv.lock's version"
        assert hashes <= locked[name][version], f"{name}: a hash uv.lock does not have"
        pinned.setdefault(name, set()).add(version)
    assert set(pinned) >= {_name(name) for name in RUNTIME_DISTRIBUTIONS}
    dependencies = _lock_dependencies()
    missing = {
        need
        for name, versions in pinned.items()
        for version in versions
        for need in dependencies[(name, version)]
        if need not in pinned
    }
    assert not missing, f"dependencies the image would resolve unhashed: {sorted(missing)}"
    assert not {"uv", "dvc", "gto", "matplotlib", "typer", "pytest", "ruff"} & set(pinned)
    # only bentoml is given by URL (BentoML would add an unhashed pin otherwise)
    assert [entry.split("@")[0].strip() for entry in entries if "@" in entry] == ["bentoml"]
