"""Text surgery for a rollback: dvc.lock stage entries and params, everything else untouched.

dvc.lock's entries are swapped as text blocks (DVC reads back exactly what it wrote), and params
files are edited with ruamel's round trip, so comments and layout stay as they were.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mlgate.registry import RegistryError

_STAGE_LINE = re.compile(r"^  (?P<name>[^\s#][^:]*):\s*$")


def _stage_blocks(text: str) -> tuple[list[str], dict[str, tuple[int, int]]]:
    """dvc.lock's lines and, per stage under `stages:`, its [start, end) line span."""
    lines = text.splitlines(keepends=True)
    try:
        start = next(i for i, line in enumerate(lines) if line.rstrip() == "stages:")
    except StopIteration:
        raise RegistryError("dvc.lock: no `stages:` section") from None
    spans: dict[str, tuple[int, int]] = {}
    current: str | None = None
    first = 0
    end = len(lines)
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if line.strip() and not line.startswith("  "):
            end = index  # a top-level key after `stages:`
            break
        match = _STAGE_LINE.match(line)
        if match:
            if current is not None:
                spans[current] = (first, index)
            current, first = match["name"].strip().strip("'\""), index
    if current is not None:
        spans[current] = (first, end)
    return lines, spans


def replace_lock_entries(target: str, source: str, stages: tuple[str, ...]) -> str:
    """`target` (a dvc.lock) with the entries of `stages` taken from `source`, as text."""
    import yaml

    source_lines, source_spans = _stage_blocks(source)
    lines, spans = _stage_blocks(target)
    for stage in sorted(stages, key=lambda name: spans[name][0], reverse=True):
        begin, end = spans[stage]
        block_begin, block_end = source_spans[stage]
        lines[begin:end] = source_lines[block_begin:block_end]
    result = "".join(lines)
    after, before, wanted = (yaml.safe_load(text)["stages"] for text in (result, target, source))
    for name in after.keys() | before.keys():
        expected = wanted[name] if name in stages else before[name]
        if after.get(name) != expected:
            raise RegistryError(f"dvc.lock: could not restore the entry of stage {name!r}")
    return result


def restore_params(text: str, values: Mapping[str, Any], origin: str) -> str:
    """A params file with each dotted key set to its value; other lines kept byte for byte."""
    from mlgate.errors import ConfigError
    from mlgate.params_file import set_params

    try:
        return set_params(text, values, origin)
    except ConfigError as exc:
        raise RegistryError(str(exc)) from None
