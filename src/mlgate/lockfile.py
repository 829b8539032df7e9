"""The hashes `dvc.lock` recorded for pipeline outputs: what a loader checks a file against.

`dvc.lock` is committed and reviewed, so its hash says which bytes were reviewed; a file swapped
in the DVC remote or the workspace afterwards no longer matches. `dvc repro` rewrites a stage's
entry as soon as the stage has run, so later stages see the hash of the file just made.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlgate.errors import ArtifactError
from mlgate.layout import LOCK


def recorded_md5(output: Path, lock: Path = LOCK) -> str:
    """The md5 `dvc.lock` records for `output` (a stage's out), or ArtifactError naming the fix."""
    import yaml

    try:
        body = yaml.safe_load(lock.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ArtifactError(
            f"{lock}: missing, so {output} cannot be checked against its recorded hash; "
            "run `dvc repro`"
        ) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ArtifactError(f"{lock}: unreadable ({type(exc).__name__})") from None
    found = locked_output(body, output.as_posix())
    if found is None:
        raise ArtifactError(
            f"{lock}: no stage records {output}, so it cannot be checked; run `dvc repro`"
        )
    name, out = found
    md5 = out.get("md5")
    if isinstance(md5, str) and md5:
        return md5
    raise ArtifactError(f"{lock}: stage {name} records no md5 for {output}")


def locked_output(lock: object, output: str) -> tuple[str, dict[str, Any]] | None:
    """The stage and the entry of a parsed dvc.lock that record `output`; None when none does."""
    stages = lock.get("stages") if isinstance(lock, dict) else None
    for name, entry in stages.items() if isinstance(stages, dict) else ():
        outs = entry.get("outs") if isinstance(entry, dict) else None
        for out in outs if isinstance(outs, list) else ():
            if isinstance(out, dict) and out.get("path") == output:
                return str(name), out
    return None
