"""The environment stage: the runtime packages uv.lock pins, and the Python CI runs, as
reports/environment.json. Every other stage depends on that file, so a dependency bump re-runs
the pipeline when a runtime pin changed, and a dev-only bump (pytest, ruff) re-runs nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlgate.errors import EnvironmentLockError
from mlgate.layout import ENVIRONMENT, PYTHON_VERSION, UV_LOCK
from mlgate.stages.progress import Progress, quietly

if TYPE_CHECKING:
    from mlgate.config import Params


def run(config: Params, progress: Progress = quietly) -> str:
    """Write the record; reads no params (the lock file and .python-version are its inputs)."""
    from mlgate.files import write_json
    from mlgate.locked_environment import locked_environment

    try:
        lock_text = UV_LOCK.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EnvironmentLockError(
            f"{UV_LOCK}: unreadable ({type(exc).__name__}); run `uv lock` to write it"
        ) from None
    python_text = PYTHON_VERSION.read_text(encoding="utf-8") if PYTHON_VERSION.is_file() else None
    with progress("reading the runtime pins"):
        record = locked_environment(lock_text, python_text, str(UV_LOCK))
    write_json(ENVIRONMENT, record.to_json_dict())
    python = f", Python {record.python}" if record.python else ""
    return f"{len(record.packages)} runtime packages pinned{python} → {ENVIRONMENT}"
