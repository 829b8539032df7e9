"""dvc.yaml declares what each stage really depends on, so DVC never keeps stale results."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.paths import REPO_ROOT

PIPELINE: dict[str, Any] = yaml.safe_load((REPO_ROOT / "dvc.yaml").read_text())["stages"]
# Plumbing shared by every stage: the error types, atomic file writes and package __init__s
# (mlgate.config's is its public face: params are parsed once, by the CLI, and the stage is
# handed the values, which DVC tracks as `params`).
PLUMBING = {"errors.py", "files.py", "__init__.py"}


def _module_file(module: str) -> Path | None:
    base = REPO_ROOT / "src" / Path(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imports(path: Path) -> set[Path]:
    found: set[Path] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("mlgate"):
            # `from mlgate.stages import card` imports the module mlgate.stages.card
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names if alias.name.startswith("mlgate")]
        found.update(f for f in map(_module_file, names) if f is not None)
    return found


def _closure(files: set[Path]) -> set[Path]:
    seen: set[Path] = set()
    todo = list(files)
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            if current.name not in PLUMBING:  # what plumbing imports is plumbing's concern
                todo.extend(_imports(current))
    return seen


def _leaf_keys(tree: dict[str, Any], prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for key, value in tree.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict) and key != "params":  # model.params is declared whole
            keys |= _leaf_keys(value, f"{dotted}.")
        else:
            keys.add(dotted)
    return keys


@pytest.mark.parametrize("stage", sorted(PIPELINE))
def test_stage_lists_every_module_its_code_imports(stage: str) -> None:
    deps = {REPO_ROOT / dep for dep in PIPELINE[stage]["deps"] if str(dep).startswith("src/")}
    assert deps, f"{stage} declares no code dependency"
    needed = {path for path in _closure(deps) if path.name not in PLUMBING}
    missing = sorted(str(path.relative_to(REPO_ROOT)) for path in needed - deps)
    assert not missing, f"stage {stage} imports but does not declare: {missing}"


@pytest.mark.parametrize("stage", sorted(PIPELINE))
def test_stage_declares_no_code_it_does_not_import(stage: str) -> None:
    """A dep the stage's code never reaches would re-run the stage for nothing."""
    deps = {REPO_ROOT / dep for dep in PIPELINE[stage]["deps"] if str(dep).startswith("src/")}
    reached = _closure({REPO_ROOT / "src/mlgate/stages" / f"{stage}.py"})
    extra = sorted(str(path.relative_to(REPO_ROOT)) for path in deps - reached)
    assert not extra, f"stage {stage} declares code it does not import: {extra}"


# Sections read outside the pipeline (`mlgate report`/`gate`, `mlgate bento`): editing them
# re-runs no stage.
NON_STAGE_SECTIONS = {"gates", "review", "serving"}
# Read by a stage but deliberately not its dependency: the cores a fit uses do not change the
# model (tests/model/test_train.py checks the bytes), so changing them must not re-train; a
# size cap only refuses a source, it never changes what is read.
NOT_DEPENDENCIES = {"model.fit_jobs", "data.max_bytes"}

# `sweep:` configures `mlgate sweep`, which varies the params above; no stage reads it.
NON_STAGE_SECTIONS.add("sweep")


def test_every_param_is_read_by_some_stage() -> None:
    params = yaml.safe_load((REPO_ROOT / "params.yaml").read_text())
    params = {key: value for key, value in params.items() if key not in NON_STAGE_SECTIONS}
    declared = {p for spec in PIPELINE.values() for p in spec.get("params", [])}

    def covered(key: str) -> bool:
        return any(key == d or key.startswith(f"{d}.") for d in declared)

    untracked = sorted(
        key for key in _leaf_keys(params) if not covered(key) and key not in NOT_DEPENDENCIES
    )
    assert not untracked, f"params no stage declares (edits would not re-run anything): {untracked}"


@pytest.mark.parametrize("stage", sorted(PIPELINE))
def test_each_stage_runs_its_own_module(stage: str) -> None:
    """`mlgate <stage>` runs src/mlgate/stages/<stage>.py, which the stage lists as a dep."""
    assert PIPELINE[stage]["cmd"] == f"mlgate {stage}"
    assert f"src/mlgate/stages/{stage}.py" in PIPELINE[stage]["deps"]


def test_every_stage_module_is_a_dependency() -> None:
    """No stage code sits where DVC does not look: each module of mlgate.stages is some stage's
    dep (the package's docstring-only __init__ aside)."""
    declared = {dep for spec in PIPELINE.values() for dep in spec["deps"]}
    modules = {
        path.relative_to(REPO_ROOT).as_posix()
        for path in (REPO_ROOT / "src/mlgate/stages").glob("*.py")
        if path.name != "__init__.py"
    }
    assert modules - declared == set()


def _mlgate_imports(function: ast.FunctionDef) -> set[str]:
    found = set()
    for node in ast.walk(function):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("mlgate"):
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


@pytest.mark.parametrize("stage", sorted(PIPELINE))
def test_the_stage_command_only_calls_its_stage(stage: str) -> None:
    """The CLI's stage command holds no stage code: it imports its stage module and nothing else
    of mlgate, so everything the stage does is in a file DVC watches."""
    tree = ast.parse((REPO_ROOT / "src/mlgate/cli/pipeline.py").read_text())
    commands = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert _mlgate_imports(commands[stage]) == {f"mlgate.stages.{stage}"}
