"""What a rollback may restore, decided from the stage branch's and the version's dvc.lock alone.

Pure: no git, no files; the plan reads both locks and asks these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mlgate.registry import RegistryError
from mlgate.registry.lineage import (
    DEFAULT_PARAMS_FILE,
    Stages,
    deps,
    downstream,
    flatten,
    outs,
    written_by,
)
from mlgate.registry.lineage import params as recorded_params


@dataclass(frozen=True)
class RestoredParam:
    """A param the rollback writes back: its value on the stage branch and at the version."""

    key: str  # `model.params.max_depth`, or `file:key` for a params file other than params.yaml
    before: Any
    after: Any

    @property
    def file(self) -> str:
        return self.key.split(":", 1)[0] if ":" in self.key else DEFAULT_PARAMS_FILE


def check_restorable(
    base: Stages,
    version: Stages,
    producer: str,
    restored: tuple[str, ...],
    name: str,
    base_ref: str,
) -> None:
    """The restored entries must be fresh on the stage branch: same declarations, same inputs."""
    later = set(downstream(base, producer)) - set(restored) if producer in base else set()
    if later:
        raise RegistryError(
            f"stage(s) {', '.join(sorted(later))} read the model on {base_ref} but did not exist "
            f"at {name}; restoring dvc.lock entries cannot roll them back (revert on main instead)"
        )
    written = {path for stage in restored for path in outs(version[stage])}
    for stage in restored:
        now, then = base.get(stage), version[stage]
        if (
            now is None
            or now.get("cmd") != then.get("cmd")
            or set(deps(now)) != set(deps(then))
            or set(outs(now)) != set(outs(then))
            or set(recorded_params(now)) != set(recorded_params(then))
        ):
            raise RegistryError(
                f"stage {stage!r} is declared differently on {base_ref} than at {name} "
                "(dvc.yaml changed); revert on main instead of rolling back"
            )
        for path, md5 in deps(then).items():
            if not written_by(path, written) and deps(now)[path] != md5:
                raise RegistryError(
                    f"{path} changed since {name} (stage {stage!r} reads it); the restored entry "
                    f"would be stale on {base_ref}: revert that change on main instead"
                )
    restored_keys = {key for stage in restored for key in recorded_params(version[stage])}
    for stage, entry in base.items():
        if stage in restored:
            continue
        for key, value in recorded_params(entry).items():
            if key in restored_keys and _recorded(version, restored, key) != value:
                raise RegistryError(
                    f"params: {key} differs from {name} and stage {stage!r} reads it too; "
                    f"restoring it would change {stage!r}: revert on main instead"
                )


def _recorded(stages: Stages, names: tuple[str, ...], key: str) -> Any:
    return next(
        recorded_params(stages[name])[key] for name in names if key in recorded_params(stages[name])
    )


def restored_params(
    base: Stages, version: Stages, restored: tuple[str, ...]
) -> tuple[RestoredParam, ...]:
    """Each flattened param the restored entries record differently from the stage branch."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for stage in restored:
        for key, value in recorded_params(base[stage]).items():
            before.update(dict(flatten(key, value)))
        for key, value in recorded_params(version[stage]).items():
            after.update(dict(flatten(key, value)))
    missing = object()
    return tuple(
        RestoredParam(key, before.get(key), after.get(key))
        for key in sorted(before.keys() | after.keys())
        if before.get(key, missing) != after.get(key, missing)
    )


def params_by_file(
    version: Stages, restored: tuple[str, ...], changes: tuple[RestoredParam, ...]
) -> dict[str, dict[str, Any]]:
    """The recorded values to write back, per params file (only files with a change)."""
    changed_files = {change.file for change in changes}
    by_file: dict[str, dict[str, Any]] = {}
    for stage in restored:
        recorded = version[stage].get("params") or {}
        for file, values in recorded.items():
            if file in changed_files and isinstance(values, dict):
                by_file.setdefault(file, {}).update(values)
    return by_file
