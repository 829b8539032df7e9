"""The packages uv.lock pins for the pipeline's code: the record a dependency bump is judged by.

The `environment` stage writes it to reports/environment.json and every other stage depends on
that file, so a bump re-runs the pipeline only when a package its code runs on changed.

What counts: the closure of the project's dependencies plus RUNTIME_EXTRAS, as uv.lock resolves
them, for every platform and Python (markers are not evaluated, so the record is the same on
every machine; a package forked by Python version lists each version). Left out: the dev group
(pytest, ruff, mypy...: they never run in a stage), the serving extra (BentoML and uv package a
trained model; no stage imports them) and PIPELINE_TOOLING, the roots that run and record the
stages without computing an output. A package they share with a counted root stays counted.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from mlgate.errors import EnvironmentLockError

# The drift stage computes reports/drift.json with Evidently (the monitoring extra).
RUNTIME_EXTRAS = ("monitoring",)
# DVC and GTO run the stages and the registry; dvclive is not imported by any stage.
PIPELINE_TOOLING = frozenset({"dvc", "dvclive", "gto"})
# uv.lock names the project itself by one of these sources.
_PROJECT_SOURCES = ("editable", "virtual")


@dataclass(frozen=True)
class LockedEnvironment:
    """Python (from .python-version) and name → pinned version(s) of the runtime packages."""

    python: str | None
    packages: dict[str, str]

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "python": self.python,
            "packages": dict(sorted(self.packages.items())),
            "extras": list(RUNTIME_EXTRAS),
            "excluded": sorted(PIPELINE_TOOLING),
        }


@dataclass(frozen=True)
class PinChange:
    """One package whose pin differs: None on a side that does not have it."""

    name: str
    base: str | None
    head: str | None


def parse_lock(text: str, origin: str) -> dict[str, Any]:
    """uv.lock's TOML, or one line naming the file."""
    try:
        body = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise EnvironmentLockError(f"{origin}: not valid TOML ({exc})") from None
    if not isinstance(body.get("package"), list):
        raise EnvironmentLockError(f"{origin}: no [[package]] entries (expected a uv lock file)")
    return body


def _version(package: Mapping[str, Any]) -> str:
    """The pinned version, with the source when it is not a registry (a git commit, a URL)."""
    version = str(package.get("version", "?"))
    source = package.get("source")
    if isinstance(source, Mapping) and "registry" not in source:
        kind, where = next(iter(source.items()), ("?", "?"))
        return f"{version} ({kind} {where})"
    return version


def _project(packages: Iterable[Mapping[str, Any]], origin: str) -> Mapping[str, Any]:
    for package in packages:
        source = package.get("source")
        if isinstance(source, Mapping) and any(
            source.get(kind) == "." for kind in _PROJECT_SOURCES
        ):
            return package
    raise EnvironmentLockError(f"{origin}: no package is the project itself (source `.`)")


def runtime_pins(lock: Mapping[str, Any], origin: str = "uv.lock") -> dict[str, str]:
    """name → version of every package in the runtime closure (several versions joined by ", ")."""
    packages: list[Mapping[str, Any]] = lock["package"]
    by_name: dict[str, list[Mapping[str, Any]]] = {}
    for package in packages:
        by_name.setdefault(str(package.get("name")), []).append(package)
    project = _project(packages, origin)
    extras = project.get("optional-dependencies", {})
    todo: list[Mapping[str, Any]] = [
        dep for dep in project.get("dependencies", []) if dep.get("name") not in PIPELINE_TOOLING
    ]
    for extra in RUNTIME_EXTRAS:
        todo.extend(extras.get(extra, []))
    seen: set[tuple[str, str]] = set()
    pins: dict[str, set[str]] = {}
    while todo:
        dep = todo.pop()
        name = str(dep.get("name"))
        candidates = [
            package
            for package in by_name.get(name, [])
            if "version" not in dep or package.get("version") == dep["version"]
        ]
        if not candidates:
            wanted = f"{name} {dep['version']}" if "version" in dep else name
            raise EnvironmentLockError(f"{origin}: {wanted} is a dependency but not a [[package]]")
        for package in candidates:
            for extra in dep.get("extra", []):
                todo.extend(package.get("optional-dependencies", {}).get(extra, []))
            key = (name, _version(package))
            if key in seen:
                continue
            seen.add(key)
            if package is not project:
                pins.setdefault(name, set()).add(key[1])
            todo.extend(package.get("dependencies", []))
    return {name: ", ".join(sorted(versions)) for name, versions in sorted(pins.items())}


def python_version(text: str | None) -> str | None:
    """The first version line of .python-version (the Python CI runs the pipeline with)."""
    lines = (line.strip() for line in (text or "").splitlines())
    return next((line for line in lines if line and not line.startswith("#")), None)


def locked_environment(lock_text: str, python_text: str | None, origin: str) -> LockedEnvironment:
    return LockedEnvironment(
        python_version(python_text), runtime_pins(parse_lock(lock_text, origin), origin)
    )


def read_record(body: Mapping[str, Any] | None) -> LockedEnvironment | None:
    """A reports/environment.json body back as a record; None when absent or not one."""
    if body is None or not isinstance(body.get("packages"), Mapping):
        return None
    python = body.get("python")
    return LockedEnvironment(
        python if isinstance(python, str) else None,
        {str(name): str(version) for name, version in body["packages"].items()},
    )


def changed_pins(base: LockedEnvironment, head: LockedEnvironment) -> list[PinChange]:
    """Python first (when it changed), then every package added, removed or re-pinned, by name."""
    changes = [PinChange("python", base.python, head.python)] if base.python != head.python else []
    for name in sorted(base.packages.keys() | head.packages.keys()):
        before, after = base.packages.get(name), head.packages.get(name)
        if before != after:
            changes.append(PinChange(name, before, after))
    return changes
