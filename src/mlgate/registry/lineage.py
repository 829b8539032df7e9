"""What made the model at a commit, from that commit's `dvc.lock`: its hash, params and data.

The bump rule compares two lineages: a params or data change is a minor bump, anything else that
changed the model (code, dependencies) a patch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from mlgate import layout
from mlgate.registry import RegistryError
from mlgate.vcs import git

# As git and dvc.lock name them: posix strings relative to the repository root.
LOCK = layout.LOCK.as_posix()
DEFAULT_PARAMS_FILE = layout.PARAMS.as_posix()
DATA_PREFIX = f"{layout.DATA.as_posix()}/"
LISTED = 4  # changes named in a tag's message

Stages = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Lineage:
    """The model at one commit and what made it (the model's stage and every stage upstream)."""

    commit: str
    model_hash: str
    stages: tuple[str, ...]
    params: Mapping[str, Any]  # flattened: "model.params.max_depth" → 8
    data: Mapping[str, str]  # path → md5, for the data the model was made from


@dataclass(frozen=True)
class Bump:
    kind: Literal["minor", "patch"]
    changes: tuple[str, ...]  # what changed, for people: "params: model.params.max_depth 8 → 12"

    def describe(self, since: str) -> str:
        if not self.changes:
            return f"{self.kind} since {since}: code or dependencies changed"
        listed = "; ".join(self.changes[:LISTED])
        more = len(self.changes) - LISTED
        return f"{self.kind} since {since}: {listed}" + (f"; and {more} more" if more > 0 else "")


def parse_lock(text: bytes | str, origin: str) -> Stages:
    import yaml

    try:
        body = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        raise RegistryError(f"{origin}: not valid YAML") from None
    stages = body.get("stages") if isinstance(body, dict) else None
    if not isinstance(stages, dict):
        raise RegistryError(f"{origin}: no `stages:` (is it a dvc.lock?)")
    return {str(name): entry for name, entry in stages.items() if isinstance(entry, dict)}


def lock_at(root: Path, commit: str) -> Stages | None:
    """The stages of dvc.lock at `commit`, or None when that commit has no dvc.lock."""
    text = git.file_at(root, commit, LOCK)
    return None if text is None else parse_lock(text, f"{LOCK} at {commit[:7]}")


def outs(entry: Mapping[str, Any]) -> dict[str, str]:
    return _hashes(entry.get("outs"))


def deps(entry: Mapping[str, Any]) -> dict[str, str]:
    return _hashes(entry.get("deps"))


def _hashes(items: object) -> dict[str, str]:
    if not isinstance(items, list):
        return {}
    return {
        str(item["path"]): str(item.get("md5") or item.get("etag") or item.get("checksum") or "")
        for item in items
        if isinstance(item, dict) and "path" in item
    }


def params(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The params a stage recorded, keyed `key` (params.yaml) or `file:key` (other files)."""
    recorded = entry.get("params")
    found: dict[str, Any] = {}
    if isinstance(recorded, dict):
        for file, values in recorded.items():
            if isinstance(values, dict):
                prefix = "" if file == DEFAULT_PARAMS_FILE else f"{file}:"
                found.update({f"{prefix}{key}": value for key, value in values.items()})
    return found


def written_by(path: str, outputs: Iterable[str]) -> bool:
    """Whether `path` is one of the outputs or a file inside an output folder (the evaluate
    stage writes reports/plots/ whole; the card reads one file of it)."""
    return any(path == out or path.startswith(f"{out.rstrip('/')}/") for out in outputs)


def producer(stages: Stages, path: str) -> str | None:
    """The stage that writes `path`."""
    return next((name for name, entry in stages.items() if written_by(path, outs(entry))), None)


def upstream(stages: Stages, stage: str) -> tuple[str, ...]:
    """`stage` and every stage whose outputs it reads, directly or not, in lock order."""
    wanted = {stage}
    frontier = [stage]
    while frontier:
        for path in deps(stages[frontier.pop()]):
            source = producer(stages, path)
            if source is not None and source not in wanted:
                wanted.add(source)
                frontier.append(source)
    return tuple(name for name in stages if name in wanted)


def downstream(stages: Stages, stage: str) -> tuple[str, ...]:
    """`stage` and every stage that reads its outputs, directly or not, in lock order."""
    wanted = {stage}
    changed = True
    while changed:
        written = {path for name in wanted for path in outs(stages[name])}
        more = {
            name
            for name, entry in stages.items()
            if any(written_by(path, written) for path in deps(entry))
        } - wanted
        wanted |= more
        changed = bool(more)
    return tuple(name for name in stages if name in wanted)


def model_stage(stages: Stages, artifact_path: str, origin: str) -> str:
    stage = producer(stages, artifact_path)
    if stage is None:
        raise RegistryError(
            f"{origin}: no stage writes {artifact_path}; run `dvc repro` and commit dvc.lock"
        )
    return stage


def model_hash_at(root: Path, commit: str, artifact_path: str) -> str | None:
    """The model's md5 as dvc.lock records it at `commit` (None: no dvc.lock or no model)."""
    stages = lock_at(root, commit)
    if stages is None:
        return None
    stage = producer(stages, artifact_path)
    if stage is None:
        return None
    return outs(stages[stage])[artifact_path] or None


def lineage_at(root: Path, commit: str, artifact_path: str) -> Lineage:
    origin = f"{LOCK} at {commit[:7]}"
    stages = lock_at(root, commit)
    if stages is None:
        raise RegistryError(f"{origin}: not found; run `dvc repro` and commit dvc.lock")
    stage = model_stage(stages, artifact_path, origin)
    model_hash = outs(stages[stage])[artifact_path]
    if not model_hash:
        raise RegistryError(f"{origin}: {artifact_path} has no hash")
    lineage = upstream(stages, stage)
    recorded: dict[str, Any] = {}
    data: dict[str, str] = {}
    for name in lineage:
        entry = stages[name]
        for key, value in params(entry).items():
            recorded.update(dict(flatten(key, value)))
        for path, md5 in {**deps(entry), **outs(entry)}.items():
            if path.startswith(DATA_PREFIX) and path != artifact_path:
                data[path] = md5
    return Lineage(commit, model_hash, lineage, recorded, data)


def flatten(key: str, value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict) and value:
        for inner, item in value.items():
            yield from flatten(f"{key}.{inner}", item)
    else:
        yield key, value


def bump_for(previous: Lineage, current: Lineage) -> Bump:
    """Minor when a param or the data changed since `previous`, else patch (code, deps)."""
    changes = [
        f"params: {key} {_shown(previous.params.get(key))} → {_shown(current.params.get(key))}"
        for key in sorted(set(previous.params) | set(current.params))
        if previous.params.get(key, _MISSING) != current.params.get(key, _MISSING)
    ]
    changes += [
        f"data: {path}"
        for path in sorted(set(previous.data) | set(current.data))
        if previous.data.get(path) != current.data.get(path)
    ]
    return Bump("minor" if changes else "patch", tuple(changes))


_MISSING = object()


def _shown(value: Any) -> str:
    return "(none)" if value is None else str(value)
