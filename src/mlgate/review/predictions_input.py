"""Both sides' per-row predictions for the review's intervals: the workspace's
reports/predictions.parquet, and the base's from the local DVC cache (by the md5 in the base's
dvc.lock; fetched from the DVC remote when it is not there). Either may be missing; the review
then says why in one line instead of failing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mlgate.layout import PREDICTIONS

if TYPE_CHECKING:
    from pathlib import Path

    from dvc.repo import Repo

    from mlgate.model.predictions import RowPredictions
    from mlgate.review.revisions import Revision


@dataclass(frozen=True)
class ComparedPredictions:
    """The base's and the PR's predictions; paired when scored on the same test rows."""

    base: RowPredictions
    head: RowPredictions

    @property
    def paired(self) -> bool:
        return self.base.same_rows(self.head)


def _read(path: Path) -> RowPredictions | None:
    from mlgate.model.predictions import RowPredictions

    try:
        return RowPredictions.from_parquet(path)
    except (OSError, ValueError):
        return None


def read_compared_predictions(repo: Repo, base_revision: Revision) -> ComparedPredictions | str:
    """This workspace's and the base revision's, or why the intervals cannot be drawn."""
    from mlgate.vcs.dvc import cached_file, fetch_output, records_output

    where = PREDICTIONS.as_posix()
    if not PREDICTIONS.is_file():
        return f"no `{where}` in this workspace (run `dvc repro evaluate`, or `dvc pull`)"
    head = _read(PREDICTIONS)
    if head is None:
        return f"`{where}` in this workspace is unreadable; re-run `dvc repro evaluate`"
    label = f"`{base_revision.name}` ({base_revision.short})"
    if not records_output(repo, base_revision.sha, where):
        return f"the base {label} has no per-row predictions (its pipeline predates `{where}`)"
    cached = cached_file(repo, base_revision.sha, where)
    if cached is None:  # not pulled here: fetch that one file from the DVC remote
        why = fetch_output(repo, base_revision.sha, where)
        cached = cached_file(repo, base_revision.sha, where) if why is None else None
    if cached is None:
        return (
            f"the base {label}'s `{where}` is not in the local DVC cache and was not fetched "
            f"from the DVC remote ({why})"
        )
    base = _read(cached)
    if base is None:
        return f"the base {label}'s `{where}` in the DVC cache is unreadable"
    if base.task != head.task:
        return f"the base {label} was a {base.task}, this PR a {head.task}"
    return ComparedPredictions(base, head)
