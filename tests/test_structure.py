"""The shape a newcomer relies on: small modules, no import cycles, no reaching into another
module's private names, and CLI command modules that stand alone."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "mlgate"
MAX_LINES = 260  # "about 250": a module longer than this does more than one job
COMMAND_MODULES = ("pipeline", "review", "serving", "monitor", "release", "experiments")


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> Iterator[tuple[str, str | None]]:
    """(module, imported name or None) for every mlgate import, lazy ones included."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("mlgate"):
            for alias in node.names:
                yield node.module, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("mlgate"):
                    yield alias.name, None


KNOWN = {_name(path) for path in _modules()}


def _target(module: str, name: str | None) -> str:
    """The module an import refers to: `from mlgate.stages import card` is mlgate.stages.card."""
    if name is not None and f"{module}.{name}" in KNOWN:
        return f"{module}.{name}"
    return module


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_module_is_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(SRC)}: {lines} lines"


def test_no_module_imports_a_private_name() -> None:
    found = [
        f"{path.relative_to(SRC)}: {module}.{name}"
        for path in _modules()
        for module, name in _imports(path)
        if name is not None and name.startswith("_") and f"{module}.{name}" not in KNOWN
    ]
    assert found == []


def test_no_import_cycles() -> None:
    graph = {
        _name(path): {_target(m, n) for m, n in _imports(path)} - {_name(path)}
        for path in _modules()
    }
    # A package's __init__ importing its submodules (the CLI's app) is not a cycle of logic.
    graph = {
        module: {t for t in targets if not t.startswith(f"{module}.")}
        for module, targets in graph.items()
    }
    cycles: list[list[str]] = []
    state: dict[str, str] = {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph.get(module, ())):
            if state.get(target) == "open":
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


@pytest.mark.parametrize("command_module", COMMAND_MODULES)
def test_command_modules_do_not_import_each_other(command_module: str) -> None:
    path = PACKAGE / "cli" / f"{command_module}.py"
    others = {f"mlgate.cli.{other}" for other in COMMAND_MODULES if other != command_module}
    imported = {_target(m, n) for m, n in _imports(path)}
    assert imported & others == set()


TESTS = Path(__file__).resolve().parent
# Helpers live in tests/support; act's rehearsal machinery beside its stand-in actions.
HELPER_PACKAGES = ("tests.support", "tests.workflows.rehearsal.act")


def test_no_test_module_imports_another() -> None:
    found = []
    for path in sorted(TESTS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = []
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            found += [
                f"{path.relative_to(TESTS)}: {module}"
                for module in modules
                if module.startswith("tests") and not module.startswith(HELPER_PACKAGES)
            ]
    assert found == []
