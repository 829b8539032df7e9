"""The bento's Python packages: uv.lock's resolution of what the service imports, with hashes.

So the image installs exactly the versions that trained the model, and nothing unhashed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from mlgate.errors import MlgateError

# What the service imports at run time; the image gets these and their dependencies, at the
# versions (and hashes) uv.lock resolved, which are the versions that trained the model.
RUNTIME_DISTRIBUTIONS = (
    "bentoml",
    "scikit-learn",
    "skops",
    "numpy",
    "scipy",
    "pandas",
    "pyarrow",
    "pydantic",
    "pyyaml",
    "threadpoolctl",
)


def distribution_name(name: str) -> str:
    """A distribution's normalized name (PEP 503): `PyYAML`, `ruamel_yaml` → `pyyaml`, ..."""
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_closure(lock: Mapping[str, Any], roots: Iterable[str]) -> set[str]:
    """The names of `roots` and everything they need in uv.lock (extras followed, any marker)."""
    packages: dict[str, list[Mapping[str, Any]]] = {}
    for package in lock["package"]:
        packages.setdefault(distribution_name(package["name"]), []).append(package)
    seen: set[tuple[str, tuple[str, ...]]] = set()
    todo: list[tuple[str, tuple[str, ...]]] = [(distribution_name(root), ()) for root in roots]
    while todo:
        name, extras = todo.pop()
        if (name, extras) in seen:
            continue
        if name not in packages:
            raise MlgateError(f"uv.lock has no package {name!r}: run `uv lock`")
        seen.add((name, extras))
        for package in packages[name]:
            needs = list(package.get("dependencies", []))
            for extra in extras:
                needs += package.get("optional-dependencies", {}).get(extra, [])
            todo += [
                (distribution_name(d["name"]), tuple(sorted(d.get("extra", [])))) for d in needs
            ]
    return {name for name, _ in seen}


def _requirement_blocks(text: str) -> list[str]:
    """A requirements file's requirements, each with its continuation lines joined."""
    joined = re.sub(r"\s*\\\n\s*", " ", text)
    return [line.strip() for line in joined.splitlines() if line.strip() and line[0] != "#"]


def _wheel_requirement(package: Mapping[str, Any]) -> str:
    """`name @ <wheel url> --hash=...` for a pure-Python package (one wheel for all platforms)."""
    universal = [w for w in package.get("wheels", []) if w["url"].endswith("-none-any.whl")]
    if len(universal) != 1:
        raise MlgateError(f"uv.lock: {package['name']} has no single pure-Python wheel")
    return f"{package['name']} @ {universal[0]['url']} --hash={universal[0]['hash']}"


def locked_requirements(lock_file: Path, uv: str) -> str:
    """A requirements file of uv.lock's resolution of RUNTIME_DISTRIBUTIONS, with hashes.

    `uv export` of the project less (`--prune`) its direct dependencies the service does not
    import (DVC, GTO, matplotlib, uv, ...). `--require-hashes` makes the image's installer refuse
    anything unhashed. BentoML appends an unhashed `bentoml==<version>` unless the file names
    bentoml by URL, so bentoml is given as its wheel's URL and hash, both from uv.lock.
    """
    try:
        lock = tomllib.loads(lock_file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise MlgateError(f"{lock_file}: cannot read the lock file ({exc})") from None
    needed = runtime_closure(lock, RUNTIME_DISTRIBUTIONS)
    (project,) = [p for p in lock["package"] if p.get("source", {}).get("editable") == "."]
    direct = {distribution_name(d["name"]) for d in project.get("dependencies", [])} | {
        distribution_name(d["name"])
        for needs in project.get("optional-dependencies", {}).values()
        for d in needs
    }
    pruned = [arg for name in sorted(direct - needed) for arg in ("--prune", name)]
    command = [uv, "export", "--frozen", "--no-dev", "--extra", "serving", "--no-emit-project"]
    command += ["--no-header", "--no-annotate", "--format", "requirements-txt", *pruned]
    done = subprocess.run(
        command, cwd=lock_file.parent, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise MlgateError(f"`uv export` of {lock_file} failed: {last}")
    blocks = _requirement_blocks(done.stdout)
    exported = {distribution_name(re.split(r"[=;@\s\[]", block, maxsplit=1)[0]) for block in blocks}
    if exported != needed:
        raise MlgateError(
            f"`uv export` disagrees with {lock_file} on the runtime packages: "
            f"{sorted(exported ^ needed)}"
        )
    (bentoml,) = [p for p in lock["package"] if distribution_name(p["name"]) == "bentoml"]
    lines = [
        _wheel_requirement(bentoml) if block.startswith(f"bentoml=={bentoml['version']}") else block
        for block in blocks
    ]
    return "--require-hashes\n" + "\n".join(lines) + "\n"


def locate_uv() -> str:
    """The uv that exports uv.lock's resolution for the bento, put first on PATH.

    BentoML also looks uv up on PATH; when none is there it tries to pip-install it into this
    interpreter, which fails in a uv-made venv (no pip).
    """
    found = shutil.which("uv")
    if found is None:
        try:
            from uv import find_uv_bin  # the `uv` distribution of the serving extra

            found = find_uv_bin()
        except (ImportError, FileNotFoundError):
            raise MlgateError(
                "uv not found: building a bento needs uv on PATH or the `uv` package "
                "(the serving extra); run `make setup`"
            ) from None
        os.environ["PATH"] = os.pathsep.join((str(Path(found).parent), os.environ["PATH"]))
    return found
