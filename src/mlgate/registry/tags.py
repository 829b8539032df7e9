"""GTO, and only GTO, reads and writes the registry's git tags; this module is the thin seam.

Versions are `model@vX.Y.Z` tags on the commit that holds the model, stages are GTO's default
`model#<stage>#N` tags on the version's commit (N counts up, so a stage can return to an older
version). Which version a stage holds is GTO's answer: the latest assignment of that stage.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from mlgate.registry import RegistryError
from mlgate.vcs import git

# The stages promotion uses; `.gto`'s `stages:` (GTO's config) overrides them.
DEFAULT_STAGES = ("staging", "production")

T = TypeVar("T")


@dataclass(frozen=True)
class Version:
    """A registered version of the artifact."""

    name: str  # v0.2.0
    commit: str
    created_at: datetime
    message: str


@dataclass(frozen=True)
class Assignment:
    """One `gto assign`: a stage given to a version (history, oldest first)."""

    stage: str
    version: str
    commit: str
    created_at: datetime
    tag: str


@contextmanager
def _gto_errors(doing: str) -> Iterator[None]:
    from gto.exceptions import GTOException

    try:
        yield
    except GTOException as exc:
        raise RegistryError(f"{doing}: {exc.msg}") from None


def _call(doing: str, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    with _gto_errors(doing):
        return function(*args, **kwargs)


def registered_versions(root: Path, artifact: str) -> list[Version]:
    """The artifact's registered, active versions, highest semantic version first."""
    from gto import api

    if not tag_names(root, artifact):
        return []  # GTO would say the artifact does not exist
    shown = _call("gto show", api.show, str(root), artifact, registered_only=True)
    return [
        Version(
            name=str(item["version"]),
            commit=str(item["commit_hexsha"]),
            created_at=item["created_at"],
            message=str(item.get("message") or ""),
        )
        for item in shown
    ]


def tag_names(root: Path, artifact: str) -> list[str]:
    """The git tags GTO would read for this artifact (cheap: no GTO import)."""
    return git.tags(root, f"{artifact}@*", f"{artifact}#*")


def current_stages(root: Path, artifact: str) -> dict[str, str]:
    """stage → the version GTO says is in it now (the stage's latest assignment)."""
    from gto import api
    from gto.constants import VersionSort

    if not tag_names(root, artifact):
        return {}
    state = _call("gto show", api.show, str(root), sort=VersionSort.Timestamp)
    stages = state.get(artifact, {}).get("stage", {})
    return {str(stage): str(version) for stage, version in stages.items() if version}


def stage_history(root: Path, artifact: str, stage: str) -> list[Assignment]:
    """Every assignment of `stage`, oldest first (GTO's history)."""
    from gto import api

    if not tag_names(root, artifact):
        return []
    events = _call("gto history", api.history, str(root), artifact=artifact, ascending=True)
    return [
        Assignment(
            stage=str(event["stage"]),
            version=str(event["version"]),
            commit=str(event["commit"]),
            created_at=event["timestamp"],
            tag=str(event["ref"]),
        )
        for event in events
        if event["event"] == "assignment" and event["stage"] == stage
    ]


def allowed_stages(root: Path) -> tuple[str, ...]:
    """The stages `.gto` allows (GTO's config), else staging and production."""
    from gto import api

    configured = _call(".gto", api.get_stages, str(root), allowed=True)
    return tuple(configured) if configured else DEFAULT_STAGES


def register(
    root: Path,
    artifact: str,
    commit: str,
    *,
    message: str,
    version: str | None = None,
    bump: str | None = None,
) -> str:
    """`gto register`: an annotated `artifact@vX.Y.Z` tag on `commit`; returns the tag.

    `version` names the version outright; otherwise `bump` ("minor" or "patch") has GTO bump
    the latest registered version.
    """
    from gto import api

    name, email = git.identity(root)
    event = _call(
        "gto register",
        api.register,
        str(root),
        artifact,
        ref=commit,
        version=version,
        bump_minor=bump == "minor",
        bump_patch=bump == "patch",
        message=message,
        author=name,
        author_email=email,
    )
    return str(event.tag)


def assign(root: Path, artifact: str, stage: str, version: str, *, message: str) -> str:
    """`gto assign`: a `artifact#stage#N` tag on the version's commit; returns the tag.

    Forced, because a stage may go back to a version it held before (a rollback); callers check
    first that the version is not already the one in the stage.
    """
    from gto import api

    name, email = git.identity(root)
    event = _call(
        "gto assign",
        api.assign,
        str(root),
        artifact,
        stage,
        version=version,
        message=message,
        force=True,
        author=name,
        author_email=email,
    )
    return str(event.tag)
